// SPDX-License-Identifier: Apache-2.0
// One decode step of an HGRNBit model: the interface the float and fixed-point references share.
#pragma once

#include <cstdint>
#include <vector>

namespace mmf {

class LanguageModel {
 public:
  virtual ~LanguageModel() = default;
  // Clears the recurrent state (start of a new sequence).
  virtual void reset() = 0;
  // Feeds one token and returns the logits of the next token (vocab_size values).
  virtual const std::vector<float>& step(int32_t token) = 0;
};

}  // namespace mmf
