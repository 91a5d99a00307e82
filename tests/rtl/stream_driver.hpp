// SPDX-License-Identifier: Apache-2.0
// The valid/ready loop of the RTL unit tests, written once: input beats offered with random
// gaps and held until taken, outputs taken under random back-pressure, a watchdog that names
// the unit.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/checks.hpp"
#include "rtl/verilated_unit.hpp"

namespace mmf::test {

// One input stream of the unit: `beats` beats, beat k put on the ports by `set(k)`. As
// AXI-Stream asks of a producer, a beat once offered stays valid, its data unchanged, until it
// is taken; the random gaps come before a beat is offered, never inside one.
struct StreamIn {
  std::string name;
  size_t beats = 0;
  std::function<void(size_t)> set;    // drives beat k's data (and side-band) ports
  std::function<void(bool)> valid;    // drives the valid port
  std::function<bool()> ready;        // reads the ready port; empty: the unit is always ready
  bool gaps = true;                   // false: every beat offered at once (job ports)
  const StreamIn* after = nullptr;    // no beat offered before `after` has sent all of its own
  std::function<void(size_t)> taken;  // optional: called with k when beat k is taken
  size_t sent = 0;                    // beats taken so far
  bool offered = false;               // the beat `sent` is on the ports with valid high
};

// One output stream of the unit: `take(k)` reads beat k when valid && ready; `ready` is
// withheld at random (back-pressure).
struct StreamOut {
  std::string name;
  std::function<bool()> valid;      // reads the valid port
  std::function<void(bool)> ready;  // drives the ready port; empty: the unit has none
  std::function<void(size_t)> take;
  size_t taken = 0;        // beats taken so far
  bool ready_now = false;  // the ready driven this cycle (true when the unit has none)
};

// Runs a unit's streams a cycle at a time: set inputs and readies, settle, count every
// transfer (valid && ready), tick. `hold` is the probability of a gap before an input beat and
// of ready withheld on an output in a cycle; it is drawn from `rng`, which the test seeds.
class StreamDriver {
 public:
  StreamDriver(std::string unit, std::mt19937& rng, double hold)
      : unit_(std::move(unit)), rng_(rng), hold_(hold) {}

  // Adds an input stream (further fields, e.g. `gaps` or `after`, set on the result). Streams
  // live in deques: references (and StreamIn::after) stay valid as more are added.
  StreamIn& in(std::string name, size_t beats, std::function<void(size_t)> set,
               std::function<void(bool)> valid, std::function<bool()> ready) {
    StreamIn& s = ins_.emplace_back();
    s.name = std::move(name);
    s.beats = beats;
    s.set = std::move(set);
    s.valid = std::move(valid);
    s.ready = std::move(ready);
    return s;
  }
  // Adds an output stream.
  StreamOut& out(std::string name, std::function<bool()> valid, std::function<void(bool)> ready,
                 std::function<void(size_t)> take) {
    StreamOut& s = outs_.emplace_back();
    s.name = std::move(name);
    s.valid = std::move(valid);
    s.ready = std::move(ready);
    s.take = std::move(take);
    return s;
  }
  // The same for a unit's usual pair of streams: in_valid_i / in_ready_o and out_valid_o /
  // out_ready_i.
  template <class Model>
  StreamIn& in_ports(Model& io, size_t beats, std::function<void(size_t)> set) {
    return in(
        "in", beats, std::move(set), [&io](bool v) { io.in_valid_i = v; },
        [&io] { return io.in_ready_o != 0; });
  }
  template <class Model>
  StreamOut& out_ports(Model& io, std::function<void(size_t)> take) {
    return out(
        "out", [&io] { return io.out_valid_o != 0; }, [&io](bool r) { io.out_ready_i = r; },
        std::move(take));
  }
  // A job: one beat on job_valid_i / job_ready_o, offered at once (no gap).
  template <class Model>
  StreamIn& job_ports(Model& io, std::function<void(size_t)> set) {
    StreamIn& s = in(
        "job", 1, std::move(set), [&io](bool v) { io.job_valid_i = v; },
        [&io] { return io.job_ready_o != 0; });
    s.gaps = false;
    return s;
  }
  // Side-band ports that are not streams, and models that answer the unit (a memory channel):
  // driven before the settle, read after it (once this cycle's transfers are counted), stepped
  // after the clock edge.
  std::function<void()> before_settle, after_settle, after_tick;

  // Cycles until `done()` holds (checked before each cycle), then every input valid low. After
  // `max_cycles` cycles without it, a failure naming the unit, the cycles and every stream's
  // progress (for MMF_ASSERT_TRUE). An MMF_ASSERT_* failing in a callback returns from the
  // callback only; the run stops there too, and fails.
  template <class Model>
  testing::AssertionResult run(VerilatedUnit<Model>& dut, const std::function<bool()>& done,
                               uint64_t max_cycles) {
    const uint64_t start = dut.cycles();
    while (!done()) {
      if (dut.cycles() - start >= max_cycles) return stopped("watchdog", dut.cycles() - start);
      cycle(dut);
      if (testing::Test::HasFatalFailure()) {
        return stopped("a fatal failure in a callback", dut.cycles() - start);
      }
    }
    for (StreamIn& s : ins_) {
      s.offered = false;
      s.valid(false);
    }
    return testing::AssertionSuccess();
  }

 private:
  template <class Model>
  void cycle(VerilatedUnit<Model>& dut) {
    std::bernoulli_distribution hold(hold_);
    for (StreamIn& s : ins_) {
      const bool pending = s.sent < s.beats && (!s.after || s.after->sent == s.after->beats);
      if (!pending) {
        s.offered = false;
      } else {
        if (!s.offered) s.offered = !s.gaps || !hold(rng_);
        s.set(s.sent);
      }
      s.valid(s.offered);
    }
    for (StreamOut& s : outs_) {
      s.ready_now = !s.ready || !hold(rng_);
      if (s.ready) s.ready(s.ready_now);
    }
    if (before_settle) before_settle();
    dut.settle();
    for (StreamIn& s : ins_) {
      if (!s.offered || (s.ready && !s.ready())) continue;
      if (s.taken) s.taken(s.sent);
      ++s.sent;
      s.offered = false;
    }
    for (StreamOut& s : outs_) {
      if (s.valid() && s.ready_now) s.take(s.taken++);
    }
    if (after_settle) after_settle();
    dut.tick();
    if (after_tick) after_tick();
  }

  testing::AssertionResult stopped(const char* why, uint64_t cycles) const {
    testing::AssertionResult r = testing::AssertionFailure();
    r << unit_ << ": " << why << ", not done after " << cycles << " cycles;";
    for (const StreamIn& s : ins_) r << " " << s.name << " " << s.sent << "/" << s.beats << " in;";
    for (const StreamOut& s : outs_) r << " " << s.name << " " << s.taken << " out;";
    return r;
  }

  std::string unit_;
  std::mt19937& rng_;
  double hold_;
  std::deque<StreamIn> ins_;
  std::deque<StreamOut> outs_;
};

// A beat of a stream that `last` closes, as the regrouping cells (mmf_gearbox,
// mmf_stream_upsize) take them on in_data_i / in_last_i.
struct LastBeat {
  uint64_t data;
  bool last;
};

// Drives `beats` into a fresh regrouping cell under random stalls (seeded by `rng`) and expects
// exactly `expected` out of out_data_o, every input beat taken.
template <class Model>
void check_regroup(const std::string& unit, const std::vector<LastBeat>& beats,
                   const std::vector<uint64_t>& expected, std::mt19937& rng) {
  VerilatedUnit<Model> dut;
  dut.reset();
  auto& io = dut.io();
  std::vector<uint64_t> got;
  StreamDriver streams(unit, rng, 0.3);
  const StreamIn& in = streams.in_ports(io, beats.size(), [&](size_t k) {
    io.in_data_i = static_cast<std::decay_t<decltype(io.in_data_i)>>(beats[k].data);
    io.in_last_i = beats[k].last;
  });
  streams.out_ports(io, [&](size_t) { got.push_back(io.out_data_o); });
  MMF_ASSERT_TRUE(streams.run(
      dut, [&] { return got.size() >= expected.size(); }, 30 * beats.size() + 100));
  MMF_EXPECT_EQ(got, expected);
  MMF_EXPECT_EQ(in.sent, beats.size());
}

}  // namespace mmf::test
