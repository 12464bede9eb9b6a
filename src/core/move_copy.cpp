#include "move_copy.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hvctl/sha256.hpp"
#include "hvctl/zeros.hpp"

namespace fs = std::filesystem;

namespace hvctl::move {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kJournalEvery = 64;  // blocks between journal saves

std::string state_directory() {
  if (const char* d = std::getenv("HVCTL_STATE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x) return std::string(x) + "/hvctl";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : "/tmp") + "/.local/state/hvctl";
}

// A block's SHA-256; a block of zeros (most of a sparse disk) by its size alone.
std::string block_digest(const char* data, std::size_t size) {
  static const std::string zero_block = sha256_hex(std::string(kBlock, '\0'));
  if (size == kBlock && all_zero(data, size)) return zero_block;
  Sha256 h;
  h.update(data, size);
  return h.hex();
}

// Fills `buffer` with up to `size` bytes (short only at the stream's end).
std::size_t read_full(DiskReader& r, char* buffer, std::size_t size) {
  std::size_t got = 0;
  while (got < size) {
    const std::size_t n = r.read(buffer + got, size - got);
    if (n == 0) break;
    got += n;
  }
  return got;
}

// Reads the stream's blocks ahead on a thread of its own (a few blocks at
// most), so the source's transfer overlaps the hashing and the writes.
// `each` runs on that thread for every block read (the verify's whole-disk
// digest). A reader's error comes out of next().
class Prefetch {
public:
  using Each = std::function<void(const char*, std::size_t)>;
  Prefetch(DiskReader& r, std::uint64_t bytes, Each each = nullptr)
      : reader_(r), left_(bytes), each_(std::move(each)), thread_([this] { run(); }) {}
  ~Prefetch() {
    {
      std::lock_guard lock(m_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  // The next block, empty at the stream's end (or short: where it ended).
  std::vector<char> next() {
    std::unique_lock lock(m_);
    cv_.wait(lock, [&] { return !blocks_.empty() || done_; });
    if (blocks_.empty()) {
      if (error_) std::rethrow_exception(error_);
      return {};
    }
    auto b = std::move(blocks_.front());
    blocks_.pop_front();
    cv_.notify_all();
    return b;
  }

private:
  static constexpr std::size_t kAhead = 4;
  void run() {
    try {
      while (left_ > 0) {
        std::vector<char> b(static_cast<std::size_t>(std::min<std::uint64_t>(kBlock, left_)));
        const std::size_t got = read_full(reader_, b.data(), b.size());
        b.resize(got);
        if (each_) each_(b.data(), got);
        left_ = got == 0 ? 0 : left_ - got;
        std::unique_lock lock(m_);
        cv_.wait(lock, [&] { return blocks_.size() < kAhead || stop_; });
        if (stop_) break;
        if (got) blocks_.push_back(std::move(b));
        cv_.notify_all();
        if (got < kBlock) break;  // (the last, or where the stream ended)
      }
    } catch (...) {
      std::lock_guard lock(m_);
      error_ = std::current_exception();
    }
    std::lock_guard lock(m_);
    done_ = true;
    cv_.notify_all();
  }
  DiskReader& reader_;
  std::uint64_t left_;
  Each each_;
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<std::vector<char>> blocks_;
  bool done_ = false, stop_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: it starts once the rest is made
};

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
  j["version"] = 1;
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
  try {
    Prefetch blocks(*reader, c.source.capacity - offset);
    while (offset < c.source.capacity) {
      if (hooks.interrupts && hooks.interrupts() > 0)
        throw Error(ExitCode::interrupted, fmt::format("interrupted at {} of {}", show_bytes(offset),
                                                       show_bytes(c.source.capacity)));
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(kBlock, c.source.capacity - offset));
      const auto block = blocks.next();
      if (block.size() != want)
        throw BackendError(fmt::format("disk '{}': the source's stream ended at {} of {}", c.source.disk_id,
                                       offset + block.size(), c.source.capacity));
      writer->write(block.data(), block.size());
      j.blocks.push_back(block_digest(block.data(), block.size()));
      offset += block.size();
      stats.copied += block.size();
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
  return stats;
}

std::string verify_disk(Backend& to, const DiskCopy& c, const DiskJournal& j, const MoveHooks& hooks) {
  auto reader = to.read_placed(c.placement);
  Sha256 whole;  // (on the reading thread, beside the blocks' digests here)
  std::uint64_t offset = 0;
  {
    Prefetch blocks(*reader, c.source.capacity, [&whole](const char* data, std::size_t n) { whole.update(data, n); });
    for (std::size_t i = 0; i < j.blocks.size(); ++i) {
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(kBlock, c.source.capacity - offset));
      const auto block = blocks.next();
      if (block.size() != want)
        throw CorruptCopy(fmt::format("disk '{}': the copy at {} is {} long, not {}", c.source.disk_id,
                                       c.placement.path, offset + block.size(), c.source.capacity));
      if (block_digest(block.data(), block.size()) != j.blocks[i])
        throw CorruptCopy(fmt::format("disk '{}': the copy at {} differs from the source in the block at byte {} "
                                       "(its SHA-256 is not the one the source's bytes had)",
                                       c.source.disk_id, c.placement.path, offset));
      offset += block.size();
      if (hooks.copying && i % 64 == 0) hooks.copying(c.source.disk_id + " (verify)", offset, c.source.capacity, 0);
    }
  }
  if (offset != c.source.capacity)
    throw BackendError(fmt::format("disk '{}': the journal covers {} of {}", c.source.disk_id, offset,
                                   c.source.capacity));
  return whole.hex();
}

}  // namespace hvctl::move
