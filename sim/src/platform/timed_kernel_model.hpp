// SPDX-License-Identifier: Apache-2.0
// The approximately-timed model of the accelerator (rtl/mmf/mmf_kernel.sv): a controller
// process walks the token program step by step (vector-bank reads into the slots, passes
// through a vector unit, writes back), and each weight channel has two processes, a prefetcher
// that streams every BitLinear's words into the channel's FIFO as soon as there is room (from
// the program load on, never past an Embed the controller has not done) and an accumulator that
// drains the FIFO a word a cycle during the BitLinear's run. Memory traffic goes through TLM
// sockets to the MemoryTargets, so the overlap of weight streaming with vector work, FIFO
// starvation and bursts in flight come from the same channel timing as the RTL's harness.
#pragma once

#include <deque>
#include <memory>
#include <utility>

#include "mmf/sim/platform.hpp"
#include "mmf_hls/program_format.hpp"
#include "systemc.hpp"

namespace mmf::sim {

class TimedKernelModel : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<TimedKernelModel> vec_socket;
  sc_core::sc_vector<tlm_utils::simple_initiator_socket<TimedKernelModel>> weight_sockets;

  explicit TimedKernelModel(const sc_core::sc_module_name& name);
  void configure(const TimedKernelParams& params, const KernelClock& clock);
  // Runs one launch; called from a SystemC thread, returns when the kernel is done. Fills the
  // result's kernel cycles, per-op cycles and weight bytes.
  void run(const PlatformLaunch& launch, PlatformResult& result);

 private:
  struct Job {
    uint64_t words;   // this channel's beats of one BitLinear (words, or 1.6-bit beats)
    int64_t gate_op;  // prefetch only once the controller has done this op (an Embed); -1: none
    bool packed;      // 1.6-bit beats, decoded at the port (mmf_weight_unpack)
  };
  struct Channel {
    std::deque<Job> jobs;                              // the prefetcher's, in program order
    std::deque<std::pair<double, uint64_t>> inflight;  // parts of bursts: (arrival, words)
    std::deque<double> bursts;                         // last arrival of each burst in flight
    uint64_t fifo = 0;          // beats arrived (decoded, when 1.6-bit), not yet taken
    uint64_t reserved = 0;      // FIFO room in quarter words for beats in flight or in the FIFO:
                                // 4 a 2-bit beat, 5 a 1.6-bit one (mmf_axi_read_master's credits)
    double unpack_free = 0.0;   // the cycle the unpacker is done with the beats it was given
    bool packed = false;        // the accumulate job's packing
    sc_core::sc_event changed;  // room made, a burst issued, the controller moved on
    sc_core::sc_event start;    // an accumulate job
    uint64_t rows = 0;          // row blocks of the job (mmf_hls::WeightTile)
    uint32_t local_rows = 0;    // the channel's rows of the job
    uint32_t row_words = 0, code_cycles = 0;
    uint32_t block_beats = 0;  // beats of a row block: row_words, or fewer packed (1.6-bit)
    // A BitNet job instead (the head's rows, a pass over the KV cache): words taken from the
    // FIFO in order, each part at its cycles a word.
    std::vector<std::pair<uint64_t, double>> takes;
  };

  mmf_hls::WeightTile tile() const {
    return mmf_hls::WeightTile{params_.lanes, params_.tile_rows, params_.channels};
  }
  mmf_hls::Int8Tile int8_tile() const {
    return mmf_hls::Int8Tile{params_.weight_word_bytes(), params_.channels};
  }
  mmf_hls::KvLayout kv_layout_of(const uint32_t* d) const {
    mmf_hls::DeviceLimits lim{};
    lim.lanes = params_.lanes;
    lim.weight_channels = params_.channels;
    return mmf_hls::kv_layout(d, lim);
  }
  uint32_t position_of(size_t k) const {
    return k < launch_->positions.size() ? launch_->positions[k] : 0;
  }
  void controller();
  void prefetcher(uint32_t c);
  void accumulator(uint32_t c);

  // Steps of the controller; each waits for its own time.
  void read_step(uint64_t words, double cycles_per_beat = 1.0);
  // A read of norm weights or a lower bound the op may not have.
  void optional_read_step(bool present, uint64_t words);
  void pass_step(uint64_t beats);
  void store_step(uint64_t words);
  // The BitLinear ops_run[k]: its norm weights (fetched ahead or now), norm/quantize, the
  // channels' accumulation, the results; and the fetch of the next BitLinear's norm weights.
  void bitlinear(size_t k);
  // mmf_norm_fetch's reads of a BitLinear's norm weights (w_rms when `rms`, w_code; `words`
  // words each) from cycle `from`: the cycle it is idle again (also reader_free_).
  double fetch_norms(double from, bool rms, uint64_t words);
  // A vector-bank read of `beats` through the reader (bursts of at most 16 beats, issued one a
  // cycle while its 64-beat FIFO has room) from cycle `from` (now, when earlier), taken by a
  // consumer at `cycles_per_beat`: the cycle (absolute) the consumer has its last beat.
  double vec_read(uint64_t beats, double cycles_per_beat, double from = 0.0);
  // A vector-bank write of `beats` produced one a cycle from now through the writer (bursts
  // of 16, at most 8 in flight): the cycle (absolute) of the last response.
  double vec_write(uint64_t beats);
  // One burst to the vector bank issued at cycle `at`: its last beat's (read) or its
  // response's (write) cycle, from the memory target.
  double vec_burst(tlm::tlm_command cmd, double at, uint64_t beats);
  // BitNet b1.58's ops (docs/bitnet.md, "On the accelerator": the design the model times).
  void rope(const uint32_t* d);
  void kv_append(const uint32_t* d, uint32_t position);
  void attention(const uint32_t* d, uint32_t position);
  void head(const uint32_t* d);
  // Hands each channel its takes and waits until every channel has done them.
  void channel_takes(const std::vector<std::vector<std::pair<uint64_t, double>>>& takes);
  // Moves bursts that have arrived into the FIFO.
  void absorb(Channel& ch) const;
  // Takes `beats` from channel c's FIFO at `cycles_per_beat` (one word a cycle: 1 for 2-bit
  // words, words / beats of a 1.6-bit block), waiting for data.
  void take(Channel& ch, uint64_t beats, double cycles_per_beat);
  void wait_cycles(double n) { wait(clock_.cycles(n)); }
  void notify_channels();

  TimedKernelParams params_;
  KernelClock clock_;
  std::vector<std::unique_ptr<Channel>> channels_;  // kMaxPlatformChannels, made at elaboration
  uint32_t burst_words_ = 64;
  const PlatformLaunch* launch_ = nullptr;
  PlatformResult* result_ = nullptr;
  int64_t ops_done_ = -1;  // -1 while the program loads
  uint32_t accumulating_ = 0;
  double reader_free_ = 0.0;  // a norm-weight fetch has the reader until this cycle
  size_t norm_ahead_ = 0;     // the BitLinear (ops_run index) whose norm weights were fetched ahead
  sc_core::sc_event start_, done_, accumulated_;
};

}  // namespace mmf::sim
