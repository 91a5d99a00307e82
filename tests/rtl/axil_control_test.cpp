// SPDX-License-Identifier: Apache-2.0
// rtl/mmf/mmf_axil_control.sv through an AXI4-Lite master: the ap_ctrl_chain protocol (start,
// ready and done clear-on-read, idle, continue, auto-restart), interrupts, argument registers
// and read-only counters.
#include "Vmmf_axil_control.h"
#include "common/checks.hpp"
#include "rtl/verilated_unit.hpp"

namespace mmf::test {
namespace {

constexpr uint32_t kCtrl = 0x00, kGie = 0x04, kIer = 0x08, kIsr = 0x0C;
constexpr uint32_t kStart = 1u << 0, kDone = 1u << 1, kIdle = 1u << 2, kReady = 1u << 3,
                   kContinue = 1u << 4, kAutoRestart = 1u << 7;

// An AXI4-Lite master over the unit's pins; counts the kernel's start pulses.
class Host {
 public:
  Host() { dut_.reset(); }
  Vmmf_axil_control& io() { return dut_.io(); }

  void write(uint32_t addr, uint32_t data) {
    auto& io = dut_.io();
    io.aw_valid_i = 1;
    io.aw_addr_i = addr & 0xFFF;
    io.w_valid_i = 1;
    io.w_data_i = data;
    io.w_strb_i = 0xF;
    io.b_ready_i = 1;
    bool sent = false, answered = false;
    for (int k = 0; k < 20 && !answered; ++k) {
      dut_.settle();
      if (io.aw_valid_i && io.aw_ready_o) sent = true;
      const bool b = sent && io.b_valid_o && io.b_ready_i;
      tick();
      if (sent) io.aw_valid_i = io.w_valid_i = 0;
      answered = b;
    }
    if (!answered) throw std::runtime_error("AXI-Lite write did not complete");
  }

  uint32_t read(uint32_t addr) {
    auto& io = dut_.io();
    io.ar_valid_i = 1;
    io.ar_addr_i = addr & 0xFFF;
    io.r_ready_i = 1;
    bool sent = false;
    for (int k = 0; k < 20; ++k) {
      dut_.settle();
      if (io.ar_valid_i && io.ar_ready_o) sent = true;
      if (sent && io.r_valid_o && !io.ar_ready_o) {
        const uint32_t data = io.r_data_o;
        tick();
        return data;
      }
      tick();
      if (sent) io.ar_valid_i = 0;
    }
    throw std::runtime_error("AXI-Lite read did not complete");
  }

  void tick() {
    dut_.settle();
    starts += dut_.io().start_o;
    dut_.tick();
    dut_.io().done_i = 0;
  }
  void pulse_done() {
    dut_.io().done_i = 1;
    tick();
  }

  int starts = 0;

 private:
  VerilatedUnit<Vmmf_axil_control> dut_;
};

TEST(AxilControlRtl, ArgumentsAndCounters) {
  Host host;
  host.write(0x10, 0x11111111);
  host.write(0x28, 0x44444444);   // scalar 3
  host.write(0x108, 0xDEADBEEF);  // pointer 1, low
  host.write(0x10C, 0x00000012);  // pointer 1, high
  MMF_EXPECT_EQ(host.read(0x10), 0x11111111u);
  MMF_EXPECT_EQ(host.read(0x28), 0x44444444u);
  MMF_EXPECT_EQ(host.read(0x108), 0xDEADBEEFu);
  MMF_EXPECT_EQ(host.read(0x10C), 0x12u);
  auto& io = host.io();
  MMF_EXPECT_EQ(static_cast<uint32_t>(io.scalars_o[3]), 0x44444444u);
  MMF_EXPECT_EQ(io.pointers_o[2], 0xDEADBEEFu);
  MMF_EXPECT_EQ(io.pointers_o[3], 0x12u);
  io.counters_i[2] = 0x89ABCDEF;  // counter 1, low
  io.counters_i[3] = 0x01234567;  // counter 1, high
  MMF_EXPECT_EQ(host.read(0x408), 0x89ABCDEFu);
  MMF_EXPECT_EQ(host.read(0x40C), 0x01234567u);
  host.write(0x408, 5);  // read only: ignored
  MMF_EXPECT_EQ(host.read(0x408), 0x89ABCDEFu);
  MMF_EXPECT_EQ(host.read(0x208), 0u) << "past the pointers, below the counters: unmapped";
  MMF_EXPECT_EQ(host.read(0x0FC), 0u) << "unmapped addresses read 0";
}

TEST(AxilControlRtl, ApCtrlChainHandshake) {
  Host host;
  MMF_EXPECT_EQ(host.read(kCtrl), kIdle) << "idle after reset";
  host.write(kCtrl, kStart);
  for (int k = 0; k < 3; ++k) host.tick();
  MMF_EXPECT_EQ(host.starts, 1) << "one start pulse";
  MMF_EXPECT_EQ(host.read(kCtrl), kReady) << "running: not idle, ready set, start taken";
  MMF_EXPECT_EQ(host.read(kCtrl), 0u) << "ready clears on read";
  host.pulse_done();
  MMF_EXPECT_EQ(host.read(kCtrl), kDone | kIdle);
  MMF_EXPECT_EQ(host.read(kCtrl), kIdle) << "done clears on read";
  // ap_ctrl_chain: the next run waits for ap_continue.
  host.write(kCtrl, kStart);
  for (int k = 0; k < 3; ++k) host.tick();
  MMF_EXPECT_EQ(host.starts, 1) << "no start before ap_continue";
  host.write(kCtrl, kContinue);
  for (int k = 0; k < 3; ++k) host.tick();
  MMF_EXPECT_EQ(host.starts, 2) << "started after ap_continue";
}

TEST(AxilControlRtl, DoneIsNotLostToASimultaneousRead) {
  Host host;
  host.write(kCtrl, kStart);
  host.tick();
  auto& io = host.io();
  // Read the control register in the same cycle as done arrives.
  io.done_i = 1;
  const uint32_t first = host.read(kCtrl);
  const uint32_t second = host.read(kCtrl);
  MMF_EXPECT_TRUE(((first | second) & kDone) != 0) << first << " " << second;
}

TEST(AxilControlRtl, AutoRestartAndInterrupts) {
  Host host;
  host.write(kGie, 1);
  host.write(kIer, 1);  // done interrupt
  host.write(kCtrl, kStart | kAutoRestart);
  host.tick();
  MMF_EXPECT_EQ(host.starts, 1);
  MMF_EXPECT_EQ(static_cast<int>(host.io().interrupt_o), 0);
  host.pulse_done();
  host.tick();
  MMF_EXPECT_EQ(static_cast<int>(host.io().interrupt_o), 1) << "done raises the interrupt";
  MMF_EXPECT_EQ(host.read(kIsr), 1u);
  host.write(kIsr, 1);  // toggle on write clears it
  MMF_EXPECT_EQ(static_cast<int>(host.io().interrupt_o), 0);
  host.write(kCtrl, kContinue | kAutoRestart);
  for (int k = 0; k < 3; ++k) host.tick();
  MMF_EXPECT_EQ(host.starts, 2) << "auto-restart starts again after continue";
}

}  // namespace
}  // namespace mmf::test
