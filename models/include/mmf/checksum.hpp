// SPDX-License-Identifier: Apache-2.0
// Integrity checks for files and device images: CRC32C over bytes, and a 64-bit FNV-1a digest
// for identities built from short canonical strings (build fingerprints, model ids).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mmf {

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, init and final XOR 0xFFFFFFFF), the
// checksum of iSCSI and ext4. Chains: crc32c(b, crc32c(a)) == crc32c(a ++ b). Uses the SSE4.2
// crc32 instruction when the CPU has it (about 8 bytes per 3 cycles), a table otherwise; both
// give the same value (tests/models/checksum_test.cpp).
uint32_t crc32c(const void* data, size_t bytes, uint32_t previous = 0);
// The table path alone, for tests.
uint32_t crc32c_portable(const void* data, size_t bytes, uint32_t previous = 0);

// FNV-1a, 64 bits. Not a checksum against corruption: a name for a canonical description.
// Chains like crc32c (pass the previous digest as `basis`).
constexpr uint64_t kFnv1a64Basis = 0xcbf29ce484222325ull;
uint64_t fnv1a64(std::string_view text, uint64_t basis = kFnv1a64Basis);

// "crc32c:1a2b3c4d", the form stored in converted-model metadata.
std::string crc32c_string(uint32_t crc);
// "0x1a2b3c4d5e6f7081".
std::string hex64_string(uint64_t v);

}  // namespace mmf
