// A disk stream read ahead in 1 MiB blocks on a thread of its own, for hvctl
// move's copy and its read-back (move_copy.cpp). A hole the reader knows of
// (DiskReader::read_sparse) travels as a block of zeros that no one fills or
// checks. Internal to core.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "hvctl/disk_transfer.hpp"

namespace hvctl::move {

inline constexpr std::uint64_t kBlock = 1024 * 1024;

// One block of the stream: `size` bytes read into `buffer`, or (zeros) a
// hole, whose bytes are not in `buffer`.
struct Block {
  std::unique_ptr<char[]> buffer;  // kBlock bytes, not initialised
  std::size_t size = 0;
  bool zeros = false;
  const char* data() const;  // the bytes, a shared block of zeros for a hole
};

// Reads up to `bytes` ahead, a few blocks at most, so the source's transfer
// overlaps the hashing and the writes. `each` runs on that thread for every
// block read (the verify's whole-disk digest). A reader's error comes out of
// next().
class Prefetch {
public:
  using Each = std::function<void(const Block&)>;
  Prefetch(DiskReader& r, std::uint64_t bytes, Each each = nullptr);
  ~Prefetch();
  Prefetch(const Prefetch&) = delete;
  Prefetch& operator=(const Prefetch&) = delete;
  // The next block; size 0 at the stream's end (short: where it ended).
  Block next();
  // Gives a spent block's buffer back for a later one.
  void recycle(Block b);

private:
  void run();
  std::unique_ptr<char[]> buffer();
  DiskReader& reader_;
  std::uint64_t left_;
  Each each_;
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<Block> blocks_;
  std::vector<std::unique_ptr<char[]>> spare_;
  bool done_ = false, stop_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: it starts once the rest is made
};

}  // namespace hvctl::move
