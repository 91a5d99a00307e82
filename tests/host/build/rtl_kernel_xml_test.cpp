// SPDX-License-Identifier: Apache-2.0
// kernel.xml of the RTL kernel: well-formed, every port and argument where the RTL top and the
// register map of mmf_axil_control put it, and consistent with the link config and the HLS top.
#include "mmf/host/build/rtl_kernel_xml.hpp"

#include <cctype>
#include <cstdint>
#include <functional>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "mmf_hls/kernel_regs.hpp"

#include "common/checks.hpp"
#include "common/temp_dir.hpp"

namespace mmf::test {
namespace {

using host::BuildDescriptor;

// ---- A small checker for the XML subset kernel.xml uses: an optional declaration, comments,
// elements with quoted attributes, whitespace between elements (no text, no CDATA, no DTD).
struct Element {
  std::string name;
  std::map<std::string, std::string> attrs;
  std::vector<Element> children;

  std::vector<const Element*> all(const std::string& child) const {
    std::vector<const Element*> out;
    for (const auto& c : children) {
      if (c.name == child) out.push_back(&c);
    }
    return out;
  }
  std::string attr(const std::string& key) const {
    const auto it = attrs.find(key);
    return it == attrs.end() ? std::string() : it->second;
  }
};

class XmlChecker {
 public:
  // Parses `text`; on malformed input returns false with `error()` saying where and why.
  bool parse(const std::string& text, Element& root) {
    text_ = text;
    pos_ = 0;
    error_.clear();
    if (text_.compare(0, 5, "<?xml") == 0) {
      const size_t end = text_.find("?>");
      if (end == std::string::npos) return fail("unterminated XML declaration");
      pos_ = end + 2;
    }
    if (!misc()) return false;
    if (!element(root)) return false;
    if (!misc()) return false;
    if (pos_ != text_.size()) return fail("content after the root element");
    return true;
  }
  const std::string& error() const { return error_; }

 private:
  bool fail(const std::string& why) {
    error_ = why + " at offset " + std::to_string(pos_);
    return false;
  }
  bool at(const char* s) const { return text_.compare(pos_, std::string(s).size(), s) == 0; }
  void spaces() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  // Whitespace and comments.
  bool misc() {
    for (;;) {
      spaces();
      if (!at("<!--")) return true;
      const size_t end = text_.find("--", pos_ + 4);
      if (end == std::string::npos) return fail("unterminated comment");
      if (text_.compare(end, 3, "-->") != 0) return fail("'--' inside a comment");
      pos_ = end + 3;
    }
  }
  static bool name_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
  }
  static bool name_char(char c) {
    return name_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  }
  bool name(std::string& out) {
    if (pos_ >= text_.size() || !name_start(text_[pos_])) return fail("expected a name");
    const size_t start = pos_;
    while (pos_ < text_.size() && name_char(text_[pos_])) ++pos_;
    out = text_.substr(start, pos_ - start);
    return true;
  }
  // An attribute value: no '<', and '&' only as a character reference.
  bool value(std::string& out) {
    if (pos_ >= text_.size() || (text_[pos_] != '"' && text_[pos_] != '\'')) {
      return fail("attribute value not quoted");
    }
    const char quote = text_[pos_++];
    const size_t end = text_.find(quote, pos_);
    if (end == std::string::npos) return fail("unterminated attribute value");
    out = text_.substr(pos_, end - pos_);
    for (size_t i = 0; i < out.size(); ++i) {
      if (out[i] == '<') return fail("'<' in an attribute value");
      if (out[i] == '&') {
        static const char* const kRefs[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
        bool ok = false;
        for (const char* r : kRefs) ok = ok || out.compare(i, std::string(r).size(), r) == 0;
        if (!ok) return fail("bare '&' in an attribute value");
      }
    }
    pos_ = end + 1;
    return true;
  }
  bool element(Element& e) {
    if (!at("<")) return fail("expected an element");
    ++pos_;
    if (!name(e.name)) return false;
    for (;;) {
      const size_t before = pos_;
      spaces();
      if (at("/>")) {
        pos_ += 2;
        return true;
      }
      if (at(">")) {
        ++pos_;
        break;
      }
      if (pos_ == before) return fail("expected whitespace before an attribute");
      std::string key, val;
      if (!name(key)) return false;
      if (!at("=")) return fail("expected '=' after attribute " + key);
      ++pos_;
      if (!value(val)) return false;
      if (!e.attrs.emplace(key, val).second) return fail("duplicate attribute " + key);
    }
    for (;;) {
      if (!misc()) return false;
      if (at("</")) {
        pos_ += 2;
        std::string closing;
        if (!name(closing)) return false;
        if (closing != e.name) return fail("</" + closing + "> closes <" + e.name + ">");
        spaces();
        if (!at(">")) return fail("expected '>'");
        ++pos_;
        return true;
      }
      if (pos_ >= text_.size()) return fail("<" + e.name + "> is not closed");
      if (!at("<")) return fail("unexpected text inside <" + e.name + ">");
      e.children.emplace_back();
      if (!element(e.children.back())) return false;
    }
  }

  std::string text_;
  size_t pos_ = 0;
  std::string error_;
};

TEST(XmlChecker, RejectsMalformedXml) {
  for (const char* bad : {"<a><b></a>", "<a x=1/>", "<a x=\"1\" x=\"2\"/>", "<a/><b/>",
                          "<a x=\"&\"/>", "<a x=\"<\"/>", "<a>text</a>", "<a><!-- x -- y --></a>",
                          "<a>", "<a x=\"1\"y=\"2\"/>", "<?xml version=\"1.0\"?>"}) {
    Element e;
    XmlChecker checker;
    MMF_EXPECT_FALSE(checker.parse(bad, e)) << bad;
  }
  Element e;
  XmlChecker checker;
  MMF_EXPECT_TRUE(checker.parse("<?xml version=\"1.0\"?>\n<!-- c -->\n<a x='&amp;'><b/></a>\n", e))
      << checker.error();
  MMF_EXPECT_EQ(e.all("b").size(), 1u);
}

// ---- The builds under test: the shipped ones, and a made-up one with one channel, the widest
// lanes and a name with several dashes.
struct BuildCase {
  const char* name;
  std::function<BuildDescriptor()> make;
};
std::ostream& operator<<(std::ostream& os, const BuildCase& b) {
  return os << b.name;
}

BuildDescriptor shipped(const std::string& name) {
  return host::load_build_descriptor(host::build_descriptor_path(name));
}

std::string hex(uint64_t v) {
  std::ostringstream s;
  s << "0x" << std::hex << std::uppercase << v;
  return s.str();
}
uint64_t parse_hex(const std::string& s) {
  return s.compare(0, 2, "0x") == 0 ? std::stoull(s.substr(2), nullptr, 16) : ~uint64_t{0};
}

// What the RTL top's register map and ports are (the brief of rtl/mmf/mmf_kernel.sv), written
// out here independently of the generator.
constexpr uint64_t kScalarBase = 0x10;
constexpr uint64_t kPointerBase = 0x100;
const std::vector<std::string> kScalars = {"program_offset", "num_ops", "vec_words", "weight_words",
                                           "num_tokens"};

class RtlKernelXml : public testing::TestWithParam<BuildCase> {
 protected:
  void SetUp() override {
    build_ = GetParam().make();
    xml_ = host::rtl_kernel_xml(build_);
    XmlChecker checker;
    MMF_ASSERT_TRUE(checker.parse(xml_, root_)) << checker.error() << "\n" << xml_;
    const auto kernels = root_.all("kernel");
    MMF_ASSERT_EQ(kernels.size(), 1u) << xml_;
    kernel_ = kernels.front();
    const auto ports = kernel_->all("ports");
    const auto args = kernel_->all("args");
    MMF_ASSERT_EQ(ports.size(), 1u);
    MMF_ASSERT_EQ(args.size(), 1u);
    ports_ = ports.front()->all("port");
    args_ = args.front()->all("arg");
  }

  const Element* port(const std::string& name) const {
    for (const Element* p : ports_) {
      if (p->attr("name") == name) return p;
    }
    return nullptr;
  }

  BuildDescriptor build_;
  std::string xml_;
  Element root_;
  const Element* kernel_ = nullptr;
  std::vector<const Element*> ports_;
  std::vector<const Element*> args_;
};

TEST_P(RtlKernelXml, SaysItIsGeneratedAndNamesTheKernel) {
  std::istringstream lines(xml_);
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  MMF_EXPECT_EQ(first, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
  MMF_EXPECT_NE(second.find("Generated by `mmf gen-builds` from bitstreams/" + build_.name +
                            ".yaml; do not edit."),
                std::string::npos)
      << second;
  MMF_EXPECT_EQ(root_.name, "root");
  MMF_EXPECT_EQ(kernel_->attr("name"), build_.kernel_name());
  MMF_EXPECT_EQ(kernel_->attr("language"), "ip_c");
  MMF_EXPECT_EQ(kernel_->attr("vlnv"), "mmf:kernel:" + build_.kernel_name() + ":1.0");
  MMF_EXPECT_EQ(kernel_->attr("hwControlProtocol"), "ap_ctrl_chain");
  MMF_EXPECT_EQ(kernel_->attr("interrupt"), "true");
}

TEST_P(RtlKernelXml, PortsAreTheRtlTopsInterfaces) {
  const int channels = build_.accel.weight_channels;
  MMF_ASSERT_EQ(ports_.size(), static_cast<size_t>(channels + 2)) << xml_;
  const Element* control = port("s_axi_control");
  MMF_ASSERT_TRUE(control != nullptr) << xml_;
  MMF_EXPECT_EQ(control->attr("mode"), "slave");
  MMF_EXPECT_EQ(control->attr("range"), "0x1000") << "12-bit AXI4-Lite addresses";
  MMF_EXPECT_EQ(control->attr("dataWidth"), "32");
  for (int c = 0; c <= channels; ++c) {
    const bool vec = c == channels;
    const std::string name = vec ? "m_axi_vec" : "m_axi_w" + std::to_string(c);
    const Element* p = port(name);
    MMF_ASSERT_TRUE(p != nullptr) << name << " missing:\n" << xml_;
    MMF_EXPECT_EQ(p->attr("mode"), "master") << name;
    MMF_EXPECT_EQ(p->attr("range"), "0xFFFFFFFFFFFFFFFF") << name << ": 64-bit addresses";
    const int width = vec ? 32 * build_.accel.vector_lanes : 2 * build_.accel.lanes;
    MMF_EXPECT_EQ(p->attr("dataWidth"), std::to_string(width)) << name;
  }
  for (const Element* p : ports_) {
    MMF_EXPECT_EQ(p->attr("portType"), "addressable") << p->attr("name");
    MMF_EXPECT_EQ(p->attr("base"), "0x0") << p->attr("name");
  }
}

TEST_P(RtlKernelXml, ArgsFollowTheRegisterMapInTheHlsTopsOrder) {
  const int channels = build_.accel.weight_channels;
  MMF_ASSERT_EQ(args_.size(), static_cast<size_t>(channels + 1) + kScalars.size()) << xml_;
  const size_t pointers = static_cast<size_t>(channels) + 1;
  for (size_t id = 0; id < args_.size(); ++id) {
    const Element& a = *args_[id];
    const bool pointer = id < pointers;
    std::string name = pointer ? "w" + std::to_string(id) : kScalars[id - pointers];
    if (id + 1 == pointers) name = "vec";
    const uint64_t offset = pointer ? kPointerBase + 8 * id : kScalarBase + 8 * (id - pointers);
    const std::string size = pointer ? "0x8" : "0x4";
    MMF_EXPECT_EQ(a.attr("name"), name) << "arg " << id;
    MMF_EXPECT_EQ(a.attr("id"), std::to_string(id)) << name;
    MMF_EXPECT_EQ(a.attr("addressQualifier"), pointer ? "1" : "0") << name;
    MMF_EXPECT_EQ(a.attr("port"), pointer ? "m_axi_" + name : "s_axi_control") << name;
    MMF_EXPECT_EQ(a.attr("offset"), hex(offset)) << name;
    MMF_EXPECT_EQ(a.attr("size"), size) << name;
    MMF_EXPECT_EQ(a.attr("hostSize"), size) << name;
    MMF_EXPECT_EQ(a.attr("hostOffset"), "0x0") << name;
    MMF_EXPECT_TRUE(!a.attr("type").empty() && (a.attr("type").back() == '*') == pointer)
        << name << ": type '" << a.attr("type") << "'";
  }
}

// Independent of the expected layout: names unique, every argument on a declared port, one
// pointer per master, registers inside s_axi_control, clear of the control block and of each
// other.
TEST_P(RtlKernelXml, NamesPortsAndRegistersAreConsistent) {
  std::set<std::string> port_names;
  for (const Element* p : ports_) {
    MMF_EXPECT_TRUE(port_names.insert(p->attr("name")).second) << "port " << p->attr("name");
  }
  std::map<std::string, int> pointers_per_master;
  std::set<std::string> arg_names;
  std::vector<std::pair<uint64_t, uint64_t>> registers;  // [begin, end)
  const uint64_t control_range = parse_hex(port("s_axi_control")->attr("range"));
  for (const Element* a : args_) {
    const std::string name = a->attr("name");
    MMF_EXPECT_TRUE(arg_names.insert(name).second) << "arg " << name;
    MMF_EXPECT_EQ(port_names.count(a->attr("port")), 1u) << name << " on " << a->attr("port");
    if (a->attr("addressQualifier") == "1") ++pointers_per_master[a->attr("port")];
    const uint64_t begin = parse_hex(a->attr("offset"));
    const uint64_t end = begin + parse_hex(a->attr("size"));
    MMF_EXPECT_GE(begin, 0x10u) << name << ": 0x00-0x0F are ctrl, GIE, IER, ISR";
    MMF_EXPECT_LE(end, control_range) << name;
    MMF_EXPECT_LE(end, uint64_t{mmf_hls::kCounterRegBase}) << name << " runs into the counters";
    for (const auto& [b, e] : registers) {
      MMF_EXPECT_TRUE(end <= b || begin >= e) << name << " overlaps another argument";
    }
    registers.emplace_back(begin, end);
  }
  for (const Element* p : ports_) {
    if (p->attr("mode") != "master") continue;
    MMF_EXPECT_EQ(pointers_per_master[p->attr("name")], 1) << p->attr("name");
  }
}

// Every HBM pseudo-channel of a U280 streams weights: `vec` is the 33rd pointer, still below the
// counters.
BuildDescriptor all_hbm_channels() {
  BuildDescriptor b = shipped("u280");
  b.name = "all-hbm-channels";
  b.accel.weight_channels = 32;
  return b;
}

BuildDescriptor one_wide_channel() {
  BuildDescriptor b = shipped("ci-tiny");
  b.name = "one-wide-channel";
  b.accel.weight_channels = 1;
  b.accel.lanes = 512;
  b.accel.vector_lanes = 32;
  return b;
}

INSTANTIATE_TEST_SUITE_P(Builds, RtlKernelXml,
                         testing::Values(BuildCase{"ci_tiny", [] { return shipped("ci-tiny"); }},
                                         BuildCase{"u280", [] { return shipped("u280"); }},
                                         BuildCase{"all_hbm_channels", all_hbm_channels},
                                         BuildCase{"one_wide_channel", one_wide_channel}),
                         [](const testing::TestParamInfo<BuildCase>& p) {
                           return std::string(p.param.name);
                         });

// The names a link and a host use: every `sp=<cu>.<arg>:<bank>` of the generated
// connectivity.cfg names a pointer argument, and the arguments are the HLS top's, in its order,
// less the outputs the RTL keeps as read-only counter registers.
class RtlKernelXmlShipped : public testing::TestWithParam<const char*> {};

std::vector<std::string> hls_parameters(const std::string& source, const std::string& kernel) {
  const std::string head = "extern \"C\" void " + kernel + "(";
  const size_t begin = source.find(head);
  if (begin == std::string::npos) return {};
  const size_t end = source.find(')', begin);
  std::vector<std::string> names;
  std::istringstream params(source.substr(begin + head.size(), end - begin - head.size()));
  for (std::string param; std::getline(params, param, ',');) {
    size_t last = param.find_last_not_of(" \n");
    size_t first = last;
    while (first > 0 && (std::isalnum(static_cast<unsigned char>(param[first - 1])) ||
                         param[first - 1] == '_')) {
      --first;
    }
    names.push_back(param.substr(first, last - first + 1));
  }
  return names;
}

TEST_P(RtlKernelXmlShipped, MatchesTheLinkConfigAndTheHlsTop) {
  const BuildDescriptor build = shipped(GetParam());
  Element root;
  XmlChecker checker;
  MMF_ASSERT_TRUE(checker.parse(host::rtl_kernel_xml(build), root)) << checker.error();
  std::vector<std::string> args;
  std::set<std::string> pointers;
  for (const Element* a : root.all("kernel").front()->all("args").front()->all("arg")) {
    args.push_back(a->attr("name"));
    if (a->attr("addressQualifier") == "1") pointers.insert(a->attr("name"));
  }

  const std::string dir = host::bitstreams_dir() + "/generated/" + build.name;
  const std::string cu = build.kernel_name() + "_1.";
  int sp_lines = 0;
  std::istringstream cfg(read_file(dir + "/connectivity.cfg"));
  for (std::string line; std::getline(cfg, line);) {
    if (line.compare(0, 3, "sp=") != 0) continue;
    ++sp_lines;
    MMF_EXPECT_EQ(line.compare(3, cu.size(), cu), 0) << line;
    const std::string arg = line.substr(3 + cu.size(), line.find(':') - 3 - cu.size());
    MMF_EXPECT_EQ(pointers.count(arg), 1u) << line << ": no such pointer argument";
  }
  MMF_EXPECT_EQ(sp_lines, static_cast<int>(pointers.size())) << "one bank per pointer";

  const auto hls = hls_parameters(read_file(dir + "/mmf_kernel.cpp"), build.kernel_name());
  MMF_ASSERT_TRUE(!hls.empty()) << dir << "/mmf_kernel.cpp: no kernel top";
  std::vector<std::string> common;
  std::set<std::string> hls_only;
  const std::set<std::string> arg_set(args.begin(), args.end());
  for (const auto& p : hls) {
    if (arg_set.count(p)) {
      common.push_back(p);
    } else {
      hls_only.insert(p);
    }
  }
  MMF_EXPECT_EQ(common, args) << "every argument, in the HLS top's order";
  MMF_EXPECT_EQ(hls_only, (std::set<std::string>{"status", "ops_done", "ternary_ops",
                                                 "weight_bytes", "vector_bytes"}))
      << "only the outputs (counter registers in the RTL) are not arguments";
}

INSTANTIATE_TEST_SUITE_P(Builds, RtlKernelXmlShipped,
                         testing::Values("ci-tiny", "u280", "u55c", "u250", "kv260"),
                         [](const testing::TestParamInfo<const char*>& p) {
                           std::string n = p.param;
                           for (char& c : n) c = (c == '-') ? '_' : c;
                           return n;
                         });

}  // namespace
}  // namespace mmf::test
