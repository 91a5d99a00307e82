// SPDX-License-Identifier: Apache-2.0
// BitNet b1.58's chat template (chat_template.hpp).
#include "mmf/chat_template.hpp"

#include "mmf/error.hpp"

namespace mmf {
namespace {

// Jinja's trim: white space off both ends.
std::string trim(const std::string& s) {
  const char* space = " \t\n\r\f\v";
  const size_t begin = s.find_first_not_of(space);
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(space) - begin + 1);
}

}  // namespace

std::string bitnet_chat_prompt(const std::vector<ChatMessage>& messages) {
  std::string text;
  for (const ChatMessage& m : messages) {
    if (m.role != "system" && m.role != "user" && m.role != "assistant") {
      throw Error("chat: role '" + m.role + "' is not system, user or assistant");
    }
    // Jinja's capitalize: first letter upper case, the rest lower case (the roles are lower).
    text += static_cast<char>(m.role[0] - 'a' + 'A') + m.role.substr(1) + ": " + trim(m.content) +
            kEndOfTurn;
  }
  return text + "Assistant: ";
}

}  // namespace mmf
