// SPDX-License-Identifier: Apache-2.0
// Safetensors reading (memory-mapped, fully validated) and writing (atomic), plus the sharded
// Hugging Face layout (model.safetensors.index.json). The container of both the released
// checkpoints and mmf's converted models.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mmf {

enum class DType : uint8_t { BOOL, U8, I8, I16, U16, F16, BF16, I32, U32, F32, I64, U64, F64 };

size_t dtype_size(DType d);
const char* dtype_name(DType d);

struct TensorInfo {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;
  uint64_t begin = 0;  // byte offsets into the data section
  uint64_t end = 0;
  int64_t numel() const;
  size_t bytes() const { return static_cast<size_t>(end - begin); }
};

std::string shape_string(const std::vector<int64_t>& shape);

// A read-only, memory-mapped safetensors file. open() validates everything a reader relies on:
// the header length against the file size, JSON syntax, dtypes, shapes, offsets inside the data
// section, sizes matching shape x dtype, and no overlapping tensors. Every error names the file.
class SafetensorsFile {
 public:
  static std::shared_ptr<const SafetensorsFile> open(const std::string& path);
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::string& path() const { return path_; }
  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  // nullptr when absent.
  const TensorInfo* find(const std::string& name) const;
  const uint8_t* data(const TensorInfo& t) const { return data_ + t.begin; }

  // Looks up a tensor and checks dtype and shape; throws mmf::Error naming file and tensor.
  const TensorInfo& require(const std::string& name, DType dtype,
                            const std::vector<int64_t>& shape) const;

 private:
  SafetensorsFile() = default;
  std::string path_;
  void* map_ = nullptr;
  size_t map_size_ = 0;
  const uint8_t* data_ = nullptr;
  std::vector<TensorInfo> tensors_;
  std::map<std::string, size_t> index_;
  std::map<std::string, std::string> metadata_;
};

// Collects tensors and writes one safetensors file atomically (temporary name, then rename), so
// a failure never leaves a partial file at `path`.
class SafetensorsWriter {
 public:
  void add(const std::string& name, DType dtype, std::vector<int64_t> shape,
           std::vector<uint8_t> bytes);
  void set_metadata(const std::string& key, const std::string& value) { metadata_[key] = value; }
  void write(const std::string& path) const;

 private:
  struct Entry {
    DType dtype;
    std::vector<int64_t> shape;
    std::vector<uint8_t> bytes;
  };
  std::map<std::string, Entry> entries_;
  std::map<std::string, std::string> metadata_;
};

// The tensors of a Hugging Face checkpoint directory: `model.safetensors`, or the shards named
// by `model.safetensors.index.json`.
class CheckpointTensors {
 public:
  static CheckpointTensors open_dir(const std::string& dir);
  // Throws mmf::Error naming the checkpoint when the tensor is missing or misshaped.
  const TensorInfo& require(const std::string& name, DType dtype,
                            const std::vector<int64_t>& shape) const;
  const SafetensorsFile& file_of(const std::string& name) const;
  bool contains(const std::string& name) const { return owner_.count(name) != 0; }
  std::vector<std::string> names() const;
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::vector<std::shared_ptr<const SafetensorsFile>> files_;
  std::map<std::string, size_t> owner_;  // tensor name -> index into files_
};

}  // namespace mmf
