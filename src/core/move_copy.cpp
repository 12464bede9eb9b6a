#include "move_copy.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "block_prefetch.hpp"
#include "hvctl/sha256.hpp"
#include "hvctl/zeros.hpp"

#define XXH_INLINE_ALL  // (header-only: no library to carry into a dom0)
#include <xxhash.h>

namespace fs = std::filesystem;

namespace hvctl::move {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kJournalEvery = 64;  // blocks between journal saves
// Version 2 keeps XXH3-128 block digests; version 1's were SHA-256, and a
// copy journalled by it starts again.
constexpr int kJournalVersion = 2;

std::string state_directory() {
  if (const char* d = std::getenv("HVCTL_STATE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x) return std::string(x) + "/hvctl";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : "/tmp") + "/.local/state/hvctl";
}

// XXH3-128 as `xxhsum -H2` writes it: the high half first.
std::string to_hex(XXH128_hash_t h) { return fmt::format("{:016x}{:016x}", h.high64, h.low64); }
std::string xxh3_128_hex(const char* data, std::size_t size) { return to_hex(XXH3_128bits(data, size)); }

// A whole disk's XXH3-128, fed as its blocks go by.
class WholeDigest {
public:
  WholeDigest() : state_(XXH3_createState()) {
    if (!state_) throw std::bad_alloc();
    XXH3_128bits_reset(state_.get());
  }
  void update(const char* data, std::size_t size) { XXH3_128bits_update(state_.get(), data, size); }
  std::string hex() const { return "xxh128:" + to_hex(XXH3_128bits_digest(state_.get())); }

private:
  struct Free {
    void operator()(XXH3_state_t* s) const { XXH3_freeState(s); }
  };
  std::unique_ptr<XXH3_state_t, Free> state_;
};

const std::string& zero_block_digest() {
  static const std::string digest = xxh3_128_hex(std::string(kBlock, '\0').data(), kBlock);
  return digest;
}

}  // namespace

// A block of zeros (most of a sparse disk) is known by its size alone.
std::string block_digest(const char* data, std::size_t size) {
  if (size == kBlock && all_zero(data, size)) return zero_block_digest();
  return xxh3_128_hex(data, size);
}

namespace {

// A hole the reader skipped is known without looking at it.
std::string digest_of(const Block& b) {
  return b.zeros && b.size == kBlock ? zero_block_digest() : block_digest(b.data(), b.size);
}

// Where this run starts: the blocks the journal and the writer agree on.
// Anything else (the writer ahead of the journal after a kill, an unaligned
// remnant, a source that cannot seek) starts the disk again.
std::uint64_t resume_point(const DiskCopy& c, DiskJournal& j, DiskWriter& w) {
  if (j.path != c.placement.path || j.capacity != c.source.capacity) j = {c.placement.path, c.source.capacity, {}};
  const std::uint64_t have = w.resume_offset();
  if (have % kBlock == 0 && c.source.resumable && have / kBlock <= j.blocks.size()) {
    j.blocks.resize(have / kBlock);
    return have;
  }
  j.blocks.clear();
  return have == 0 ? 0 : UINT64_MAX;
}

void report(const MoveHooks& hooks, const DiskCopy& c, std::uint64_t done, Clock::time_point start,
            std::uint64_t from) {
  if (!hooks.copying) return;
  const double s = std::chrono::duration<double>(Clock::now() - start).count();
  hooks.copying(c.source.disk_id, done, c.source.capacity, s > 0 ? static_cast<double>(done - from) / s : 0);
}

}  // namespace

std::string show_bytes(std::uint64_t b) {
  if (b >= (1ull << 30)) return fmt::format("{:.1f} GiB", static_cast<double>(b) / (1ull << 30));
  if (b >= (1ull << 20)) return fmt::format("{:.1f} MiB", static_cast<double>(b) / (1ull << 20));
  if (b >= 1024) return fmt::format("{} KiB", b / 1024);
  return fmt::format("{} bytes", b);
}

Journal::Journal(std::string file) : file_(std::move(file)) {
  std::ifstream in(file_);
  if (!in) return;
  try {
    const auto j = nlohmann::json::parse(in);
    if (j.value("version", 0) != kJournalVersion) return;  // (an older hvctl's: its copies start again)
    for (const auto& [id, d] : j.at("disks").items())
      disks_[id] = {d.at("path").get<std::string>(), d.at("capacity").get<std::uint64_t>(),
                    d.at("blocks").get<std::vector<std::string>>()};
  } catch (const std::exception& e) {
    throw Error(ExitCode::internal, fmt::format("{}: a damaged move journal ({}); remove it to start the copy again",
                                                file_, e.what()));
  }
}

std::string Journal::file_for(const std::string& from_uri, const std::string& vm, const std::string& to_uri,
                              const std::string& name) {
  const std::string key = sha256_hex(from_uri + '\n' + vm + '\n' + to_uri + '\n' + name).substr(0, 16);
  return fmt::format("{}/moves/{}-{}.json", state_directory(), vm, key);
}

bool Journal::claims(const std::string& id, const std::string& path) const {
  const auto it = disks_.find(id);
  return it != disks_.end() && it->second.path == path;
}

void Journal::save() const {
  nlohmann::json j;
  j["version"] = kJournalVersion;
  j["disks"] = nlohmann::json::object();
  for (const auto& [id, d] : disks_)
    j["disks"][id] = {{"path", d.path}, {"capacity", d.capacity}, {"blocks", d.blocks}};
  std::error_code ec;
  fs::create_directories(fs::path(file_).parent_path(), ec);
  const std::string tmp = file_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << j.dump() << '\n';
    if (!out) throw Error(ExitCode::internal, fmt::format("cannot write the move journal {}", tmp));
  }
  fs::rename(tmp, file_, ec);
  if (ec) throw Error(ExitCode::internal, fmt::format("cannot write the move journal {}: {}", file_, ec.message()));
}

void Journal::remove() const {
  std::error_code ec;
  fs::remove(file_, ec);
}

CopyStats copy_disk(Backend& from, const VmState& vm, Backend& to, const DiskCopy& c, Journal& journal,
                    const MoveHooks& hooks) {
  DiskJournal& j = journal.disk(c.source.disk_id);
  auto writer = to.write_disk(c.placement);
  std::uint64_t offset = resume_point(c, j, *writer);
  if (offset == UINT64_MAX) {  // what is there cannot be trusted: that disk starts again
    writer->discard();
    writer = to.write_disk(c.placement);
    offset = writer->resume_offset();
    if (offset != 0)
      throw BackendError(fmt::format("disk '{}': {} still holds {} after it was discarded", c.source.disk_id,
                                     c.placement.path, show_bytes(offset)));
  }
  journal.save();
  CopyStats stats;
  stats.resumed_from = offset;
  const auto start = Clock::now();
  auto reader = from.read_disk(vm, c.source, offset);
  int since_save = 0;
  const bool whole = offset == 0;  // (a resumed copy has not seen the start: the verify hashes the copy whole)
  WholeDigest digest;
  try {
    Prefetch blocks(*reader, c.source.capacity - offset);
    while (offset < c.source.capacity) {
      if (hooks.interrupts && hooks.interrupts() > 0)
        throw Error(ExitCode::interrupted, fmt::format("interrupted at {} of {}", show_bytes(offset),
                                                       show_bytes(c.source.capacity)));
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(kBlock, c.source.capacity - offset));
      Block block = blocks.next();
      if (block.size != want)
        throw BackendError(fmt::format("disk '{}': the source's stream ended at {} of {}", c.source.disk_id,
                                       offset + block.size, c.source.capacity));
      // (zeros read from the source are looked at once here, then handled as a hole)
      if (!block.zeros && block.size == kBlock && all_zero(block.data(), block.size)) block.zeros = true;
      writer->write(block.data(), block.size);
      j.blocks.push_back(digest_of(block));
      if (whole) digest.update(block.data(), block.size);
      offset += block.size;
      stats.copied += block.size;
      blocks.recycle(std::move(block));
      if (++since_save == kJournalEvery) since_save = 0, journal.save();
      report(hooks, c, offset, start, stats.resumed_from);
    }
    writer->commit();
  } catch (...) {
    journal.save();
    throw;
  }
  journal.save();
  stats.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (whole) stats.digest = digest.hex();
  return stats;
}

std::string verify_disk(Backend& to, const DiskCopy& c, const DiskJournal& j, const MoveHooks& hooks,
                        const std::string& source_digest) {
  auto reader = to.read_placed(c.placement);
  WholeDigest whole;  // (on the reading thread, beside the blocks' digests here)
  std::uint64_t offset = 0;
  {
    Prefetch blocks(*reader, c.source.capacity,
                    source_digest.empty()
                        ? Prefetch::Each([&whole](const Block& b) { whole.update(b.data(), b.size); })
                        : Prefetch::Each());
    for (std::size_t i = 0; i < j.blocks.size(); ++i) {
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(kBlock, c.source.capacity - offset));
      Block block = blocks.next();
      if (block.size != want)
        throw CorruptCopy(fmt::format("disk '{}': the copy at {} is {} long, not {}", c.source.disk_id,
                                       c.placement.path, offset + block.size, c.source.capacity));
      if (digest_of(block) != j.blocks[i])
        throw CorruptCopy(fmt::format("disk '{}': the copy at {} differs from the source in the block at byte {} "
                                       "(its digest is not the one the source's bytes had)",
                                       c.source.disk_id, c.placement.path, offset));
      offset += block.size;
      blocks.recycle(std::move(block));
      if (hooks.copying && i % 64 == 0) hooks.copying(c.source.disk_id + " (verify)", offset, c.source.capacity, 0);
    }
  }
  if (offset != c.source.capacity)
    throw BackendError(fmt::format("disk '{}': the journal covers {} of {}", c.source.disk_id, offset,
                                   c.source.capacity));
  return source_digest.empty() ? whole.hex() : source_digest;
}

}  // namespace hvctl::move
