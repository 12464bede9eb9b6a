#include "block_prefetch.hpp"

#include <algorithm>
#include <cstring>

namespace hvctl::move {
namespace {

constexpr std::size_t kAhead = 4;  // blocks read ahead at most

// Fills `b` with up to `size` bytes (short only at the stream's end). A
// block that is all hole stays unfilled; zeros after data are written.
void read_block(DiskReader& r, Block& b, std::size_t size) {
  b.size = 0;
  b.zeros = true;  // (nothing in the buffer yet)
  while (b.size < size) {
    bool hole = false;
    const std::size_t n = r.read_sparse(b.buffer.get() + b.size, size - b.size, hole);
    if (n == 0) break;
    if (hole && !b.zeros) std::memset(b.buffer.get() + b.size, 0, n);
    if (!hole && b.zeros) {  // data after a hole: the hole's zeros go in first
      std::memset(b.buffer.get(), 0, b.size);
      b.zeros = false;
    }
    b.size += n;
  }
}

}  // namespace

const char* Block::data() const {
  static const std::unique_ptr<char[]> zeros(new char[kBlock]());
  return this->zeros ? zeros.get() : buffer.get();
}

Prefetch::Prefetch(DiskReader& r, std::uint64_t bytes, Each each)
    : reader_(r), left_(bytes), each_(std::move(each)), thread_([this] { run(); }) {}

Prefetch::~Prefetch() {
  {
    std::lock_guard lock(m_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

Block Prefetch::next() {
  std::unique_lock lock(m_);
  cv_.wait(lock, [&] { return !blocks_.empty() || done_; });
  if (blocks_.empty()) {
    if (error_) std::rethrow_exception(error_);
    return {};
  }
  Block b = std::move(blocks_.front());
  blocks_.pop_front();
  cv_.notify_all();
  return b;
}

void Prefetch::recycle(Block b) {
  if (!b.buffer) return;
  std::lock_guard lock(m_);
  spare_.push_back(std::move(b.buffer));
}

std::unique_ptr<char[]> Prefetch::buffer() {
  {
    std::lock_guard lock(m_);
    if (!spare_.empty()) {
      auto b = std::move(spare_.back());
      spare_.pop_back();
      return b;
    }
  }
  return std::unique_ptr<char[]>(new char[kBlock]);
}

void Prefetch::run() {
  try {
    while (left_ > 0) {
      Block b{buffer()};
      read_block(reader_, b, static_cast<std::size_t>(std::min<std::uint64_t>(kBlock, left_)));
      const std::size_t got = b.size;
      if (each_) each_(b);
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

}  // namespace hvctl::move
