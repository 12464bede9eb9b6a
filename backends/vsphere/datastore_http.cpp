#include "datastore_http.hpp"

#include <algorithm>
#include <cstring>
#include <functional>

#include <curl/curl.h>
#include <fmt/format.h>

#include "hvctl/error.hpp"

namespace hvctl::vsphere {
namespace {

size_t discard_body(char*, size_t size, size_t count, void*) { return size * count; }

// The path part of a datastore URL, for messages (the query names the datacenter and datastore).
std::string short_url(const std::string& url) {
  const auto folder = url.find("/folder/");
  return folder == std::string::npos ? url : url.substr(folder);
}

// One HTTP request on its own multi handle, driven by pump() from the
// caller's thread only.
class Transfer {
public:
  Transfer(SoapClient& client, const std::string& url, std::string what)
      : client_(client), what_(std::move(what)), url_(url) {
    easy_ = static_cast<CURL*>(client.transfer_handle());
    multi_ = curl_multi_init();
    curl_easy_setopt(easy_, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, error_);
    curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, discard_body);
    curl_easy_setopt(easy_, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(easy_, CURLOPT_LOW_SPEED_TIME, client.options().timeout_seconds);
    headers_ = curl_slist_append(nullptr, "Expect:");
    curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, headers_);
  }
  ~Transfer() {
    if (started_) curl_multi_remove_handle(multi_, easy_);
    curl_easy_cleanup(easy_);
    curl_multi_cleanup(multi_);
    curl_slist_free_all(headers_);
  }
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  CURL* easy() { return easy_; }
  void add_header(const char* h) { curl_slist_append(headers_, h); }  // the list's head, which curl holds, stays

  // Runs the transfer until `ready()` or its end.
  void pump(const std::function<bool()>& ready) {
    if (!started_) {
      curl_multi_add_handle(multi_, easy_);
      started_ = true;
    }
    if (paused_ && !done_) {
      paused_ = false;
      curl_easy_pause(easy_, CURLPAUSE_CONT);  // may call the callbacks at once
    }
    while (!done_ && !ready()) {
      int running = 0;
      if (const CURLMcode mc = curl_multi_perform(multi_, &running); mc != CURLM_OK)
        fail(fmt::format("curl: {}", curl_multi_strerror(mc)));
      int left = 0;
      while (CURLMsg* m = curl_multi_info_read(multi_, &left))
        if (m->msg == CURLMSG_DONE) done_ = true, result_ = m->data.result;
      if (done_ || ready()) break;
      curl_multi_poll(multi_, nullptr, 0, 1000, nullptr);
    }
  }
  void pause() { paused_ = true; }
  bool done() const { return done_; }
  CURLcode result() const { return result_; }
  long status() const {
    long s = 0;
    curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &s);
    return s;
  }
  // "HTTP 503", or curl's words when the request failed below HTTP.
  std::string failure() const {
    if (result_ != CURLE_OK) return client_.describe_curl_error(result_, error_);
    return fmt::format("HTTP {}", status());
  }
  [[noreturn]] void fail(const std::string& why) const {
    throw BackendError(fmt::format("{}: {} ({})", what_, why, short_url(url_)));
  }

private:
  SoapClient& client_;
  std::string what_, url_;
  CURL* easy_ = nullptr;
  CURLM* multi_ = nullptr;
  curl_slist* headers_ = nullptr;
  char error_[CURL_ERROR_SIZE] = "";
  bool started_ = false, paused_ = false, done_ = false;
  CURLcode result_ = CURLE_OK;
};

class HttpReader final : public DiskReader {
public:
  HttpReader(SoapClient& client, FileRead r) : r_(std::move(r)), t_(client, r_.url, r_.what), at_(r_.offset) {
    if (r_.offset >= r_.end && !r_.exact) {
      body_done_ = true;
      return;
    }
    const std::string range = fmt::format("{}-", r_.offset);
    if (r_.offset > 0) curl_easy_setopt(t_.easy(), CURLOPT_RANGE, range.c_str());  // curl copies it
    curl_easy_setopt(t_.easy(), CURLOPT_BUFFERSIZE, 512L * 1024);
    curl_easy_setopt(t_.easy(), CURLOPT_WRITEFUNCTION, &HttpReader::on_data);
    curl_easy_setopt(t_.easy(), CURLOPT_WRITEDATA, this);
  }

  std::size_t read(char* buffer, std::size_t size) override {
    if (at_ >= r_.end || size == 0) return 0;
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(size, r_.end - at_));
    if (!body_done_ && pos_ == buf_.size()) {
      dest_ = {buffer, want, 0};  // (curl's bytes go straight there, not through buf_)
      fill();
      const std::size_t got = dest_.got;
      dest_ = {};
      if (got > 0) {
        at_ += got;
        return got;
      }
    }
    std::size_t n = 0;
    if (pos_ < buf_.size()) {
      n = std::min(want, buf_.size() - pos_);
      std::memcpy(buffer, buf_.data() + pos_, n);
      pos_ += n;
    } else {  // the file ended before `end`: the rest reads as zeros
      if (r_.exact) t_.fail(fmt::format("the file has {} bytes, fewer than the {} expected", at_, r_.end));
      n = want;
      std::memset(buffer, 0, n);
    }
    at_ += n;
    return n;
  }

private:
  static size_t on_data(char* data, size_t size, size_t count, void* self) {
    auto* r = static_cast<HttpReader*>(self);
    const std::size_t n = size * count;
    if (!r->checked_ && !r->check_status()) return 0;  // ends the transfer: CURLE_WRITE_ERROR
    if (r->buf_.size() - r->pos_ >= kReadBuffer) {
      r->t_.pause();
      return CURL_WRITEFUNC_PAUSE;  // curl hands the same bytes again after the pause
    }
    if (r->pos_ == r->buf_.size()) r->buf_.clear(), r->pos_ = 0;
    std::size_t direct = 0;  // (into the reader's waiting buffer; buf_ is empty then, and takes the rest)
    if (r->dest_.at && r->dest_.got == 0 && r->buf_.empty()) {
      direct = std::min(n, r->dest_.room);
      std::memcpy(r->dest_.at, data, direct);
      r->dest_.got = direct;
    }
    r->buf_.append(data + direct, n - direct);
    r->received_ += n;
    return n;
  }

  // The answer is the one asked for; records the body's announced length.
  bool check_status() {
    checked_ = true;
    status_ = t_.status();
    if (status_ == 416 && r_.offset > 0) beyond_end_ = true;  // the offset is past the file's end: zeros
    if (status_ != (r_.offset > 0 ? 206 : 200)) return false;
    curl_off_t length = -1;
    curl_easy_getinfo(t_.easy(), CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    if (length >= 0) announced_ = static_cast<std::uint64_t>(length);
    return true;
  }

  void fill() {
    t_.pump([&] { return pos_ < buf_.size() || dest_.got > 0 || beyond_end_; });
    if (pos_ < buf_.size() || dest_.got > 0) return;
    if (!checked_ && t_.done()) check_status();  // a body-less answer (404, an empty file)
    if (beyond_end_) {
      body_done_ = true;
      return;
    }
    if (status_ == 404) t_.fail("no such file on the datastore (HTTP 404)");
    if (status_ != 0 && status_ != (r_.offset > 0 ? 206 : 200))
      t_.fail(fmt::format("HTTP {}{}", status_, r_.offset > 0 && status_ == 200 ? " to a Range request (the server cannot resume)" : ""));
    if (t_.result() != CURLE_OK)
      t_.fail(fmt::format("the transfer broke after {} bytes{}: {}", received_,
                          announced_ ? fmt::format(" of {}", *announced_) : "", t_.failure()));
    if (announced_ && received_ != *announced_)
      t_.fail(fmt::format("the connection ended after {} of {} bytes", received_, *announced_));
    body_done_ = true;
  }

  FileRead r_;
  Transfer t_;
  std::uint64_t at_;  // the stream's position (bytes from the file's start)
  std::string buf_;
  std::size_t pos_ = 0;
  struct Destination {
    char* at = nullptr;
    std::size_t room = 0, got = 0;
  } dest_;  // the buffer a read() waits to fill
  bool checked_ = false, body_done_ = false, beyond_end_ = false;
  long status_ = 0;
  std::uint64_t received_ = 0;
  std::optional<std::uint64_t> announced_;
};

class HttpUpload final : public FileUpload {
public:
  HttpUpload(SoapClient& client, const std::string& url, std::uint64_t length, std::string what)
      : t_(client, url, std::move(what)), length_(length) {
    t_.add_header("Content-Type: application/octet-stream");
    curl_easy_setopt(t_.easy(), CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(t_.easy(), CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(length));
    curl_easy_setopt(t_.easy(), CURLOPT_READFUNCTION, &HttpUpload::on_read);
    curl_easy_setopt(t_.easy(), CURLOPT_READDATA, this);
  }

  void write(const char* data, std::size_t size) override {
    if (size == 0) return;
    if (sent_ + size > length_)
      t_.fail(fmt::format("{} bytes written, more than the {} the upload announced", sent_ + size, length_));
    data_ = data;
    left_ = size;
    t_.pump([&] { return left_ == 0; });
    if (left_ > 0) t_.fail(fmt::format("the server ended the upload after {} of {} bytes: {}", sent_ + size - left_, length_, t_.failure()));
    sent_ += size;
  }

  void finish() override {
    if (sent_ != length_) t_.fail(fmt::format("{} of {} bytes written at the upload's end", sent_, length_));
    eof_ = true;
    t_.pump([] { return false; });
    const long status = t_.status();
    if (t_.result() != CURLE_OK || (status != 200 && status != 201 && status != 204))
      t_.fail(fmt::format("the upload failed: {}", t_.failure()));
  }

private:
  static size_t on_read(char* buffer, size_t size, size_t count, void* self) {
    auto* u = static_cast<HttpUpload*>(self);
    if (u->left_ == 0) {
      if (u->eof_) return 0;
      u->t_.pause();
      return CURL_READFUNC_PAUSE;
    }
    const std::size_t n = std::min(size * count, u->left_);
    std::memcpy(buffer, u->data_, n);
    u->data_ += n;
    u->left_ -= n;
    return n;
  }

  Transfer t_;
  std::uint64_t length_, sent_ = 0;
  const char* data_ = nullptr;
  std::size_t left_ = 0;
  bool eof_ = false;
};

}  // namespace

HeadAnswer head_file(SoapClient& client, const std::string& url) {
  CURL* h = static_cast<CURL*>(client.transfer_handle());
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, client.options().timeout_seconds);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error);
  const CURLcode code = curl_easy_perform(h);
  HeadAnswer a;
  curl_off_t length = -1;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a.status);
  curl_easy_getinfo(h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
  const std::string why = code == CURLE_OK ? "" : client.describe_curl_error(code, error);
  curl_easy_cleanup(h);
  client.options().diagnostics->log(LogLevel::protocol, fmt::format("http HEAD {}: HTTP {}, length {}", url, a.status, length));
  if (code != CURLE_OK) throw TransportError(fmt::format("HEAD {}: {}", short_url(url), why), SoapClient::is_tls_failure(code));
  if (length >= 0 && a.status == 200) a.length = static_cast<std::uint64_t>(length);
  return a;
}

std::unique_ptr<DiskReader> open_file_reader(SoapClient& client, FileRead r) {
  return std::make_unique<HttpReader>(client, std::move(r));
}

std::unique_ptr<FileUpload> start_upload(SoapClient& client, const std::string& url, std::uint64_t length,
                                         std::string what) {
  return std::make_unique<HttpUpload>(client, url, length, std::move(what));
}

void put_file(SoapClient& client, const std::string& url, const std::string& body, const std::string& what) {
  auto upload = start_upload(client, url, body.size(), what);
  upload->write(body.data(), body.size());
  upload->finish();
}

}  // namespace hvctl::vsphere
