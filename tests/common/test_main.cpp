// SPDX-License-Identifier: Apache-2.0
// GoogleTest main with the check-counting listener (see checks.hpp).
#include <gtest/gtest.h>

#include <iostream>
#include <string>
#include <vector>

#include "common/checks.hpp"

namespace mmf::test {

int& check_count() {
  static int count = 0;  // test-only: one test runs at a time in a binary
  return count;
}

namespace {

class CheckCountListener : public ::testing::EmptyTestEventListener {
 public:
  void OnTestStart(const ::testing::TestInfo&) override { check_count() = 0; }
  void OnTestEnd(const ::testing::TestInfo& info) override {
    if (info.result()->Skipped() || info.result()->Failed()) return;
    if (check_count() == 0) {
      unchecked_.push_back(std::string(info.test_suite_name()) + "." + info.name());
    }
  }
  std::vector<std::string> unchecked_;
};

}  // namespace
}  // namespace mmf::test

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  auto* listener = new mmf::test::CheckCountListener();  // owned by gtest's listener list
  ::testing::UnitTest::GetInstance()->listeners().Append(listener);
  const int rc = RUN_ALL_TESTS();
  for (const auto& name : listener->unchecked_) {
    std::cerr << "[  FAILED  ] " << name << " made zero checks\n";
  }
  return listener->unchecked_.empty() ? rc : 1;
}
