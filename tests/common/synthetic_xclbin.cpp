// SPDX-License-Identifier: Apache-2.0
#include "common/synthetic_xclbin.hpp"

#include <xclbin.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "mmf/error.hpp"
#include "mmf/host/build/rtl_kernel_xml.hpp"

namespace mmf::test {
namespace {

// Where the compute unit's registers sit in the shell's address map (any aligned value).
constexpr uint64_t kCuBase = 0x1800000;
constexpr uint64_t kCuRange = 0x1000;
constexpr const char* kCounterNames[] = {"status", "ops_done", "ternary_ops", "weight_bytes",
                                         "vector_bytes"};

// Appends a POD to a byte vector.
template <class T>
void put(std::vector<char>& out, const T& v) {
  const char* p = reinterpret_cast<const char*>(&v);
  out.insert(out.end(), p, p + sizeof(T));
}

template <size_t N, class C>
void copy_name(C (&dst)[N], const std::string& src) {
  if (src.size() >= N) throw Error("synthetic xclbin: name '" + src + "' is too long");
  std::memcpy(dst, src.c_str(), src.size() + 1);
}

std::string hex(uint64_t v) {
  std::ostringstream s;
  s << "0x" << std::hex << v;
  return s.str();
}

// Replaces the first `from` in `s` by `to`; the kernel.xml text is ours, so a miss is a bug.
void replace_once(std::string& s, const std::string& from, const std::string& to) {
  const size_t at = s.find(from);
  if (at == std::string::npos) throw Error("synthetic xclbin: kernel.xml has no '" + from + "'");
  s.replace(at, from.size(), to);
}

// The pointer arguments in kernel.xml order: w0..w<C-1>, vec.
std::vector<std::string> pointer_args(const host::BuildDescriptor& b) {
  std::vector<std::string> names;
  for (int c = 0; c < b.accel.weight_channels; ++c) names.push_back("w" + std::to_string(c));
  names.push_back("vec");
  return names;
}

std::string metadata_xml(const host::BuildDescriptor& b, const std::string& kernel,
                         const SyntheticXclbinOptions& o) {
  std::string xml = host::rtl_kernel_xml(b);
  const size_t begin = xml.find("<kernel ");
  const size_t end = xml.find("</kernel>");
  if (begin == std::string::npos || end == std::string::npos) {
    throw Error("synthetic xclbin: kernel.xml has no <kernel> element");
  }
  std::string k = xml.substr(begin, end - begin);
  replace_once(k, "name=\"" + b.kernel_name() + "\"", "name=\"" + kernel + "\"");
  if (!o.drop_arg.empty()) {
    const size_t at = k.find("<arg name=\"" + o.drop_arg + "\"");
    if (at == std::string::npos) throw Error("synthetic xclbin: no argument " + o.drop_arg);
    k.erase(at, k.find('\n', at) + 1 - at);
  }
  if (o.hls_counter_args) {
    // Vitis HLS gives each scalar output its own register; ids continue after the inputs.
    std::ostringstream args;
    int id = b.accel.weight_channels + 1 + 4;
    uint32_t offset = kSyntheticHlsStatusOffset;
    for (const char* name : kCounterNames) {
      const bool wide = std::strcmp(name, "status") != 0 && std::strcmp(name, "ops_done") != 0;
      args << "      <arg name=\"" << name << "\" addressQualifier=\"0\" id=\"" << id++
           << "\" port=\"s_axi_control\" size=\"" << hex(wide ? 8 : 4) << "\" offset=\""
           << hex(offset) << "\" type=\"" << (wide ? "ulong*" : "uint*")
           << "\" hostOffset=\"0x0\" hostSize=\"" << hex(wide ? 8 : 4) << "\"/>\n";
      offset += 0x10;
    }
    replace_once(k, "    </args>", args.str() + "    </args>");
  }
  // kernel.xml groups ports and args in <ports> and <args>; the xclbin's metadata has them as
  // direct children of <kernel> (XRT's xclbin_parser reads them there).
  for (const char* wrapper : {"    <ports>\n", "    </ports>\n", "    <args>\n", "    </args>\n"}) {
    replace_once(k, wrapper, "");
  }
  std::ostringstream s;
  s << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<project name=\"" << kernel << "\">\n"
    << "  <platform vendor=\"xilinx\" boardid=\"synthetic\" name=\"" << b.board.platform << "\">\n"
    << "    <device name=\"fpga0\" fpgaDevice=\"" << b.board.part << "\">\n"
    << "      <core name=\"OCL_REGION_0\" target=\"bitstream\" type=\"clc_region\""
    << " clockFreq=\"" << b.accel.clock_mhz << "MHz\" numComputeUnits=\"1\">\n"
    << "    " << k << "      <instance name=\"" << kernel << "_1\">\n"
    << "        <addrRemap base=\"" << hex(kCuBase) << "\" range=\"" << hex(kCuRange)
    << "\" port=\"s_axi_control\"/>\n"
    << "      </instance>\n"
    << "    </kernel>\n"
    << "      </core>\n"
    << "    </device>\n"
    << "  </platform>\n"
    << "</project>\n";
  return s.str();
}

struct Section {
  axlf_section_kind kind;
  const char* name;
  std::vector<char> data;
};

}  // namespace

void write_synthetic_xclbin(const std::string& path, const host::BuildDescriptor& b,
                            const SyntheticXclbinOptions& o) {
  const std::string kernel = o.kernel_name.empty() ? b.kernel_name() : o.kernel_name;
  const bool hbm = b.board.memory == "hbm";
  const std::vector<std::string> pointers = pointer_args(b);

  // The memory channel of each pointer argument: the build's, unless overridden.
  std::vector<int> channel;
  for (size_t i = 0; i < pointers.size(); ++i) {
    const bool vec = pointers[i] == "vec";
    const auto it = o.channel_of.find(pointers[i]);
    channel.push_back(it != o.channel_of.end() ? it->second
                      : vec                    ? b.accel.vector_channel
                                               : static_cast<int>(i));
  }

  std::vector<Section> sections;
  {  // MEM_TOPOLOGY: every channel of the board, used when an argument is connected to it.
    std::vector<char> d;
    put(d, static_cast<int64_t>(b.board.memory_channels));  // m_count, padded to 8 bytes
    for (int m = 0; m < b.board.memory_channels; ++m) {
      mem_data md{};
      md.m_type = hbm ? MEM_HBM : MEM_DDR4;
      md.m_used = 0;
      for (int c : channel) md.m_used |= c == m ? 1 : 0;
      md.m_size = static_cast<uint64_t>(b.board.channel_mib) * 1024;  // KiB
      md.m_base_address = static_cast<uint64_t>(m) * b.board.channel_mib * 1024 * 1024;
      copy_name(md.m_tag, (hbm ? "HBM[" : "DDR[") + std::to_string(m) + "]");
      put(d, md);
    }
    sections.push_back({MEM_TOPOLOGY, "mem_topology", d});
  }
  {  // IP_LAYOUT: one compute unit with ap_ctrl_chain and its interrupt enabled.
    std::vector<char> d;
    put(d, static_cast<int64_t>(1));
    ip_data ip{};
    ip.m_type = IP_KERNEL;
    ip.properties = (AP_CTRL_CHAIN << IP_CONTROL_SHIFT) | IP_INT_ENABLE_MASK;
    ip.m_base_address = kCuBase;
    copy_name(ip.m_name, kernel + ":" + kernel + "_1");
    put(d, ip);
    sections.push_back({IP_LAYOUT, "ip_layout", d});
  }
  {  // CONNECTIVITY: argument index (kernel.xml id) -> memory index.
    std::vector<char> d;
    put(d, static_cast<int32_t>(pointers.size()));
    for (size_t i = 0; i < pointers.size(); ++i) {
      if (pointers[i] == o.drop_arg) continue;
      put(d, connection{static_cast<int32_t>(i), 0, channel[i]});
    }
    // m_count counts what was written.
    const auto count = static_cast<int32_t>((d.size() - sizeof(int32_t)) / sizeof(connection));
    std::memcpy(d.data(), &count, sizeof(count));
    sections.push_back({CONNECTIVITY, "connectivity", d});
  }
  {
    const std::string xml = metadata_xml(b, kernel, o);
    sections.push_back({EMBEDDED_METADATA, "metadata", std::vector<char>(xml.begin(), xml.end())});
  }

  // Header, then the section headers inline, then each section at an 8-byte aligned offset.
  const size_t header_bytes = sizeof(axlf) + (sections.size() - 1) * sizeof(axlf_section_header);
  std::vector<char> body;
  std::vector<axlf_section_header> headers;
  size_t offset = (header_bytes + 7) & ~size_t{7};
  for (const Section& s : sections) {
    axlf_section_header h{};
    h.m_sectionKind = s.kind;
    copy_name(h.m_sectionName, s.name);
    h.m_sectionOffset = offset;
    h.m_sectionSize = s.data.size();
    headers.push_back(h);
    body.insert(body.end(), s.data.begin(), s.data.end());
    const size_t padded = (s.data.size() + 7) & ~size_t{7};
    body.resize(body.size() + padded - s.data.size(), 0);
    offset += padded;
  }

  std::vector<char> file(header_bytes, 0);
  axlf top{};
  std::memcpy(top.m_magic, "xclbin2", 8);
  top.m_signature_length = -1;
  std::memset(top.reserved, 0xFF, sizeof(top.reserved));
  top.m_header.m_versionMajor = 2;
  top.m_header.m_mode = XCLBIN_FLAT;
  copy_name(top.m_header.m_platformVBNV, b.board.platform);
  // A uuid from the build's fingerprint and kernel name: stable, and distinct per xclbin.
  const uint64_t fp = b.fingerprint() ^ std::hash<std::string>{}(kernel + o.drop_arg);
  std::memcpy(top.m_header.uuid, &fp, sizeof(fp));
  std::memcpy(top.m_header.uuid + sizeof(fp), "mmf-test", 8);
  top.m_header.m_numSections = static_cast<uint32_t>(sections.size());
  std::memcpy(file.data(), &top, sizeof(axlf) - sizeof(axlf_section_header));
  std::memcpy(file.data() + sizeof(axlf) - sizeof(axlf_section_header), headers.data(),
              headers.size() * sizeof(axlf_section_header));
  file.resize((header_bytes + 7) & ~size_t{7}, 0);
  file.insert(file.end(), body.begin(), body.end());
  const uint64_t length = file.size();
  std::memcpy(file.data() + offsetof(axlf, m_header) + offsetof(axlf_header, m_length), &length,
              sizeof(length));

  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(file.data(), static_cast<std::streamsize>(file.size()));
  if (!out) throw Error("synthetic xclbin: cannot write " + path);
}

}  // namespace mmf::test
