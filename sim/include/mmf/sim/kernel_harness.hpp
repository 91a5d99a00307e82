// SPDX-License-Identifier: Apache-2.0
// Harness of the kernel (rtl/mmf/mmf_kernel.sv), templated on how its pins are reached: the
// Verilated C++ model (verilated_cpp_pins.hpp, the verilator backend) or the Verilator --sc
// SystemC module inside the platform (sim/src/platform/verilated_sc_pins.hpp). It drives
// s_axi_control as an AXI4-Lite master, serves every weight channel and the vector bank from
// an AxiMemoryChannel (the one timing model of a memory channel) and stops a hung run with the
// controller state named.
//
// Pins provides ports() (an object with the kernel's port names as members: integers, or
// arrays of 32-bit words for ports over 64 bits), settle() (inputs applied with the clock low,
// outputs updated) and tick() (settle, then one rising edge).
#pragma once

#include <chrono>
#include <cstring>
#include <memory>
#include <sstream>
#include <type_traits>

#include "mmf/sim/kernel_sim.hpp"
#include "mmf_hls/kernel_regs.hpp"

namespace mmf::sim {

namespace port {

// Bits [lsb, lsb + width) of a port of any Verilator type, width <= 64.
template <class P>
uint64_t get(const P& p, unsigned lsb, unsigned width) {
  uint64_t v = 0;
  if constexpr (std::is_integral_v<P>) {
    v = static_cast<uint64_t>(p) >> lsb;
  } else {
    for (unsigned k = 0; k < width; ++k) {
      const unsigned b = lsb + k;
      v |= uint64_t{(p[b / 32] >> (b % 32)) & 1u} << k;
    }
  }
  return width >= 64 ? v : v & ((uint64_t{1} << width) - 1);
}

template <class P>
void set(P& p, unsigned lsb, unsigned width, uint64_t v) {
  if constexpr (std::is_integral_v<P>) {
    const uint64_t mask = (width >= 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1) << lsb;
    p = static_cast<P>((static_cast<uint64_t>(p) & ~mask) | ((v << lsb) & mask));
  } else {
    for (unsigned k = 0; k < width; ++k) {
      const unsigned b = lsb + k;
      const uint32_t bit = 1u << (b % 32);
      p[b / 32] = ((v >> k) & 1) != 0 ? (p[b / 32] | bit) : (p[b / 32] & ~bit);
    }
  }
}

// Bytes of a port from bit `lsb` (a multiple of 8), for beats of any width.
template <class P>
void copy_in(P& p, unsigned lsb, const uint8_t* bytes, unsigned n) {
  for (unsigned k = 0; k < n; ++k) set(p, lsb + 8 * k, 8, bytes[k]);
}
template <class P>
void copy_out(const P& p, unsigned lsb, uint8_t* bytes, unsigned n) {
  for (unsigned k = 0; k < n; ++k) bytes[k] = static_cast<uint8_t>(get(p, lsb + 8 * k, 8));
}

}  // namespace port

template <class Pins>
class KernelHarness final : public KernelSim {
 public:
  // Channels, Lanes and VectorLanes must be the parameters the model was Verilated with. The
  // kernel is reset before the first launch and after a launch that failed.
  KernelHarness(std::shared_ptr<Pins> pins, const SimOptions& options, unsigned channels,
                unsigned lanes, unsigned vector_lanes)
      : pins_(std::move(pins)),
        options_(options),
        channels_(channels),
        weight_beat_(lanes / 4),
        vec_beat_(4 * vector_lanes) {}

  uint64_t total_cycles() const override { return cycles_; }

  LaunchResult run(const KernelLaunch& launch) override {
    const auto wall_start = std::chrono::steady_clock::now();
    if (needs_reset_) reset();
    needs_reset_ = true;  // until this launch ends well
    if (launch.weights.size() != channels_) {
      throw SimError("kernel simulation: " + std::to_string(launch.weights.size()) +
                     " weight banks for a kernel of " + std::to_string(channels_) + " channels");
    }
    weights_.clear();
    for (const BankView& b : launch.weights) {
      weights_.push_back(std::make_unique<AxiMemoryChannel>(options_.weight_timing, b.data, b.bytes,
                                                            weight_beat_));
    }
    vec_ = std::make_unique<AxiMemoryChannel>(options_.vec_timing, launch.vec.data,
                                              launch.vec.bytes, vec_beat_);
    // Arguments: scalars from 0x10, pointers from 0x100 (each bank is its own address space
    // starting at 0 here), then ap_start.
    const mmf_hls::LaunchRegs regs{launch.program, launch.num_ops, launch.vec_words,
                                   launch.weight_words, launch.num_tokens};
    for (uint32_t i = 0; i < mmf_hls::kNumScalarArgs; ++i) {
      write_reg(mmf_hls::kScalarRegBase + 8 * i, mmf_hls::scalar_arg(regs, i));
    }
    for (uint32_t j = 0; j <= channels_; ++j) {
      write_reg(mmf_hls::kPointerRegBase + 8 * j, 0);
      write_reg(mmf_hls::kPointerRegBase + 8 * j + 4, 0);
    }
    const uint64_t start = cycles_;
    launch_start_ = start;
    // The memory's refreshes are counted from the kernel's start (axi_memory.hpp).
    for (auto& w : weights_) w->restart_refresh();
    vec_->restart_refresh();
    states_.clear();
    last_state_ = pins_->ports().dbg_state_o;
    write_reg(0x00, 1);
    // Poll ap_done (bit 1, clear on read) like a host would; between polls the kernel runs.
    const uint64_t limit = options_.watchdog_cycles;
    while (true) {
      for (int k = 0; k < 64; ++k) cycle();
      if ((read_reg(0x00) & 0x2) != 0) break;
      if (limit != 0 && cycles_ - start > limit) {
        std::ostringstream s;
        s << "kernel simulation: no ap_done after " << (cycles_ - start)
          << " cycles (watchdog); the controller is in state "
          << controller_state_name(pins_->ports().dbg_state_o) << " at op " << read_counter(1);
        throw SimError(s.str());
      }
    }
    LaunchResult r;
    r.cycles = cycles_ - start;
    write_reg(0x00, 0x10);  // ap_continue: ap_ctrl_chain starts no new run before it
    r.regs = read_counters();
    r.states = std::move(states_);
    states_.clear();
    r.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    needs_reset_ = false;
    return r;
  }

 private:
  // Four cycles of reset with every input idle, no memory served.
  void reset() {
    auto& m = pins_->ports();
    weights_.clear();
    vec_.reset();
    m.rst_ni = 0;
    m.ctl_aw_valid_i = m.ctl_w_valid_i = m.ctl_ar_valid_i = 0;
    m.ctl_b_ready_i = m.ctl_r_ready_i = 0;
    for (int k = 0; k < 4; ++k) tick();
    m.rst_ni = 1;
    settle();
  }

  void settle() { pins_->settle(); }

  void tick() {
    pins_->tick();
    ++cycles_;
  }

  // One clock cycle with the memories served: inputs from the channels' state, outputs
  // settled, handshakes recorded, then the edge.
  void cycle() {
    if (weights_.empty()) {  // no launch yet: nothing to serve
      tick();
      return;
    }
    for (unsigned c = 0; c < channels_; ++c) drive_weight(c);
    drive_vec();
    settle();
    for (unsigned c = 0; c < channels_; ++c) accept_weight(c);
    accept_vec();
    tick();
    for (auto& ch : weights_) ch->tick();
    vec_->tick();
    if (pins_->ports().dbg_state_o != last_state_) {
      last_state_ = pins_->ports().dbg_state_o;
      states_.push_back(StateEntry{last_state_, cycles_ - launch_start_});
    }
  }

  void drive_weight(unsigned c) {
    auto& m = pins_->ports();
    AxiMemoryChannel& ch = *weights_[c];
    port::set(m.w_ar_ready_i, c, 1, ch.ar_ready());
    port::set(m.w_r_valid_i, c, 1, ch.r_valid());
    port::set(m.w_r_last_i, c, 1, ch.r_valid() && ch.r_last());
    port::set(m.w_r_resp_i, 2 * c, 2, ch.r_valid() ? ch.r_resp() : 0);
    if (ch.r_valid()) port::copy_in(m.w_r_data_i, 8 * weight_beat_ * c, ch.r_data(), weight_beat_);
  }

  void accept_weight(unsigned c) {
    auto& m = pins_->ports();
    AxiMemoryChannel& ch = *weights_[c];
    // Handshakes as the kernel saw them (see accept_vec).
    if (port::get(m.w_ar_valid_o, c, 1) && port::get(m.w_ar_ready_i, c, 1)) {
      ch.ar_accept(port::get(m.w_ar_addr_o, 64 * c, 64),
                   static_cast<uint32_t>(port::get(m.w_ar_len_o, 8 * c, 8)));
    }
    if (port::get(m.w_r_valid_i, c, 1) && port::get(m.w_r_ready_o, c, 1)) ch.r_accept();
  }

  void drive_vec() {
    auto& m = pins_->ports();
    AxiMemoryChannel& ch = *vec_;
    m.v_ar_ready_i = ch.ar_ready();
    m.v_r_valid_i = ch.r_valid();
    m.v_r_last_i = ch.r_valid() && ch.r_last();
    m.v_r_resp_i = ch.r_valid() ? ch.r_resp() : 0;
    if (ch.r_valid()) port::copy_in(m.v_r_data_i, 0, ch.r_data(), vec_beat_);
    m.v_aw_ready_i = ch.aw_ready();
    m.v_w_ready_i = ch.w_ready();
    m.v_b_valid_i = ch.b_valid();
    m.v_b_resp_i = ch.b_valid() ? ch.b_resp() : 0;
  }

  void accept_vec() {
    auto& m = pins_->ports();
    AxiMemoryChannel& ch = *vec_;
    // Handshakes as the kernel saw them (the ready pins set before the edge): an AW taken this
    // cycle must not make W ready after the kernel judged it not ready.
    if (m.v_ar_valid_o && m.v_ar_ready_i) ch.ar_accept(m.v_ar_addr_o, m.v_ar_len_o);
    if (m.v_r_valid_i && m.v_r_ready_o) ch.r_accept();
    if (m.v_aw_valid_o && m.v_aw_ready_i) ch.aw_accept(m.v_aw_addr_o, m.v_aw_len_o);
    if (m.v_w_valid_o && m.v_w_ready_i) {
      beat_.resize(vec_beat_);
      port::copy_out(m.v_w_data_o, 0, beat_.data(), vec_beat_);
      strb_.assign((vec_beat_ + 31) / 32, 0);
      for (unsigned k = 0; k < vec_beat_; ++k) {
        if (port::get(m.v_w_strb_o, k, 1)) strb_[k / 32] |= 1u << (k % 32);
      }
      ch.w_accept_wide(beat_.data(), strb_.data(), m.v_w_last_o);
    }
    if (m.v_b_valid_i && m.v_b_ready_o) ch.b_accept();
  }

  // AXI4-Lite master: one write (address and data together), one read.
  void write_reg(uint32_t addr, uint32_t data) {
    auto& m = pins_->ports();
    m.ctl_aw_valid_i = 1;
    m.ctl_aw_addr_i = addr;
    m.ctl_w_valid_i = 1;
    m.ctl_w_data_i = data;
    m.ctl_w_strb_i = 0xF;
    m.ctl_b_ready_i = 1;
    bool aw = false, w = false;
    for (int guard = 0; guard < 1000; ++guard) {
      settle();
      const bool aw_fire = m.ctl_aw_valid_i && m.ctl_aw_ready_o;
      const bool w_fire = m.ctl_w_valid_i && m.ctl_w_ready_o;
      const bool b_fire = m.ctl_b_valid_o && (aw || w);
      cycle();  // the kernel may be running: memories are served
      aw = aw || aw_fire;
      w = w || w_fire;
      if (aw_fire) m.ctl_aw_valid_i = 0;
      if (w_fire) m.ctl_w_valid_i = 0;
      if (b_fire) {
        m.ctl_b_ready_i = 0;
        return;
      }
    }
    throw SimError("kernel simulation: s_axi_control write to 0x" + hex(addr) + " got no response");
  }

  uint32_t read_reg(uint32_t addr) {
    auto& m = pins_->ports();
    m.ctl_ar_valid_i = 1;
    m.ctl_ar_addr_i = addr;
    m.ctl_r_ready_i = 1;
    for (int guard = 0; guard < 1000; ++guard) {
      settle();
      const bool ar_fire = m.ctl_ar_valid_i && m.ctl_ar_ready_o;
      const bool r_fire = m.ctl_r_valid_o && !m.ctl_ar_valid_i;
      const uint32_t data = m.ctl_r_data_o;
      cycle();  // the kernel may be running: memories are served
      if (ar_fire) m.ctl_ar_valid_i = 0;
      if (r_fire) {
        m.ctl_r_ready_i = 0;
        return data;
      }
    }
    throw SimError("kernel simulation: s_axi_control read of 0x" + hex(addr) + " got no response");
  }

  uint64_t read_counter(unsigned k) {
    const uint64_t lo = read_reg(mmf_hls::kCounterRegBase + mmf_hls::kCounterRegStride * k);
    const uint64_t hi = read_reg(mmf_hls::kCounterRegBase + mmf_hls::kCounterRegStride * k + 4);
    return lo | (hi << 32);
  }

  KernelRegisters read_counters() {
    using namespace mmf_hls;
    KernelRegisters r;
    r.status = read_counter(kRegStatus);
    r.ops_done = read_counter(kRegOpsDone);
    r.ternary_ops = read_counter(kRegTernaryOps);
    r.weight_bytes = read_counter(kRegWeightBytes);
    r.vector_bytes = read_counter(kRegVectorBytes);
    r.busy_cycles = read_counter(kRegBusyCycles);
    r.pass_cycles = read_counter(kRegPassCycles);
    r.vec_wait_cycles = read_counter(kRegVecWaitCycles);
    r.starved_cycles = read_counter(kRegStarvedCycles);
    r.accumulate_cycles = read_counter(kRegAccumulateCycles);
    r.vec_read_bytes = read_counter(kRegVecReadBytes);
    r.vec_write_bytes = read_counter(kRegVecWriteBytes);
    r.axi_errors = read_counter(kRegAxiErrors);
    for (unsigned c = 0; c < channels_; ++c)
      r.channel_bytes.push_back(read_counter(kRegChannelBytes + c));
    return r;
  }

  static std::string hex(uint32_t v) {
    std::ostringstream s;
    s << std::hex << v;
    return s.str();
  }

  std::shared_ptr<Pins> pins_;
  SimOptions options_;
  unsigned channels_;
  unsigned weight_beat_, vec_beat_;
  bool needs_reset_ = true;
  std::vector<std::unique_ptr<AxiMemoryChannel>> weights_;
  std::unique_ptr<AxiMemoryChannel> vec_;
  std::vector<uint8_t> beat_;
  std::vector<uint32_t> strb_;
  uint64_t cycles_ = 0;
  uint64_t launch_start_ = 0;
  uint8_t last_state_ = 0;
  std::vector<StateEntry> states_;
};

}  // namespace mmf::sim
