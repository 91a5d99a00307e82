// SPDX-License-Identifier: Apache-2.0
// Image loading and per-token launches on any device backend.
#include "mmf/host/runtime/accelerator.hpp"

#include <algorithm>
#include <cstring>

#include "mmf/bitnet_fixed_model.hpp"
#include "mmf/checksum.hpp"
#include "mmf/error.hpp"
#include "mmf/numerics.hpp"

namespace mmf::host {

LaunchArgs load_image(Device& device, const DeviceImage& image) {
  LaunchArgs args;
  for (int c = 0; c < image.weight_channels; ++c) {
    const std::vector<uint8_t>& w = image.weights[c];
    args.weights.push_back(device.allocate(c, w.size()));
    device.write(args.weights.back(), 0, w.data(), w.size());
  }
  const uint64_t vec_bytes = image.vec.size() * sizeof(uint32_t);
  args.vec = device.allocate(device.build().accel.vector_channel, vec_bytes);
  device.write(args.vec, 0, image.vec.data(), vec_bytes);
  const ImageLayout& lay = image.layout;
  args.regs = mmf_hls::LaunchRegs{lay.program, lay.num_ops, static_cast<uint32_t>(lay.vec_words),
                                  static_cast<uint32_t>(lay.weight_words)};
  return args;
}

namespace {

// CRC32C of the first `bytes` of a device buffer, read back in slices so that a large bank
// needs no second copy on the host.
uint32_t device_crc(Device& device, BufferHandle buffer, uint64_t bytes) {
  constexpr uint64_t kSlice = uint64_t{16} << 20;
  std::vector<uint8_t> slice(static_cast<size_t>(std::min(bytes, kSlice)));
  uint32_t crc = 0;
  for (uint64_t at = 0; at < bytes; at += kSlice) {
    const uint64_t n = std::min(kSlice, bytes - at);
    device.read(buffer, at, slice.data(), n);
    crc = crc32c(slice.data(), n, crc);
  }
  return crc;
}

}  // namespace

void verify_upload(Device& device, const LaunchArgs& args, const DeviceImage& image) {
  const ImageIdentity& id = image.identity;
  for (size_t c = 0; c < args.weights.size(); ++c) {
    const uint64_t bytes = image.layout.weight_words * image.weight_word_bytes;
    const uint32_t crc = device_crc(device, args.weights[c], bytes);
    if (crc != id.weight_crc.at(c)) {
      throw Error(device.backend() + ": weight channel " + std::to_string(c) +
                  " reads back from the device as " + crc32c_string(crc) + ", but " +
                  crc32c_string(id.weight_crc[c]) +
                  " was written: the upload was corrupted; nothing was run");
    }
  }
  std::vector<uint32_t> vec(image.layout.vec_words);
  device.read(args.vec, 0, vec.data(), vec.size() * sizeof(uint32_t));
  const uint32_t crc = vector_bank_crc(vec.data(), image.layout);
  if (crc != id.vec_crc) {
    throw Error(device.backend() + ": the vector bank reads back from the device as " +
                crc32c_string(crc) + ", but " + crc32c_string(id.vec_crc) +
                " was written: the upload was corrupted; nothing was run");
  }
}

Accelerator::Accelerator(std::unique_ptr<Device> device, DeviceImage image)
    : device_(std::move(device)), image_(std::move(image)) {
  validate_image(image_, device_->build());
  launch_ = load_image(*device_, image_);
  verify_upload(*device_, launch_, image_);
  logits_.assign(image_.layout.vocab, 0);
  // The banks now live on the device; the host keeps the layout and the program only.
  image_.weights = {};
  image_.vec = {};
}

void Accelerator::reset() {
  const ImageLayout& lay = image_.layout;
  position_ = 0;
  if (lay.state_words == 0) return;
  const std::vector<uint32_t> zeros(lay.state_words, 0);
  device_->write(launch_.vec, uint64_t{lay.state} * sizeof(uint32_t), zeros.data(),
                 zeros.size() * sizeof(uint32_t));
}

void Accelerator::fill_context(const ModelConfig& config, int64_t positions, uint64_t seed) {
  const ImageLayout& lay = image_.layout;
  if (lay.context == 0) throw Error("--context-fill: the device image has no KV cache");
  if (positions < 0 || positions >= lay.context) {
    throw Error("--context-fill " + std::to_string(positions) + ": expected 0 to " +
                std::to_string(lay.context - 1) + " (the KV cache holds " +
                std::to_string(lay.context) + " positions, one left to decode)");
  }
  // Each layer's cache, from its KvAppend (the program's layers in order).
  const mmf_hls::DeviceLimits lim = device_limits(device_->build(), 0, 0);
  std::vector<std::pair<mmf_hls::KvLayout, uint64_t>> layers;
  for (const Descriptor& d : image_.program) {
    if (d[mmf_hls::kFieldOpcode] == mmf_hls::kOpKvAppend) {
      layers.emplace_back(mmf_hls::kv_layout(d.data(), lim), d[mmf_hls::kFieldWeight]);
    }
  }
  if (static_cast<int64_t>(layers.size()) != config.num_layers || layers.empty() ||
      layers[0].first.kv_heads != config.num_kv_heads ||
      layers[0].first.head_dim != config.head_dim) {
    throw Error("--context-fill: model '" + config.name + "' is not the one the image holds");
  }
  // A layer's cache is assembled per channel on the host and written once (its slots past the
  // fill as zeros, which no read reaches before an append): one write a channel and layer.
  const uint64_t word = layers[0].first.word_bytes;
  const uint32_t channels = layers[0].first.channels;
  std::vector<std::vector<uint8_t>> images(channels);
  int64_t layer = -1;
  const auto flush = [&] {
    if (layer < 0) return;
    const uint64_t base = layers[static_cast<size_t>(layer)].second * word;
    for (uint32_t c = 0; c < channels; ++c) {
      device_->write(launch_.weights[c], base, images[c].data(), images[c].size());
    }
  };
  generate_context_fill(
      config, positions, seed, [&](int64_t l, int64_t t, const FilledPosition& f) {
        const mmf_hls::KvLayout& kv = layers[static_cast<size_t>(l)].first;
        if (l != layer) {
          flush();
          layer = l;
          for (auto& image : images) image.assign(kv.words() * word, 0);
        }
        const auto p = static_cast<uint32_t>(t);
        uint8_t* image = images[p % channels].data();
        const uint32_t slot = p / channels;
        for (uint32_t g = 0; g < kv.kv_heads; ++g) {
          for (const bool value : {false, true}) {
            std::copy_n((value ? f.v_codes : f.k_codes) + size_t{g} * kv.head_dim, kv.head_dim,
                        image + kv.row(value, g, slot) * word);
            const uint32_t amax = (value ? f.v_amax : f.k_amax)[g];
            std::memcpy(image + kv.scale_word(value, g, slot) * word + kv.scale_byte(g, slot),
                        &amax, sizeof(amax));
          }
        }
      });
  flush();
  position_ = static_cast<uint32_t>(positions);
}

void Accelerator::launch(int32_t token, uint32_t count) {
  const ImageLayout& lay = image_.layout;
  if (token < 0 || static_cast<uint32_t>(token) >= lay.vocab) {
    throw Error("token id " + std::to_string(token) + " is outside the vocabulary [0, " +
                std::to_string(lay.vocab) + ") of the device image");
  }
  if (count == 0 || count > kTokenRingWords) {
    throw Error("tokens per launch: " + std::to_string(count) + " is outside [1, " +
                std::to_string(kTokenRingWords) + "] (the device's token ring)");
  }
  if (lay.context > 0 && uint64_t{position_} + count > lay.context) {
    throw Error("the KV cache holds " + std::to_string(lay.context) + " positions; " +
                std::to_string(position_) + " are used, so " + std::to_string(count) +
                " more token(s) do not fit (reset to start a new sequence)");
  }
  const auto id = static_cast<uint32_t>(token);
  device_->write(launch_.vec, uint64_t{lay.token_in} * sizeof(uint32_t), &id, sizeof(id));
  if (lay.context > 0) {
    device_->write(launch_.vec, uint64_t{lay.position} * sizeof(uint32_t), &position_,
                   sizeof(position_));
  }
  launch_.regs.num_tokens = count;  // no copy of the launch: nothing allocates per token
  device_->start(launch_);
  device_->wait(timeout_);
  const DeviceCounters c = device_->counters();
  if (c.kernel.status != mmf_hls::kStatusOk) {
    throw Error(device_->backend() + ": the kernel stopped at " +
                describe_status(c.kernel.status, image_.program));
  }
  const uint64_t ops = uint64_t{lay.num_ops} * count;
  if (c.kernel.ops_done != ops) {
    throw Error(device_->backend() + ": the kernel completed " + std::to_string(c.kernel.ops_done) +
                " of " + std::to_string(ops) + " ops without reporting an error");
  }
  last_ = c;
  if (lay.context > 0) position_ += count;
  ++totals_.launches;
  totals_.tokens += count;
  totals_.ops += c.kernel.ops_done;
  totals_.ternary_ops += c.kernel.ternary_ops;
  totals_.weight_bytes += c.kernel.weight_bytes;
  totals_.vector_bytes += c.kernel.vector_bytes;
  if (c.cycles) totals_.cycles = totals_.cycles.value_or(0) + *c.cycles;
  if (c.link_cycles) totals_.link_cycles = totals_.link_cycles.value_or(0) + *c.link_cycles;
  if (c.perf) {
    if (!totals_.perf) totals_.perf = PerfCounters{};
    *totals_.perf += *c.perf;
  }
}

const std::vector<int32_t>& Accelerator::step(int32_t token) {
  launch(token, 1);
  device_->read(launch_.vec, uint64_t{image_.layout.logits} * sizeof(uint32_t), logits_.data(),
                logits_.size() * sizeof(int32_t));
  return logits_;
}

const std::vector<int32_t>& Accelerator::generate(int32_t token, uint32_t count) {
  launch(token, count);
  picks_.assign(count, 0);
  device_->read(launch_.vec, uint64_t{image_.layout.token_ring} * sizeof(uint32_t), picks_.data(),
                picks_.size() * sizeof(int32_t));
  return picks_;
}

DeviceModel::DeviceModel(std::unique_ptr<Accelerator> accelerator)
    : accel_(std::move(accelerator)), logits_(accel_->image().layout.vocab, 0.0f) {}

const std::vector<float>& DeviceModel::step(int32_t token) {
  const std::vector<int32_t>& q = accel_->step(token);
  for (size_t k = 0; k < q.size(); ++k) {
    logits_[k] = static_cast<float>(q[k]) / static_cast<float>(fx::kOne);
  }
  return logits_;
}

}  // namespace mmf::host
