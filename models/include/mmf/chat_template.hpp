// SPDX-License-Identifier: Apache-2.0
// BitNet b1.58's chat format (reference/bitnet-model.md §4): each message as
// "Role: content<|eot_id|>" with the role capitalized and the content trimmed, then
// "Assistant: " to prompt the reply. BOS comes from the tokenizer; the reply ends at <|eot_id|>
// (or <|end_of_text|>).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace mmf {

struct ChatMessage {
  std::string role;  // system | user | assistant
  std::string content;
};

// The released template's text for `messages`, with the generation prompt appended. Throws
// mmf::Error for a role other than system, user or assistant.
std::string bitnet_chat_prompt(const std::vector<ChatMessage>& messages);

// The special tokens a chat reply stops at.
constexpr const char* kEndOfTurn = "<|eot_id|>";
constexpr const char* kEndOfText = "<|end_of_text|>";

}  // namespace mmf
