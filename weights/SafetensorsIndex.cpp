//===- SafetensorsIndex.cpp - sharded safetensors models --------*- C++ -*-===//
//
// This file reads model.safetensors.index.json, which names the shard
// holding each tensor:
//
//   {"metadata": {"total_size": 123}, "weight_map": {"<tensor>": "<shard>"}}
//
// Every shard named is opened (paths relative to the index's directory; no
// absolute paths or '..'), its tensors are merged into one WeightFile, and
// each weight_map entry must be found in the shard it names. Scalar
// "metadata" values become metadata entries.
//
//===----------------------------------------------------------------------===//

#include "weights/Json.h"
#include "weights/ReaderDetail.h"

#include <unordered_map>

using namespace mgc;

namespace {

std::string parentDirectory(const std::string &path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

/// A shard name stays inside the index's directory.
bool safeShardName(const std::string &name) {
  if (name.empty() || name[0] == '/')
    return false;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string::npos)
      end = name.size();
    std::string part = name.substr(start, end - start);
    if (part.empty() || part == "..")
      return false;
    start = end + 1;
  }
  return true;
}

/// A scalar JSON value as metadata; false for arrays, objects and null.
bool toMeta(const JsonValue &v, MetaValue &out) {
  switch (v.kind) {
  case JsonValue::Kind::Bool:
    out.type = MetaValue::Type::Bool;
    out.bits = v.boolean;
    return true;
  case JsonValue::Kind::Number:
    if (v.isInteger) {
      out.type = MetaValue::Type::I64;
      out.bits = uint64_t(v.integer);
    } else {
      out.type = MetaValue::Type::F64;
      out.real = v.number;
    }
    return true;
  case JsonValue::Kind::String:
    out.type = MetaValue::Type::String;
    out.text = v.string;
    return true;
  default:
    return false;
  }
}

} // namespace

std::unique_ptr<WeightFile> mgc::readSafetensorsIndex(const std::string &path,
                                                      std::string &error) {
  std::shared_ptr<MappedFile> index = MappedFile::open(path, error);
  if (!index)
    return nullptr;
  JsonValue root;
  uint64_t jsonOffset;
  std::string jsonError;
  if (!parseJson(reinterpret_cast<const char *>(index->data()), index->size(),
                 root, jsonOffset, jsonError)) {
    error = errorAt(path, jsonOffset, "invalid JSON: " + jsonError);
    return nullptr;
  }
  const JsonValue *map = root.get("weight_map");
  if (!map || map->kind != JsonValue::Kind::Object) {
    error = path + ": a safetensors index must hold a \"weight_map\" object "
                   "from tensor names to shard files";
    return nullptr;
  }

  WeightFileBuilder builder(WeightFormat::Safetensors, path);
  if (const JsonValue *meta = root.get("metadata"))
    for (size_t i = 0; i < meta->keys.size(); ++i) {
      MetaValue value;
      if (toMeta(meta->items[i], value))
        builder.addMeta(meta->keys[i], std::move(value));
    }

  // Shards in order of first mention, each opened once.
  std::string dir = parentDirectory(path);
  std::unordered_map<std::string, std::string> shardPaths;
  for (size_t i = 0; i < map->keys.size(); ++i) {
    const JsonValue &shard = map->items[i];
    if (shard.kind != JsonValue::Kind::String || !safeShardName(shard.string)) {
      error = errorAt(path, shard.offset,
                      "weight_map entry '" + map->keys[i] +
                          "' must name a shard file inside the index's "
                          "directory (a relative path without '..')");
      return nullptr;
    }
    if (shardPaths.count(shard.string))
      continue;
    std::string shardPath = dir + "/" + shard.string;
    shardPaths[shard.string] = shardPath;
    std::shared_ptr<MappedFile> file = MappedFile::open(shardPath, error);
    if (!file) {
      error = errorAt(path, shard.offset,
                      "cannot read shard '" + shard.string + "': " + error);
      return nullptr;
    }
    if (!readSafetensorsShard(builder, std::move(file), error))
      return nullptr;
  }

  for (size_t i = 0; i < map->keys.size(); ++i) {
    const std::string &name = map->keys[i];
    const std::string &shard = map->items[i].string;
    const TensorInfo *t = builder.peek().findStored(name);
    if (!t) {
      error = errorAt(path, map->items[i].offset,
                      "weight_map puts tensor '" + name + "' in shard '" +
                          shard + "', which has no tensor of that name");
      return nullptr;
    }
    const std::string &actual = builder.peek().files()[t->shard];
    if (actual != shardPaths[shard]) {
      error = errorAt(path, map->items[i].offset,
                      "weight_map puts tensor '" + name + "' in shard '" +
                          shard + "', but it is in " + actual);
      return nullptr;
    }
  }
  return builder.finish(error);
}
