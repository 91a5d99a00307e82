// SPDX-License-Identifier: Apache-2.0
// Runs a compiled model on a device: loads the image into the banks once, then launches the
// token program once per token (host writes the token id, reads back the logits).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "mmf/host/backends/device.hpp"
#include "mmf/host/compiler/device_image.hpp"
#include "mmf/language_model.hpp"

namespace mmf::host {

// Allocates the image's banks on the device (weight channel c on memory channel c, the vector
// bank on the build's vector channel), writes them and returns the launch arguments. It does not
// validate: the Accelerator validates first, and tests use it to hand the kernel a bad image.
LaunchArgs load_image(Device& device, const DeviceImage& image);
// Reads every bank back from the device and compares its CRC32C with the image's (the vector
// bank's constant contents, each weight channel whole); throws an Error naming the bank.
void verify_upload(Device& device, const LaunchArgs& args, const DeviceImage& image);

class Accelerator {
 public:
  // Validates the image against the device's build (its fingerprint and checksums included),
  // allocates and writes every bank, and verifies the banks read back (verify_upload).
  Accelerator(std::unique_ptr<Device> device, DeviceImage image);

  // A new sequence: zeroes the recurrent state (hgrn_bit) or starts the KV cache over at
  // position 0 (BitNet: the entries past the position are never read).
  void reset();
  // BitNet images: the position of the next token (0 for hgrn_bit).
  uint32_t position() const { return position_; }
  // BitNet images: writes the cache entries of BitNetFixedModel::fill_context (the same
  // generator and seed) for positions 0 .. positions - 1 into every layer's cache on the
  // device, and continues at `positions`: decode at a long context without running its
  // prefill. `config` is the model's the image was compiled from.
  void fill_context(const ModelConfig& config, int64_t positions, uint64_t seed);
  // One token through the whole program; returns the vocab Q16 logits. Throws an Error that
  // names the failing op when the kernel reports a bad status.
  const std::vector<int32_t>& step(int32_t token);
  // `count` tokens in one launch (1 .. kTokenRingWords): the device runs the program `count`
  // times from `token`, each pass's greedy pick (the program's Argmax) the next pass's token,
  // and the picks are read back from the token ring, not the logits. The launch is paid once;
  // the counters of the launch cover all its tokens.
  const std::vector<int32_t>& generate(int32_t token, uint32_t count);

  const Device& device() const { return *device_; }
  // Layout and program of the loaded image (its banks are on the device, not kept here).
  const DeviceImage& image() const { return image_; }
  const CounterTotals& totals() const { return totals_; }
  // The device's counters after the last step (per-op cycles on the timed backends).
  const DeviceCounters& last_counters() const { return last_; }
  void set_timeout(std::chrono::milliseconds t) { timeout_ = t; }

 private:
  std::unique_ptr<Device> device_;
  DeviceImage image_;
  LaunchArgs launch_;
  std::vector<int32_t> logits_;
  std::vector<int32_t> picks_;
  uint32_t position_ = 0;
  // Writes the token, runs a launch of `count` tokens and checks and adds up its counters.
  void launch(int32_t token, uint32_t count);
  CounterTotals totals_;
  DeviceCounters last_;
  std::chrono::milliseconds timeout_{std::chrono::minutes(5)};
};

// A LanguageModel whose steps run on an accelerator (logits = Q16 / 2^16).
class DeviceModel final : public LanguageModel {
 public:
  explicit DeviceModel(std::unique_ptr<Accelerator> accelerator);
  void reset() override { accel_->reset(); }
  const std::vector<float>& step(int32_t token) override;
  const Accelerator& accelerator() const { return *accel_; }
  Accelerator& accelerator() { return *accel_; }

 private:
  std::unique_ptr<Accelerator> accel_;
  std::vector<float> logits_;
};

}  // namespace mmf::host
