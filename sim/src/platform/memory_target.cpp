// SPDX-License-Identifier: Apache-2.0
#include "memory_target.hpp"

#include <cstring>

namespace mmf::sim {

MemoryTarget::MemoryTarget(const sc_core::sc_module_name& name)
    : sc_core::sc_module(name), socket("socket") {
  socket.register_b_transport(this, &MemoryTarget::b_transport);
}

void MemoryTarget::configure(const ChannelTiming& timing, uint32_t beat_bytes,
                             const KernelClock& clock, uint8_t* bytes, uint64_t size) {
  timeline_.emplace(timing, beat_bytes);
  clock_ = clock;
  bytes_ = bytes;
  size_ = size;
  bytes_moved_ = 0;
}

void MemoryTarget::restart_refresh(double at) {
  if (timeline_) timeline_->restart_refresh(at);
}

void MemoryTarget::set_port_beat(int port, uint32_t beat_bytes) {
  if (port_beat_.size() <= static_cast<size_t>(port)) port_beat_.resize(port + 1, 0);
  port_beat_[port] = beat_bytes;
}

void MemoryTarget::b_transport(int port, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const uint64_t addr = trans.get_address();
  const uint32_t len = trans.get_data_length();
  const tlm::tlm_command cmd = trans.get_command();
  const bool move_data = bytes_ != nullptr && trans.get_extension<TimingOnly>() == nullptr;
  if (move_data) {
    if (addr > size_ || len > size_ - addr) {
      trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    if (cmd == tlm::TLM_READ_COMMAND) std::memcpy(trans.get_data_ptr(), bytes_ + addr, len);
    if (cmd == tlm::TLM_WRITE_COMMAND) std::memcpy(bytes_ + addr, trans.get_data_ptr(), len);
  }
  const bool own = static_cast<size_t>(port) >= port_beat_.size() || port_beat_[port] == 0;
  const uint32_t beat = own ? timeline_->beat_bytes() : port_beat_[port];
  const auto beats = static_cast<uint32_t>((len + beat - 1) / beat);
  const double at = clock_.to_cycles(sc_core::sc_time_stamp() + delay);
  const bool write = cmd == tlm::TLM_WRITE_COMMAND;
  const double done = own ? (write ? timeline_->write(at, beats) : timeline_->read(at, beats))
                          : (write ? timeline_->write_bytes(at, beats, beat)
                                   : timeline_->read_bytes(at, beats, beat));
  delay = clock_.cycles(done) - sc_core::sc_time_stamp();
  bytes_moved_ += len;
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace mmf::sim
