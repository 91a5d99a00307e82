// SPDX-License-Identifier: Apache-2.0
// BitNet b1.58's chat template: the released Jinja template's text for known messages.
#include "mmf/chat_template.hpp"

#include "common/checks.hpp"
#include "mmf/error.hpp"

namespace mmf {
namespace {

// {% for message %}{{ role | capitalize + ': ' + content | trim + '<|eot_id|>' }}{% endfor %}
// {{ 'Assistant: ' }} (reference/bitnet-model.md §4).
TEST(ChatTemplate, WritesTheReleasedFormat) {
  MMF_EXPECT_EQ(bitnet_chat_prompt({{"user", "  What is 2+2?\n"}}),
                "User: What is 2+2?<|eot_id|>Assistant: ");
  MMF_EXPECT_EQ(
      bitnet_chat_prompt(
          {{"system", "Be brief."}, {"user", "Hi"}, {"assistant", "Hello!"}, {"user", "Bye"}}),
      "System: Be brief.<|eot_id|>User: Hi<|eot_id|>Assistant: Hello!<|eot_id|>"
      "User: Bye<|eot_id|>Assistant: ");
  MMF_EXPECT_EQ(bitnet_chat_prompt({{"user", " \t "}}), "User: <|eot_id|>Assistant: ");
  MMF_EXPECT_ERROR(bitnet_chat_prompt({{"tool", "x"}}), "role 'tool'");
}

}  // namespace
}  // namespace mmf
