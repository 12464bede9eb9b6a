// One disk's copy for hvctl move: streamed from the source's reader into the
// destination's writer in 1 MiB blocks, each block's digest kept in the
// move's journal, so that a later run resumes where the copy stopped and the
// read-back at the end can check every block against what the source gave.
// Digests are XXH3-128 (as rsync checks its transfers), which finds any
// accidental change (a torn write, a flipped bit, a short or shifted copy)
// at memory speed: SHA-256 ran at 1.7 GB/s here and was the copy's
// bottleneck. The disk's whole digest is "xxh128:" and the hex that
// `xxhsum -H2` (Debian's xxhash) prints for the raw image.
// Internal to core.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "block_prefetch.hpp"
#include "hvctl/move.hpp"

namespace hvctl::move {

// What the copies of one move have written so far, kept in a JSON file of
// the user's state directory ($HVCTL_STATE_DIR, else $XDG_STATE_HOME/hvctl,
// else ~/.local/state/hvctl), under moves/.
struct DiskJournal {
  std::string path;                   // the placement's path
  std::uint64_t capacity = 0;
  std::vector<std::string> blocks;    // block_digest() of each block written, in order
  bool operator==(const DiskJournal&) const = default;
};

class Journal {
public:
  explicit Journal(std::string file);  // reads it when it exists; throws Error on a damaged one
  // The journal of the move from `from_uri`'s VM to `to_uri`'s `name`.
  static std::string file_for(const std::string& from_uri, const std::string& vm, const std::string& to_uri,
                              const std::string& name);
  // Whether an earlier run wrote disk `id` at `path`.
  bool claims(const std::string& id, const std::string& path) const;
  DiskJournal& disk(const std::string& id) { return disks_[id]; }
  void save() const;    // atomically: a temporary file renamed over it
  void remove() const;  // the move is done
  const std::string& file() const { return file_; }

private:
  std::string file_;
  std::map<std::string, DiskJournal> disks_;
};

// A block's XXH3-128, as 32 hex digits.
std::string block_digest(const char* data, std::size_t size);

struct CopyStats {
  std::uint64_t copied = 0;        // bytes streamed in this run
  std::uint64_t resumed_from = 0;  // bytes an earlier run had copied
  double seconds = 0;
  std::string digest;              // "xxh128:…" of the whole raw content the source gave, when this run read all of it
};

// Copies one disk: resumes what the journal and the writer agree on, else
// starts it again; saves the journal as it goes and when it stops. Throws
// (the journal saved) on a read or write failure, and InterruptedError-like
// Error when hooks.interrupts() says so.
CopyStats copy_disk(Backend& from, const VmState& vm, Backend& to, const DiskCopy& copy, Journal& journal,
                    const MoveHooks& hooks);

// A copy that is not what the source gave: a block differs, or it is short.
class CorruptCopy : public BackendError {
public:
  using BackendError::BackendError;
};

// Reads the copy back from the destination and checks each block against the
// journal: the digest of the whole raw content, or CorruptCopy naming the
// first block that differs (a failure to read it back is a BackendError).
// Given the source's whole digest (CopyStats::digest), it returns that once
// every block matches, without hashing the copy whole again: equal blocks
// make equal contents.
std::string verify_disk(Backend& to, const DiskCopy& copy, const DiskJournal& journal, const MoveHooks& hooks,
                        const std::string& source_digest = "");

// "1.5 GiB", "512 MiB", "12 KiB": bytes for people.
std::string show_bytes(std::uint64_t bytes);

}  // namespace hvctl::move
