// Whether a run of bytes is all zeros: a hole a disk copy may skip (sparse
// writes) or hash by its size. One definition for the engine and the backends.
#pragma once

#include <cstddef>
#include <cstring>

namespace hvctl {

inline bool all_zero(const char* data, std::size_t size) {
  return size == 0 || (data[0] == 0 && std::memcmp(data, data + 1, size - 1) == 0);
}

}  // namespace hvctl
