// SPDX-License-Identifier: Apache-2.0
// Skips for tests that need a backend this build may lack.
#pragma once

#include <gtest/gtest.h>

#include "mmf/host/backends/device.hpp"

// Skips the running test when the verilator backend is not part of this build (a tree
// configured with MMF_WITH_VERILATOR=OFF, as make sanitize's is). A statement of its own.
#define MMF_SKIP_WITHOUT_VERILATOR()                                       \
  if (::mmf::host::backend_available("verilator")) {                       \
  } else                                                                   \
    GTEST_SKIP() << "no verilator backend in this build (configured with " \
                    "MMF_WITH_VERILATOR=OFF)"
