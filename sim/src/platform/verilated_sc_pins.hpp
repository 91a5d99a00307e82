// SPDX-License-Identifier: Apache-2.0
// The pins of a Verilator --sc model of the kernel inside the platform, for KernelHarness: the
// SystemC module is elaborated with the platform, its ports bound to sc_signals, and the
// harness writes and reads a mirror of them (members named like the ports: integers, or
// arrays of 32-bit words for ports over 64 bits, as the C++ model's). settle() and tick()
// move the mirror through the signals and let the model evaluate in delta cycles; tick()
// advances the platform's time by one kernel clock period.
//
// settle() and tick() call wait(): the harness runs only inside a process of the platform's
// simulation (the platform's launch of the RTL form).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <type_traits>

#include <verilated.h>

#include "systemc.hpp"

// The ports of rtl/mmf/mmf_kernel.sv. A port missing here is unbound, which SystemC refuses
// when the platform is elaborated; a name that is no port does not compile.
// (Kept as written: clang-format reflows a macro's list into a staircase.)
// clang-format off
#define MMF_KERNEL_INPUTS(X)                                                                   \
  X(clk_i) X(rst_ni) X(ctl_aw_valid_i) X(ctl_aw_addr_i) X(ctl_w_valid_i) X(ctl_w_data_i)       \
  X(ctl_w_strb_i) X(ctl_b_ready_i) X(ctl_ar_valid_i) X(ctl_ar_addr_i) X(ctl_r_ready_i)         \
  X(w_ar_ready_i) X(w_r_valid_i) X(w_r_data_i) X(w_r_last_i) X(w_r_resp_i) X(v_ar_ready_i)     \
  X(v_r_valid_i) X(v_r_data_i) X(v_r_last_i) X(v_r_resp_i) X(v_aw_ready_i) X(v_w_ready_i)      \
  X(v_b_valid_i) X(v_b_resp_i)
#define MMF_KERNEL_OUTPUTS(X)                                                                  \
  X(ctl_aw_ready_o) X(ctl_w_ready_o) X(ctl_b_valid_o) X(ctl_b_resp_o) X(ctl_ar_ready_o)        \
  X(ctl_r_valid_o) X(ctl_r_data_o) X(ctl_r_resp_o) X(interrupt_o) X(w_ar_valid_o)              \
  X(w_ar_addr_o) X(w_ar_len_o) X(w_ar_size_o) X(w_ar_burst_o) X(w_r_ready_o) X(v_ar_valid_o)   \
  X(v_ar_addr_o) X(v_ar_len_o) X(v_ar_size_o) X(v_ar_burst_o) X(v_r_ready_o) X(v_aw_valid_o)   \
  X(v_aw_addr_o) X(v_aw_len_o) X(v_aw_size_o) X(v_aw_burst_o) X(v_w_valid_o) X(v_w_data_o)     \
  X(v_w_strb_o) X(v_w_last_o) X(v_b_ready_o) X(dbg_state_o)
// clang-format on

namespace mmf::sim {

namespace sc_pin {

// The value type of a Verilated SystemC port member (declared as a reference to an sc_in or
// sc_out): bool, uint32_t, uint64_t or sc_bv<N>.
template <class Port>
using data_t = typename std::remove_reference_t<Port>::data_type;

// The harness's view of a value: what the C++ model would have.
template <class T>
struct Mirror {
  using type = T;
  static void write(sc_core::sc_signal<T>& s, T v) { s.write(v); }
  static T read(const sc_core::sc_signal<T>& s) { return s.read(); }
};
template <>
struct Mirror<bool> {
  using type = uint8_t;
  static void write(sc_core::sc_signal<bool>& s, uint8_t v) { s.write(v != 0); }
  static uint8_t read(const sc_core::sc_signal<bool>& s) { return s.read() ? 1 : 0; }
};
template <int N>
struct Mirror<sc_dt::sc_bv<N>> {
  using type = std::array<uint32_t, (N + 31) / 32>;
  static void write(sc_core::sc_signal<sc_dt::sc_bv<N>>& s, const type& v) {
    sc_dt::sc_bv<N> b;
    for (size_t k = 0; k < v.size(); ++k) b.set_word(static_cast<int>(k), v[k]);
    s.write(b);
  }
  static type read(const sc_core::sc_signal<sc_dt::sc_bv<N>>& s) {
    type v{};
    const sc_dt::sc_bv<N>& b = s.read();
    for (size_t k = 0; k < v.size(); ++k) v[k] = b.get_word(static_cast<int>(k));
    return v;
  }
};

}  // namespace sc_pin

template <class ScModel>
class VerilatedScPins : public sc_core::sc_module {
 public:
  struct Ports {
#define MMF_MIRROR(name) \
  typename sc_pin::Mirror<sc_pin::data_t<decltype(ScModel::name)>>::type name{};
    MMF_KERNEL_INPUTS(MMF_MIRROR)
    MMF_KERNEL_OUTPUTS(MMF_MIRROR)
#undef MMF_MIRROR
  };

  explicit VerilatedScPins(const sc_core::sc_module_name& name)
      : sc_core::sc_module(name), context_(own_context()), model_("kernel") {
#define MMF_BIND(name) model_.name(signals_.name);
    MMF_KERNEL_INPUTS(MMF_BIND)
    MMF_KERNEL_OUTPUTS(MMF_BIND)
#undef MMF_BIND
  }

  void set_period(const sc_core::sc_time& period) {
    period_ = period;
  }
  Ports& ports() {
    return ports_;
  }

  // Inputs applied with the clock low; two delta cycles: the model's evaluation (triggered by
  // the inputs that changed), then the update of its outputs.
  void settle() {
    ports_.clk_i = 0;
    push_inputs();
    sc_core::wait(sc_core::SC_ZERO_TIME);
    sc_core::wait(sc_core::SC_ZERO_TIME);
    pull_outputs();
  }

  // The rising edge, then the rest of the period: the model's sequential update runs in the
  // edge's delta cycles, before time moves on.
  void tick() {
    settle();
    ports_.clk_i = 1;
    push_inputs();
    sc_core::wait(period_);
    pull_outputs();
  }

 private:
  struct Signals {
#define MMF_SIGNAL(name) sc_core::sc_signal<sc_pin::data_t<decltype(ScModel::name)>> name;
    MMF_KERNEL_INPUTS(MMF_SIGNAL)
    MMF_KERNEL_OUTPUTS(MMF_SIGNAL)
#undef MMF_SIGNAL
  };

  void push_inputs() {
#define MMF_PUSH(name) \
  sc_pin::Mirror<sc_pin::data_t<decltype(ScModel::name)>>::write(signals_.name, ports_.name);
    MMF_KERNEL_INPUTS(MMF_PUSH)
#undef MMF_PUSH
  }

  void pull_outputs() {
#define MMF_PULL(name) \
  ports_.name = sc_pin::Mirror<sc_pin::data_t<decltype(ScModel::name)>>::read(signals_.name);
    MMF_KERNEL_OUTPUTS(MMF_PULL)
#undef MMF_PULL
  }

  // A --sc model takes the thread's VerilatedContext, which otherwise is the last one made in
  // the process (perhaps a C++ model's, since destroyed): it gets one of its own.
  static std::unique_ptr<VerilatedContext> own_context() {
    auto c = std::make_unique<VerilatedContext>();
    c->randReset(2);
    Verilated::threadContextp(c.get());
    return c;
  }

  Signals signals_;
  std::unique_ptr<VerilatedContext> context_;  // before the model: it is made in it
  ScModel model_;
  Ports ports_;
  sc_core::sc_time period_{1, sc_core::SC_NS};
};

}  // namespace mmf::sim
