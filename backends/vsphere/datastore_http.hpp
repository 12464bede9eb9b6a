// Datastore files as byte streams over HTTPS (datastore file access,
// /folder/<path>?dcPath=..&dsName=.., datastore_file_url): a HEAD, a ranged
// GET pulled by its reader, and a PUT fed by its writer. The handles come
// from SoapClient::transfer_handle, so they carry the session's cookie and
// the target's TLS settings (the one place those are set).
//
// libcurl pushes bytes at callbacks; DiskReader and DiskWriter are called.
// Each transfer is a curl multi handle driven only from inside read() and
// write(): a callback that has no room (reader) or no bytes (writer) pauses
// the transfer (CURL_WRITEFUNC_PAUSE / CURL_READFUNC_PAUSE) until the next
// call. No thread, and at most kReadBuffer bytes held per reader; a writer
// holds none (curl copies from the caller's buffer while write() runs).
//
// A stalled server fails a transfer after the client's timeout of no bytes
// (CURLOPT_LOW_SPEED_TIME; a paused transfer is not checked), not after a
// total time: a disk takes as long as it takes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "hvctl/disk_transfer.hpp"
#include "soap_client.hpp"

namespace hvctl::vsphere {

inline constexpr std::size_t kReadBuffer = 1 << 20;  // bytes a reader holds at most (plus one curl chunk)

struct HeadAnswer {
  long status = 0;                      // 200; 404 when there is no such file
  std::optional<std::uint64_t> length;  // Content-Length
};
// A HEAD of `url` with the session's cookie. Throws TransportError.
HeadAnswer head_file(SoapClient& client, const std::string& url);

// What a reader streams: the file at `url` from byte `offset` (a Range
// request when > 0; the server must answer 206), cut at byte `end`, and
// zeros from the file's end up to `end` when it is shorter (vcsim writes
// disks' files empty) unless `exact`: then a file shorter than `end` is an
// error (a placed disk read back to verify it). `what` starts
// every error: "target 'vc': VM 'web': disk 'root': reading [LocalDS_0] web/web-flat.vmdk".
struct FileRead {
  std::string url, what;
  std::uint64_t offset = 0, end = 0;
  bool exact = false;
};
// Throws BackendError on an HTTP status other than 200/206 (404 says there
// is no such file), and when the connection ends before the body the server
// announced (Content-Length) is all there: never a short stream.
std::unique_ptr<DiskReader> open_file_reader(SoapClient& client, FileRead r);

// A PUT of `length` bytes to `url` (Content-Length: length), fed by write().
class FileUpload {
public:
  virtual ~FileUpload() = default;  // an unfinished upload is aborted (the server keeps what it got)
  // Sends `size` more bytes; throws BackendError when the server ended the
  // request early or more than `length` bytes would be sent.
  virtual void write(const char* data, std::size_t size) = 0;
  // Ends the request: all `length` bytes were written, and the server
  // answered 200, 201 or 204. Throws BackendError otherwise.
  virtual void finish() = 0;
};
std::unique_ptr<FileUpload> start_upload(SoapClient& client, const std::string& url, std::uint64_t length,
                                         std::string what);

// PUTs `body` (a small file: a descriptor) in one request.
void put_file(SoapClient& client, const std::string& url, const std::string& body, const std::string& what);

}  // namespace hvctl::vsphere
