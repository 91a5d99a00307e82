// SPDX-License-Identifier: Apache-2.0
// Safetensors container: validated memory-mapped reader, atomic writer, sharded checkpoints.
#include "mmf/safetensors.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "mmf/error.hpp"

namespace mmf {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

// A header larger than this is not a plausible safetensors header (the format caps it at 100 MB).
constexpr uint64_t kMaxHeaderBytes = 100ull << 20;

struct DTypeEntry {
  DType dtype;
  const char* name;
  size_t size;
};
constexpr DTypeEntry kDTypes[] = {
    {DType::BOOL, "BOOL", 1}, {DType::U8, "U8", 1},   {DType::I8, "I8", 1},
    {DType::I16, "I16", 2},   {DType::U16, "U16", 2}, {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2}, {DType::I32, "I32", 4}, {DType::U32, "U32", 4},
    {DType::F32, "F32", 4},   {DType::I64, "I64", 8}, {DType::U64, "U64", 8},
    {DType::F64, "F64", 8},
};

const DTypeEntry& entry_of(DType d) {
  for (const auto& e : kDTypes) {
    if (e.dtype == d) return e;
  }
  throw Error("internal: unknown dtype");
}

bool parse_dtype(const std::string& s, DType& out) {
  for (const auto& e : kDTypes) {
    if (s == e.name) {
      out = e.dtype;
      return true;
    }
  }
  return false;
}

uint64_t read_le64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

size_t dtype_size(DType d) {
  return entry_of(d).size;
}
const char* dtype_name(DType d) {
  return entry_of(d).name;
}

int64_t TensorInfo::numel() const {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  return n;
}

std::string shape_string(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

std::shared_ptr<const SafetensorsFile> SafetensorsFile::open(const std::string& path) {
  std::shared_ptr<SafetensorsFile> f(new SafetensorsFile());
  f->path_ = path;
  const auto fail = [&](const std::string& what) -> Error {
    return Error(path + ": not a valid safetensors file: " + what);
  };

  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(path + ": cannot open file");
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error(path + ": not a regular file");
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size < 8) {
    ::close(fd);
    throw fail("file is " + std::to_string(size) + " bytes, shorter than the 8-byte header length");
  }
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) throw Error(path + ": cannot map file");
  f->map_ = map;
  f->map_size_ = size;
  const auto* bytes = static_cast<const uint8_t*>(map);

  const uint64_t header_len = read_le64(bytes);
  if (header_len > kMaxHeaderBytes || header_len > size - 8) {
    throw fail("header length " + std::to_string(header_len) + " exceeds the file size " +
               std::to_string(size) + " (truncated or corrupt file)");
  }
  const uint64_t data_size = size - 8 - header_len;
  f->data_ = bytes + 8 + header_len;

  json header;
  try {
    header = json::parse(bytes + 8, bytes + 8 + header_len);
  } catch (const json::exception& e) {
    throw fail(std::string("header is not valid JSON (") + e.what() + ")");
  }
  if (!header.is_object()) throw fail("header is not a JSON object");

  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string& name = it.key();
    const json& v = it.value();
    if (name == "__metadata__") {
      if (!v.is_object()) throw fail("__metadata__ is not an object");
      for (auto m = v.begin(); m != v.end(); ++m) {
        if (!m.value().is_string()) throw fail("__metadata__." + m.key() + " is not a string");
        f->metadata_[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    const std::string where = "tensor '" + name + "': ";
    if (!v.is_object() || !v.contains("dtype") || !v.contains("shape") ||
        !v.contains("data_offsets")) {
      throw fail(where + "expected an object with dtype, shape and data_offsets");
    }
    TensorInfo t;
    t.name = name;
    if (!v["dtype"].is_string() || !parse_dtype(v["dtype"].get<std::string>(), t.dtype)) {
      throw fail(where + "unknown dtype " + v["dtype"].dump());
    }
    if (!v["shape"].is_array()) throw fail(where + "shape is not an array");
    uint64_t numel = 1;
    for (const json& d : v["shape"]) {
      if (!d.is_number_unsigned())
        throw fail(where + "shape entries must be non-negative integers");
      const uint64_t dim = d.get<uint64_t>();
      // Shapes are int64 (TensorInfo); a zero dimension elsewhere keeps numel from overflowing.
      if (dim > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        throw fail(where + "shape entry " + std::to_string(dim) + " exceeds 2^63 - 1");
      }
      if (dim != 0 && numel > std::numeric_limits<uint64_t>::max() / dim / 8) {
        throw fail(where + "shape overflows");
      }
      numel *= dim;
      t.shape.push_back(static_cast<int64_t>(dim));
    }
    const json& off = v["data_offsets"];
    if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() ||
        !off[1].is_number_unsigned()) {
      throw fail(where + "data_offsets must be two non-negative integers");
    }
    t.begin = off[0].get<uint64_t>();
    t.end = off[1].get<uint64_t>();
    if (t.begin > t.end || t.end > data_size) {
      throw fail(where + "data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) +
                 "] lie outside the " + std::to_string(data_size) +
                 "-byte data section (truncated file or lying header)");
    }
    const uint64_t expected = numel * dtype_size(t.dtype);
    if (t.end - t.begin != expected) {
      throw fail(where + "holds " + std::to_string(t.end - t.begin) + " bytes but " +
                 dtype_name(t.dtype) + " " + shape_string(t.shape) + " needs " +
                 std::to_string(expected));
    }
    f->index_[name] = f->tensors_.size();
    f->tensors_.push_back(std::move(t));
  }

  std::vector<const TensorInfo*> by_offset;
  for (const auto& t : f->tensors_) by_offset.push_back(&t);
  std::sort(by_offset.begin(), by_offset.end(),
            [](const TensorInfo* a, const TensorInfo* b) { return a->begin < b->begin; });
  for (size_t i = 1; i < by_offset.size(); ++i) {
    if (by_offset[i]->begin < by_offset[i - 1]->end) {
      throw fail("tensors '" + by_offset[i - 1]->name + "' and '" + by_offset[i]->name +
                 "' overlap");
    }
  }
  return f;
}

SafetensorsFile::~SafetensorsFile() {
  if (map_ != nullptr) ::munmap(map_, map_size_);
}

const TensorInfo* SafetensorsFile::find(const std::string& name) const {
  const auto it = index_.find(name);
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

const TensorInfo& SafetensorsFile::require(const std::string& name, DType dtype,
                                           const std::vector<int64_t>& shape) const {
  const TensorInfo* t = find(name);
  if (t == nullptr) throw Error(path_ + ": missing tensor '" + name + "'");
  if (t->dtype != dtype) {
    throw Error(path_ + ": tensor '" + name + "' has dtype " + dtype_name(t->dtype) +
                ", expected " + dtype_name(dtype));
  }
  if (t->shape != shape) {
    throw Error(path_ + ": tensor '" + name + "' has shape " + shape_string(t->shape) +
                ", expected " + shape_string(shape));
  }
  return *t;
}

void SafetensorsWriter::add(const std::string& name, DType dtype, std::vector<int64_t> shape,
                            std::vector<uint8_t> bytes) {
  int64_t numel = 1;
  for (int64_t s : shape) numel *= s;
  if (static_cast<size_t>(numel) * dtype_size(dtype) != bytes.size()) {
    throw Error("internal: tensor '" + name + "' byte size does not match its shape");
  }
  entries_[name] = Entry{dtype, std::move(shape), std::move(bytes)};
}

void SafetensorsWriter::write(const std::string& path) const {
  json header = json::object();
  if (!metadata_.empty()) header["__metadata__"] = metadata_;
  uint64_t offset = 0;
  for (const auto& [name, e] : entries_) {
    header[name] = {{"dtype", dtype_name(e.dtype)},
                    {"shape", e.shape},
                    {"data_offsets", {offset, offset + e.bytes.size()}}};
    offset += e.bytes.size();
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // keep the data section 8-byte aligned

  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(path + ": cannot create file");
    uint8_t len[8];
    for (int i = 0; i < 8; ++i) len[i] = static_cast<uint8_t>(text.size() >> (8 * i));
    out.write(reinterpret_cast<const char*>(len), 8);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    for (const auto& [name, e] : entries_) {
      out.write(reinterpret_cast<const char*>(e.bytes.data()),
                static_cast<std::streamsize>(e.bytes.size()));
    }
    out.flush();
    if (!out) {
      out.close();
      std::remove(tmp.c_str());
      throw Error(path + ": write failed (disk full?)");
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw Error(path + ": cannot rename temporary file into place: " + ec.message());
  }
}

CheckpointTensors CheckpointTensors::open_dir(const std::string& dir) {
  CheckpointTensors c;
  c.dir_ = dir;
  const fs::path index_path = fs::path(dir) / "model.safetensors.index.json";
  const fs::path single_path = fs::path(dir) / "model.safetensors";
  if (fs::exists(index_path)) {
    std::ifstream in(index_path);
    json index;
    try {
      index = json::parse(in);
    } catch (const json::exception& e) {
      throw Error(index_path.string() + ": not valid JSON (" + e.what() + ")");
    }
    if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object()) {
      throw Error(index_path.string() + ": expected an object with a 'weight_map' object");
    }
    std::map<std::string, size_t> shard_of_file;
    for (auto it = index["weight_map"].begin(); it != index["weight_map"].end(); ++it) {
      if (!it.value().is_string()) {
        throw Error(index_path.string() + ": weight_map['" + it.key() + "'] is not a file name");
      }
      const std::string file = it.value().get<std::string>();
      if (file.find('/') != std::string::npos || file == "..") {
        throw Error(index_path.string() + ": shard name '" + file + "' must be a plain file name");
      }
      if (!shard_of_file.count(file)) {
        shard_of_file[file] = c.files_.size();
        c.files_.push_back(SafetensorsFile::open((fs::path(dir) / file).string()));
      }
      const size_t shard = shard_of_file[file];
      if (c.files_[shard]->find(it.key()) == nullptr) {
        throw Error(index_path.string() + ": tensor '" + it.key() + "' is mapped to " + file +
                    ", which does not contain it");
      }
      c.owner_[it.key()] = shard;
    }
  } else if (fs::exists(single_path)) {
    c.files_.push_back(SafetensorsFile::open(single_path.string()));
    for (const auto& t : c.files_[0]->tensors()) c.owner_[t.name] = 0;
  } else {
    throw Error(dir + ": no model.safetensors or model.safetensors.index.json in this directory");
  }
  return c;
}

const SafetensorsFile& CheckpointTensors::file_of(const std::string& name) const {
  const auto it = owner_.find(name);
  if (it == owner_.end()) throw Error(dir_ + ": checkpoint has no tensor '" + name + "'");
  return *files_[it->second];
}

const TensorInfo& CheckpointTensors::require(const std::string& name, DType dtype,
                                             const std::vector<int64_t>& shape) const {
  return file_of(name).require(name, dtype, shape);
}

std::vector<std::string> CheckpointTensors::names() const {
  std::vector<std::string> out;
  for (const auto& [name, shard] : owner_) out.push_back(name);
  return out;
}

}  // namespace mmf
