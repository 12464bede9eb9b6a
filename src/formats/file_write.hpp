// Writing a file so that readers see the old content or the new, never half:
// a temporary file beside it, fsync, then rename over it.
#pragma once

#include <string>

namespace hvctl::formats {

// Replaces `path` with `content` atomically. Throws InputError naming `path`
// (and the system's reason) when it cannot; `path` is then untouched. A
// symbolic link's file is replaced, the link kept; a device or FIFO
// (/dev/null, /dev/stdout) is written into, never replaced.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace hvctl::formats
