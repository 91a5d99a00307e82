// SPDX-License-Identifier: Apache-2.0
// Counted assertions: each MMF_EXPECT_* records one check. test_main.cpp fails the run when a
// test that was not skipped recorded none, so a test cannot pass without checking something.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "mmf/error.hpp"  // MMF_EXPECT_ERROR catches mmf::Error

namespace mmf::test {

// Checks recorded by the running test (reset by the listener in test_main.cpp).
int& check_count();

}  // namespace mmf::test

// One statement each (if/else form), so they work unbraced and accept a trailing << message.
#define MMF_COUNT_CHECK() (++::mmf::test::check_count())
#define MMF_EXPECT_TRUE(c)          \
  if ((MMF_COUNT_CHECK(), false)) { \
  } else                            \
    EXPECT_TRUE(c)
#define MMF_EXPECT_FALSE(c)         \
  if ((MMF_COUNT_CHECK(), false)) { \
  } else                            \
    EXPECT_FALSE(c)
#define MMF_EXPECT_EQ(a, b)         \
  if ((MMF_COUNT_CHECK(), false)) { \
  } else                            \
    EXPECT_EQ(a, b)
#define MMF_EXPECT_NE(a, b)         \
  if ((MMF_COUNT_CHECK(), false)) { \
  } else                            \
    EXPECT_NE(a, b)
#define MMF_EXPECT_LE(a, b)         \
  if ((MMF_COUNT_CHECK(), false)) { \
  } else                            \
    EXPECT_LE(a, b)
#define MMF_EXPECT_LT(a, b)         \
  if ((MMF_COUNT_CHECK(), false)) { \
  } else                            \
    EXPECT_LT(a, b)
#define MMF_EXPECT_GE(a, b)         \
  if ((MMF_COUNT_CHECK(), false)) { \
  } else                            \
    EXPECT_GE(a, b)
#define MMF_EXPECT_GT(a, b)         \
  if ((MMF_COUNT_CHECK(), false)) { \
  } else                            \
    EXPECT_GT(a, b)
#define MMF_EXPECT_NEAR(a, b, tol)  \
  if ((MMF_COUNT_CHECK(), false)) { \
  } else                            \
    EXPECT_NEAR(a, b, tol)
#define MMF_EXPECT_DEATH(stmt, re)  \
  if ((MMF_COUNT_CHECK(), false)) { \
  } else                            \
    EXPECT_DEATH(stmt, re)
#define MMF_ASSERT_TRUE(c)          \
  if ((MMF_COUNT_CHECK(), false)) { \
  } else                            \
    ASSERT_TRUE(c)
#define MMF_ASSERT_EQ(a, b)         \
  if ((MMF_COUNT_CHECK(), false)) { \
  } else                            \
    ASSERT_EQ(a, b)

// Expects `stmt` to throw mmf::Error whose message contains every listed substring.
#define MMF_EXPECT_ERROR(stmt, ...)                                           \
  do {                                                                        \
    MMF_COUNT_CHECK();                                                        \
    bool mmf_thrown_ = false;                                                 \
    try {                                                                     \
      stmt;                                                                   \
    } catch (const ::mmf::Error& mmf_e_) {                                    \
      mmf_thrown_ = true;                                                     \
      for (const std::string& mmf_s_ : {__VA_ARGS__}) {                       \
        EXPECT_NE(std::string(mmf_e_.what()).find(mmf_s_), std::string::npos) \
            << "message '" << mmf_e_.what() << "' lacks '" << mmf_s_ << "'";  \
      }                                                                       \
    }                                                                         \
    EXPECT_TRUE(mmf_thrown_) << #stmt " did not throw mmf::Error";            \
  } while (0)
