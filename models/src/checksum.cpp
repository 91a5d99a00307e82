// SPDX-License-Identifier: Apache-2.0
#include "mmf/checksum.hpp"

#include <array>
#include <cstdio>
#include <cstring>

namespace mmf {
namespace {

constexpr uint32_t kCrc32cPoly = 0x82F63B78u;  // reflected Castagnoli polynomial

struct Crc32cTable {
  std::array<uint32_t, 256> entry{};
  constexpr Crc32cTable() {
    for (uint32_t b = 0; b < 256; ++b) {
      uint32_t c = b;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kCrc32cPoly : c >> 1;
      entry[b] = c;
    }
  }
};
constexpr Crc32cTable kTable;

uint32_t crc_bytes_portable(const uint8_t* p, size_t n, uint32_t c) {
  for (size_t k = 0; k < n; ++k) c = kTable.entry[(c ^ p[k]) & 0xFFu] ^ (c >> 8);
  return c;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t crc_bytes_sse42(const uint8_t* p, size_t n, uint32_t c) {
  uint64_t c64 = c;
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t word;
    std::memcpy(&word, p, sizeof(word));
    c64 = __builtin_ia32_crc32di(c64, word);
  }
  auto c32 = static_cast<uint32_t>(c64);
  for (; n > 0; --n, ++p) c32 = __builtin_ia32_crc32qi(c32, *p);
  return c32;
}

bool cpu_has_sse42() {
  static const bool has = __builtin_cpu_supports("sse4.2");
  return has;
}
#endif

}  // namespace

uint32_t crc32c_portable(const void* data, size_t bytes, uint32_t previous) {
  return ~crc_bytes_portable(static_cast<const uint8_t*>(data), bytes, ~previous);
}

uint32_t crc32c(const void* data, size_t bytes, uint32_t previous) {
#if defined(__x86_64__)
  if (cpu_has_sse42()) {
    return ~crc_bytes_sse42(static_cast<const uint8_t*>(data), bytes, ~previous);
  }
#endif
  return crc32c_portable(data, bytes, previous);
}

uint64_t fnv1a64(std::string_view text, uint64_t basis) {
  uint64_t h = basis;
  for (const unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

std::string crc32c_string(uint32_t crc) {
  char buf[20];
  std::snprintf(buf, sizeof(buf), "crc32c:%08x", crc);
  return buf;
}

std::string hex64_string(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace mmf
