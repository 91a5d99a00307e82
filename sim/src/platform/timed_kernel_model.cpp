// SPDX-License-Identifier: Apache-2.0
#include "timed_kernel_model.hpp"

#include <algorithm>

#include "memory_target.hpp"

namespace mmf::sim {
namespace {

using namespace mmf_hls;

uint64_t ceil_div(uint64_t a, uint64_t b) {
  return (a + b - 1) / b;
}

// A burst counts as arrived this close to its cycle: SystemC time has 1 ps resolution.
constexpr double kSlack = 1e-3;

// Weight words the model moves into a channel's FIFO at once, of a burst of up to 64.
constexpr uint64_t kArrivalWords = 8;

}  // namespace

TimedKernelModel::TimedKernelModel(const sc_core::sc_module_name& name)
    : sc_core::sc_module(name),
      vec_socket("vec_socket"),
      weight_sockets("weight_socket", kMaxPlatformChannels) {
  for (uint32_t c = 0; c < kMaxPlatformChannels; ++c) {
    channels_.push_back(std::make_unique<Channel>());
    sc_core::sc_spawn(sc_bind(&TimedKernelModel::prefetcher, this, c));
    sc_core::sc_spawn(sc_bind(&TimedKernelModel::accumulator, this, c));
  }
  sc_core::sc_spawn(sc_bind(&TimedKernelModel::controller, this));
}

void TimedKernelModel::configure(const TimedKernelParams& params, const KernelClock& clock) {
  params_ = params;
  clock_ = clock;
  // Nothing of an earlier configuration's runs carries over: its bursts' arrival times are in
  // that clock's cycles (at a slower clock they would lie ahead and stall the first bursts).
  for (auto& ch : channels_) {
    ch->jobs.clear();
    ch->inflight.clear();
    ch->bursts.clear();
    ch->fifo = 0;
    ch->reserved = 0;
    ch->unpack_free = 0.0;
  }
  // Bursts of at most max_burst beats that never cross 4 KiB (mmf_axi_read_master).
  const uint32_t beat = params.weight_word_bytes();
  burst_words_ = std::max<uint32_t>(1, std::min<uint32_t>(params.max_burst, 4096 / beat));
}

void TimedKernelModel::run(const PlatformLaunch& launch, PlatformResult& result) {
  launch_ = &launch;
  result_ = &result;
  // Every BitLinear that will run, to each channel's prefetcher, gated by the Embed before it;
  // the head's rows the same; an Attention's cache reads gated by the KvAppend before it (the
  // position it reads last is written there).
  int64_t last_embed = -1, last_append = -1;
  const uint32_t channels = params_.channels;
  for (size_t k = 0; k < launch.ops_run.size(); ++k) {
    const uint32_t* d = launch.ops_run[k].data();
    const uint32_t opcode = d[kFieldOpcode];
    if (opcode == kOpEmbed) last_embed = static_cast<int64_t>(k);
    if (opcode == kOpKvAppend) last_append = static_cast<int64_t>(k);
    if (opcode != kOpBitLinear && opcode != kOpHead && opcode != kOpAttention) continue;
    for (uint32_t c = 0; c < channels; ++c) {
      uint64_t words = 0;
      int64_t gate = last_embed;
      if (opcode == kOpBitLinear) {
        words = tile().read_units(d[kFieldRows], d[kFieldN], c, d[kFieldPacking]);
      } else if (opcode == kOpHead) {
        words = int8_tile().read_words(d[kFieldRows], d[kFieldN], c);
      } else {
        words = kv_layout_of(d).read_words(position_of(k) + 1, c);
        gate = last_append;
      }
      if (words != 0) {
        channels_[c]->jobs.push_back(Job{words, gate, d[kFieldPacking] == kPackFiveTrit});
      }
    }
  }
  ops_done_ = -1;
  start_.notify(sc_core::SC_ZERO_TIME);
  wait(done_);
}

void TimedKernelModel::notify_channels() {
  for (uint32_t c = 0; c < params_.channels; ++c)
    channels_[c]->changed.notify(sc_core::SC_ZERO_TIME);
}

double TimedKernelModel::vec_burst(tlm::tlm_command cmd, double at, uint64_t beats) {
  const sc_core::sc_time delay =
      transport_timing_only(vec_socket, cmd, beats * 4 * params_.vector_lanes,
                            clock_.cycles(std::max(0.0, at - clock_.now())));
  return clock_.to_cycles(sc_core::sc_time_stamp() + delay);
}

double TimedKernelModel::vec_read(uint64_t beats, double cycles_per_beat, double from) {
  constexpr uint64_t kBurst = 16, kWindow = 64;  // mmf_vec_reader: MaxBurst, FifoDepth
  std::deque<std::pair<uint64_t, double>> open;  // bursts not yet consumed: (beats, end)
  uint64_t in_window = 0;
  from = std::max(from, clock_.now());
  double issue = from - 1.0, end = from;
  for (uint64_t left = beats; left > 0;) {
    const uint64_t b = std::min(kBurst, left);
    issue += 1.0;  // one request a cycle
    // Room for the whole burst: wait for the consumer to finish the oldest ones.
    while (in_window + b > kWindow) {
      issue = std::max(issue, open.front().second);
      in_window -= open.front().first;
      open.pop_front();
    }
    const double last = vec_burst(tlm::TLM_READ_COMMAND, issue, b);
    end = std::max(end + static_cast<double>(b) * cycles_per_beat, last + cycles_per_beat);
    open.emplace_back(b, end);
    in_window += b;
    left -= b;
  }
  return end;
}

double TimedKernelModel::vec_write(uint64_t beats) {
  constexpr uint64_t kBurst = 16, kOutstanding = 8;  // mmf_vec_writer
  std::deque<double> responses;
  double data = clock_.now(), done = clock_.now();
  for (uint64_t left = beats; left > 0;) {
    const uint64_t b = std::min(kBurst, left);
    if (responses.size() == kOutstanding) {
      data = std::max(data, responses.front());
      responses.pop_front();
    }
    data += static_cast<double>(b);  // the burst's beats, one a cycle
    done = vec_burst(tlm::TLM_WRITE_COMMAND, data - static_cast<double>(b), b);
    responses.push_back(done);
    left -= b;
  }
  return done;
}

double TimedKernelModel::fetch_norms(double from, bool rms, uint64_t words) {
  // mmf_norm_fetch: a command a vector, the next one the cycle after the last beat landed.
  const uint64_t beats = ceil_div(words, params_.vector_lanes);
  double t = from;
  for (int v = rms ? 0 : 1; v < 2; ++v) {
    t = vec_read(beats, 1.0, t) + kStreamAlignLatency + params_.costs.norm_read;
  }
  reader_free_ = t;
  return t;
}

void TimedKernelModel::read_step(uint64_t words, double cycles_per_beat) {
  // The step's command waits for a norm-weight fetch that has the reader.
  if (reader_free_ > clock_.now()) wait_cycles(reader_free_ - clock_.now());
  const double end = vec_read(ceil_div(words, params_.vector_lanes), cycles_per_beat);
  // The reader's realignment register, beyond the cost read with a combinational one.
  wait_cycles(end - clock_.now() + params_.costs.read_step + kStreamAlignLatency);
}

void TimedKernelModel::optional_read_step(bool present, uint64_t words) {
  if (present) {
    read_step(words);
  } else {
    wait_cycles(params_.costs.skipped_step);
  }
}

void TimedKernelModel::pass_step(uint64_t beats) {
  wait_cycles(static_cast<double>(beats) + params_.costs.pass_step);
}

void TimedKernelModel::store_step(uint64_t words) {
  const double end = vec_write(ceil_div(words, params_.vector_lanes));
  wait_cycles(end - clock_.now() + params_.costs.store_step);
}

void TimedKernelModel::bitlinear(size_t k) {
  const auto& ops = launch_->ops_run;
  const uint32_t* d = ops[k].data();
  const uint64_t n = d[kFieldN], rows = d[kFieldRows];
  const uint64_t half_words = ceil_div(n, 2), n_beats = ceil_div(n, params_.vector_lanes);
  // The norm weights: fetched ahead during the BitLinear before, or now (StLinearWaitNorm's entry,
  // the fetch's hand-over); StLinearRun starts the cycle after the fetch is idle.
  if (norm_ahead_ != k) {
    fetch_norms(clock_.now() + 2.0, d[kFieldAddr0] != kNoAddress, half_words);
  }
  wait_cycles(std::max(reader_free_, clock_.now() + 1.0) + 1.0 - clock_.now());
  // The look-ahead for the next BitLinear: two cycles an op from StLinearRun's entry, its fetch
  // handed over two cycles after the answer (in the RTL, only if found before this one ends:
  // the shortest BitLinear lasts longer than a few ops' look-ahead).
  // ops_run holds the passes one after the other; the look-ahead takes a cycle to wrap.
  norm_ahead_ = ops.size();
  const size_t num_ops = std::max<size_t>(1, launch_->num_ops);
  for (size_t j = k + 1; j < ops.size(); ++j) {
    if (ops[j][kFieldOpcode] != kOpBitLinear) continue;
    const double wrap = j / num_ops != k / num_ops ? 1.0 : 0.0;
    const double from = clock_.now() + 2.0 * static_cast<double>(j - k) + 2.0 + wrap;
    fetch_norms(from, ops[j][kFieldAddr0] != kNoAddress, ceil_div(ops[j][kFieldN], 2));
    norm_ahead_ = j;
    break;
  }
  // Norm/quantize: two passes for the statistics (the second as long as the reciprocal's
  // divider at least), the pipeline's fill, then codes a beat a cycle; each channel takes its
  // rows once its first code word is there.
  wait_cycles(static_cast<double>(
                  norm_quantize_first_code(static_cast<uint32_t>(n_beats), params_.vector_lanes)) +
              params_.costs.norm);
  const mmf_hls::WeightTile t = tile();
  const auto row_words = static_cast<uint32_t>(t.block_words(static_cast<uint32_t>(n)));
  const auto block_beats =
      static_cast<uint32_t>(t.block_units(static_cast<uint32_t>(n), d[kFieldPacking]));
  const double accumulate_start = clock_.now();
  accumulating_ = 0;
  uint32_t last_block_rows = 0;  // the most rows a channel's last block sends out one a cycle
  for (uint32_t c = 0; c < params_.channels; ++c) {
    Channel& ch = *channels_[c];
    const uint32_t channel_rows = t.channel_rows(static_cast<uint32_t>(rows), c);
    ch.rows = t.blocks(channel_rows);
    ch.local_rows = channel_rows;
    if (channel_rows != 0) {
      last_block_rows =
          std::max(last_block_rows, channel_rows - (channel_rows - 1) / t.tile_rows * t.tile_rows);
    }
    ch.row_words = row_words;
    ch.block_beats = block_beats;
    ch.packed = d[kFieldPacking] == kPackFiveTrit;
    ch.code_cycles = static_cast<uint32_t>(n_beats);
    ++accumulating_;
    ch.start.notify(sc_core::SC_ZERO_TIME);
  }
  wait(accumulated_);
  // The last row's sum leaves the accumulator's pipeline (mmf_ternary_dot, the row register and
  // the sum FIFO) ternary_dot_latency + 1 cycles later than a word's one-cycle sum would, after
  // the rows of its block before it (one a cycle), and the rescale unit's pipeline
  // kRescaleLatency - 1 cycles later than its one-cycle form.
  double tail = params_.costs.tail + mmf_hls::ternary_dot_latency(t.cols()) + 1 +
                (last_block_rows > 0 ? last_block_rows - 1 : 0) + (kRescaleLatency - 1);
  if (d[kFieldDst] == kDstMemory) {
    // The results stream to the vector bank as they come; the last burst's response ends it.
    tail += params_.vec_timing.latency_cycles;
  }
  wait_cycles(tail);
  if (d[kFieldDst] == kDstMemory) {
    // Nor can they leave faster than the vector bank takes them: many channels make rows
    // faster than one memory channel writes them (the LM head of a small model on u280).
    const double write_bytes = static_cast<double>(rows) * kVecWordBytes;
    const double written = accumulate_start +
                           write_bytes / params_.vec_timing.average_bytes_per_cycle() +
                           params_.vec_timing.latency_cycles;
    if (written > clock_.now()) wait_cycles(written - clock_.now());
  }
  result_->weight_bytes +=
      t.total_read_units(static_cast<uint32_t>(rows), static_cast<uint32_t>(n), d[kFieldPacking]) *
      params_.weight_word_bytes();
}

// ---- BitNet b1.58 ----------------------------------------------------------------------------
// Rope and Relu2Glu are timed as the RTL runs them (mmf_rope, the products unit). The attention
// units (KvAppend, Attention, Head) are a design the RTL does not have yet (docs/bitnet.md, "On
// the accelerator"); these are that design's pipelines, in cycles.
namespace {
constexpr uint64_t kQuantizeFill = 12;  // a head's maxima and codes through the quantizer
constexpr uint64_t kSoftmaxFill = 12;   // exp (product, table, interpolation, shift), sums
constexpr uint64_t kOutputFill = 12;    // the reciprocal product, rounding, saturation
constexpr double kHeadTail = 8;         // the last row's dot product and its rescale
}  // namespace

void TimedKernelModel::channel_takes(
    const std::vector<std::vector<std::pair<uint64_t, double>>>& takes) {
  accumulating_ = 0;
  for (uint32_t c = 0; c < params_.channels; ++c) {
    Channel& ch = *channels_[c];
    ch.takes = takes[c];
    ch.packed = false;
    ++accumulating_;
    ch.start.notify(sc_core::SC_ZERO_TIME);
  }
  wait(accumulated_);
}

// As mmf_rope does it: the position word, a row of each table (the angles computed as the
// second comes), then the heads, each 2H beats in (H = head_dim / 2 vl) with its high half out
// after the rotation's stages, overlapping the next head's low half.
void TimedKernelModel::rope(const uint32_t* d) {
  const uint64_t head_dim = d[kFieldHeadDim], vl = params_.vector_lanes;
  const uint64_t half_beats = head_dim / (2 * vl), heads = d[kFieldN] / head_dim;
  read_step(1);
  read_step(head_dim);
  read_step(head_dim);
  pass_step(heads * (2 * half_beats + kRopeRotateLatency + 1) + half_beats);
}

void TimedKernelModel::kv_append(const uint32_t* d, uint32_t position) {
  const mmf_hls::KvLayout kv = kv_layout_of(d);
  const uint64_t beats = ceil_div(kv.head_dim, params_.vector_lanes);
  // Each head of K and V: its maxima pass and its code pass; the codes and the scale go to
  // the position's channel as they come, the last write's response ending the op.
  for (uint32_t g = 0; g < 2 * kv.kv_heads; ++g) pass_step(2 * beats + kQuantizeFill);
  const uint64_t bytes = 2 * kv.kv_heads * (kv.row_words() + 1) * params_.weight_word_bytes();
  const uint32_t c = position % params_.channels;
  const sc_core::sc_time delay = transport_timing_only(weight_sockets[c], tlm::TLM_WRITE_COMMAND,
                                                       bytes, sc_core::SC_ZERO_TIME);
  wait(delay);
}

void TimedKernelModel::attention(const uint32_t* d, uint32_t position) {
  const mmf_hls::KvLayout kv = kv_layout_of(d);
  const uint64_t group = d[kFieldN] / d[kFieldRows], positions = uint64_t{position} + 1;
  const uint64_t vl = params_.vector_lanes, word_bytes = params_.weight_word_bytes();
  // A K or V word takes ceil(bytes / MACs) cycles for each query head of the group.
  const double cycles_per_word =
      static_cast<double>(group * ceil_div(word_bytes, params_.int8_macs_per_cycle()));
  std::vector<std::vector<std::pair<uint64_t, double>>> k_pass(params_.channels),
      v_pass(params_.channels);
  for (uint32_t g = 0; g < kv.kv_heads; ++g) {
    pass_step(2 * ceil_div(group * kv.head_dim, vl) + kQuantizeFill);  // the group's queries
    for (uint32_t c = 0; c < params_.channels; ++c) {
      const uint64_t slots = kv.channel_positions(static_cast<uint32_t>(positions), c);
      const uint64_t rows = slots * kv.row_words();
      k_pass[c] = {{2 * kv.scale_span(g, slots), 1.0}, {rows, cycles_per_word}};
      v_pass[c] = {{rows, cycles_per_word}};
    }
    channel_takes(k_pass);
    pass_step(ceil_div(positions * group, vl) + kSoftmaxFill);  // numerators, sums, weights
    channel_takes(v_pass);
    // The channels' accumulators summed (a tree over the channels), then the outputs.
    pass_step(ceil_div(group * kv.head_dim, vl) + tree_levels(params_.channels) + kOutputFill);
  }
  for (uint32_t c = 0; c < params_.channels; ++c) {
    result_->weight_bytes += kv.read_words(static_cast<uint32_t>(positions), c) * word_bytes;
  }
}

void TimedKernelModel::head(const uint32_t* d) {
  const uint64_t n = d[kFieldN], rows = d[kFieldRows];
  const uint64_t n_beats = ceil_div(n, params_.vector_lanes);
  read_step(ceil_div(n, 2));  // the final norm's code weights
  wait_cycles(static_cast<double>(
      norm_quantize_first_code(static_cast<uint32_t>(n_beats), params_.vector_lanes)));
  const mmf_hls::Int8Tile t = int8_tile();
  const double cycles_per_word =
      static_cast<double>(ceil_div(t.word_bytes, params_.int8_macs_per_cycle()));
  const double start = clock_.now();
  std::vector<std::vector<std::pair<uint64_t, double>>> takes(params_.channels);
  for (uint32_t c = 0; c < params_.channels; ++c) {
    // The codes into the channel (a beat a cycle), then its rows.
    takes[c] = {
        {0, 0.0},
        {t.read_words(static_cast<uint32_t>(rows), static_cast<uint32_t>(n), c), cycles_per_word}};
    result_->weight_bytes += takes[c][1].first * t.word_bytes;
  }
  wait_cycles(static_cast<double>(n_beats));
  channel_takes(takes);
  wait_cycles(kHeadTail + kRescaleLatency + params_.vec_timing.latency_cycles);
  // The logits and the row constants through the vector bank (2 words in, 1 out, a row).
  const double vec_bytes = static_cast<double>(rows) * 3 * kVecWordBytes;
  const double moved = start + vec_bytes / params_.vec_timing.average_bytes_per_cycle() +
                       params_.vec_timing.latency_cycles;
  if (moved > clock_.now()) wait_cycles(moved - clock_.now());
}

void TimedKernelModel::controller() {
  for (;;) {
    wait(start_);
    const double t0 = clock_.now();
    const PlatformLaunch& launch = *launch_;
    const uint64_t program_words = uint64_t{launch.num_ops} * kDescriptorWords;
    read_step(program_words);
    ops_done_ = 0;
    notify_channels();
    const StepCosts& cost = params_.costs;
    // The scaled products' pipelines (max tree, shift steps, product stages) beyond the two
    // cycles of the one-cycle form the costs were read with.
    const uint64_t products_fill = scaled_products_fill(params_.vector_lanes) - 2;  // >= 10
    reader_free_ = 0.0;
    norm_ahead_ = launch.ops_run.size();
    for (size_t k = 0; k < launch.ops_run.size(); ++k) {
      const uint32_t* d = launch.ops_run[k].data();
      const double op_start = clock_.now() - t0;
      const uint64_t n = d[kFieldN], n_beats = ceil_div(n, params_.vector_lanes);
      wait_cycles(cost.op);
      switch (d[kFieldOpcode]) {
        case kOpEmbed:
          read_step(1);
          wait_cycles(cost.embed);
          if (d[kFieldAddr0] == kNoAddress) {  // the row from the weight channel that holds it
            const uint64_t words = int8_tile().row_words(2 * static_cast<uint32_t>(n));
            wait(transport_timing_only(weight_sockets[0], tlm::TLM_READ_COMMAND,
                                       words * params_.weight_word_bytes(), sc_core::SC_ZERO_TIME));
            pass_step(n_beats + kStreamAlignLatency);
            result_->weight_bytes += words * params_.weight_word_bytes();
            break;
          }
          // A read beat holds 2 x vector_lanes bf16 values; the converter takes vector_lanes
          // a cycle.
          read_step(ceil_div(n, 2), 2.0);
          break;
        case kOpBitLinear:
          bitlinear(k);
          break;
        case kOpMlgru:
          read_step(n);
          optional_read_step(d[kFieldAddr1] != kNoAddress, n);
          // The gate pass: its pipeline's fill beyond the one cycle the costs were read with.
          pass_step(n_beats + (kMlgruGateLatency - 1));
          store_step(n);
          pass_step(2 * n_beats + products_fill);
          break;
        case kOpGlu: {
          const uint64_t up_rows = ceil_div(n % params_.vector_lanes + n, params_.vector_lanes);
          // The SiLU pass: its pipeline's fill beyond the one cycle the costs were read with.
          pass_step(n_beats + (kSiluLatency - 1));
          pass_step(up_rows + kStreamAlignLatency);  // the realignment's register
          pass_step(2 * n_beats + products_fill);
          break;
        }
        case kOpAdd:
          pass_step(n_beats);
          break;
        case kOpRope:
          rope(d);
          break;
        case kOpKvAppend:
          kv_append(d, position_of(k));
          break;
        case kOpAttention:
          attention(d, position_of(k));
          break;
        case kOpHead:
          head(d);
          break;
        case kOpRelu2Glu:
          pass_step(n_beats);  // max(gate, 0)
          pass_step(2 * n_beats + products_fill);
          pass_step(2 * n_beats + products_fill);
          break;
        case kOpArgmax:
          // The logits through mmf_argmax as they are read (its tree and output register
          // after the last beat), then the pick written twice: the token, the ring's word.
          read_step(d[kFieldRows]);
          wait_cycles(tree_levels(params_.vector_lanes) + 1);
          store_step(1);
          store_step(1);
          break;
        default:  // kOpStore
          store_step(n);
          break;
      }
      ++ops_done_;
      notify_channels();
      const double op_end = clock_.now() - t0;
      result_->ops.push_back(PlatformOpCycles{static_cast<uint64_t>(op_start + 0.5),
                                              static_cast<uint64_t>(op_end + 0.5)});
    }
    // StDone waits for a fetch still under way (none after the last BitLinear of a run).
    if (reader_free_ > clock_.now()) wait_cycles(reader_free_ - clock_.now());
    result_->kernel_cycles = static_cast<uint64_t>(clock_.now() - t0 + cost.done + 0.5);
    done_.notify(clock_.cycles(cost.done));
  }
}

void TimedKernelModel::absorb(Channel& ch) const {
  const double now = clock_.now() + kSlack;
  while (!ch.inflight.empty() && ch.inflight.front().first <= now) {
    ch.fifo += ch.inflight.front().second;
    ch.inflight.pop_front();
  }
}

void TimedKernelModel::prefetcher(uint32_t c) {
  Channel& ch = *channels_[c];
  for (;;) {
    while (ch.jobs.empty() || ops_done_ < 0 || ops_done_ <= ch.jobs.front().gate_op) {
      wait(ch.changed);
    }
    Job& job = ch.jobs.front();
    const uint64_t burst = std::min<uint64_t>(burst_words_, job.words);
    // Room in the FIFO for the whole burst (counting what is in flight) and an AXI slot. The
    // read master's credits are quarter words: a 1.6-bit burst goes when max_burst beats of 5
    // would fit (its constant compare), a 2-bit one when its own beats would.
    const uint64_t quarters = (job.packed ? 5 : 4) * burst, capacity = 4 * params_.fifo_words;
    for (;;) {
      absorb(ch);
      while (!ch.bursts.empty() && ch.bursts.front() <= clock_.now() + kSlack) {
        ch.bursts.pop_front();
      }
      const bool room = job.packed ? ch.reserved + 5 * uint64_t{params_.max_burst} <= capacity
                                   : ch.reserved + quarters <= capacity;
      const bool slot = ch.bursts.size() < params_.weight_timing.max_outstanding;
      if (room && slot) break;
      if (!room || ch.bursts.empty()) {
        wait(ch.changed);
      } else {
        wait(clock_.cycles(ch.bursts.front() - clock_.now() + kSlack), ch.changed);
      }
    }
    // The burst in parts of kArrivalWords, back to back on the channel as one burst: its words
    // reach the accumulator as they come, not all at its last one's cycle (a refresh may stop
    // the channel inside a burst). The beats reach the accumulator through the channel's FIFO
    // (kWeightFifoLatency cycles; the steps' costs were read off a kernel whose FIFO took one);
    // 1.6-bit beats first through the unpacker: its parts a cycle each, and its latency.
    double last = 0.0, bus_last = 0.0;
    for (uint64_t left = burst; left > 0;) {
      const uint64_t part = std::min(left, kArrivalWords);
      const sc_core::sc_time delay =
          transport_timing_only(weight_sockets[c], tlm::TLM_READ_COMMAND,
                                part * params_.weight_word_bytes(), sc_core::SC_ZERO_TIME);
      const double arrived = clock_.to_cycles(sc_core::sc_time_stamp() + delay);
      bus_last = arrived + (kWeightFifoLatency - 1);  // as the AXI slot's end is counted
      last = bus_last;
      if (job.packed) {
        const double parts = weight_unpack_parts(params_.lanes);
        ch.unpack_free = std::max(arrived, ch.unpack_free + parts * static_cast<double>(part));
        last = ch.unpack_free + weight_unpack_latency(params_.lanes) + (kWeightFifoLatency - 1);
      }
      ch.inflight.emplace_back(last, part);
      left -= part;
    }
    ch.bursts.push_back(bus_last);
    ch.reserved += quarters;
    ch.changed.notify(sc_core::SC_ZERO_TIME);
    job.words -= burst;
    if (job.words == 0) ch.jobs.pop_front();
    wait_cycles(1);  // one read request a cycle
  }
}

void TimedKernelModel::take(Channel& ch, uint64_t words, double cycles_per_beat) {
  while (words > 0) {
    absorb(ch);
    if (ch.fifo == 0) {
      if (ch.inflight.empty()) {
        wait(ch.changed);
      } else {
        wait(clock_.cycles(ch.inflight.front().first - clock_.now() + kSlack));
      }
      continue;
    }
    const uint64_t k = std::min({words, ch.fifo, uint64_t{burst_words_}});
    wait_cycles(static_cast<double>(k) * cycles_per_beat);
    ch.fifo -= k;
    ch.reserved -= (ch.packed ? 5 : 4) * k;  // a block's padding quarters come back with it
    words -= k;
    ch.changed.notify(sc_core::SC_ZERO_TIME);
  }
}

void TimedKernelModel::accumulator(uint32_t c) {
  Channel& ch = *channels_[c];
  for (;;) {
    wait(ch.start);
    if (!ch.takes.empty()) {
      for (const auto& [words, cycles_per_word] : ch.takes) take(ch, words, cycles_per_word);
      ch.takes.clear();
    } else if (ch.rows != 0) {
      // The accumulator loads the whole vector's codes (a code word a cycle, as the code
      // stream brings them at vector_lanes a cycle) before its first weight word
      // (mmf_ternary_acc: StLoadProgram, StPrime, then StRun).
      wait_cycles(static_cast<double>(ch.code_cycles));
      for (uint64_t r = 0; r < ch.rows; ++r) {  // row blocks
        // A 1.6-bit block's beats, decoded before the FIFO, give its words one a cycle.
        take(ch, ch.block_beats,
             static_cast<double>(ch.row_words) / static_cast<double>(ch.block_beats));
        if (params_.costs.row != 0) wait_cycles(params_.costs.row);
        // A block's row sums leave one a cycle: a block of more rows than words holds the
        // next one back (16-row tiles over short rows, u250). The last block's rows are in
        // the op's tail.
        const uint64_t block_rows =
            std::min<uint64_t>(params_.tile_rows, ch.local_rows - r * params_.tile_rows);
        if (r + 1 < ch.rows && block_rows > ch.row_words) {
          wait_cycles(static_cast<double>(block_rows - ch.row_words));
        }
      }
    }
    if (--accumulating_ == 0) accumulated_.notify(sc_core::SC_ZERO_TIME);
  }
}

}  // namespace mmf::sim
