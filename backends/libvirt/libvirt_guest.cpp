#include "libvirt_guest.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "libvirt_connect.hpp"
#include "xml_util.hpp"

namespace hvctl::libvirt {
namespace {

// Every non-loopback address the source reports; none when the source
// cannot answer (e.g. no agent), with libvirt's reason in `why`.
std::vector<std::string> addresses(virDomainPtr dom, unsigned source, std::string& why) {
  virDomainInterfacePtr* ifaces = nullptr;
  const int n = virDomainInterfaceAddresses(dom, &ifaces, source, 0);
  if (n < 0) {
    const char* message = virGetLastErrorMessage();
    why = message ? message : "no answer";
    return {};
  }
  std::vector<std::string> found;
  for (int i = 0; i < n; ++i) {
    for (unsigned a = 0; a < ifaces[i]->naddrs; ++a) {
      const std::string addr = ifaces[i]->addrs[a].addr ? ifaces[i]->addrs[a].addr : "";
      if (!addr.empty() && addr.rfind("127.", 0) != 0 && addr != "::1") found.push_back(addr);
    }
    virDomainInterfaceFree(ifaces[i]);
  }
  free(ifaces);
  return found;
}

std::string first_address(virDomainPtr dom, unsigned source, std::string& why) {
  const auto all = addresses(dom, source, why);
  return all.empty() ? "" : all.front();
}

// The guest agent answers when it can tell its host name (flags 0: QEMU asks
// the agent; the test driver always answers).
bool agent_answers(virDomainPtr dom, std::string& why) {
  CString name(virDomainGetHostname(dom, 0));
  if (name) return true;
  const char* message = virGetLastErrorMessage();
  why = message ? message : "no answer";
  return false;
}

// The console stream, read by a thread of its own in blocking mode: a
// non-blocking stream on a remote connection sees data only while an event
// loop runs, and hvctl has none.
class LibvirtConsole final : public ConsoleStream {
public:
  LibvirtConsole(virStreamPtr stream, Context ctx) : stream_(stream), ctx_(std::move(ctx)) {
    reader_ = std::thread([this] { pump(); });
  }
  ~LibvirtConsole() override {
    virStreamAbort(stream_);  // ends a blocked virStreamRecv
    reader_.join();
    virStreamFree(stream_);
  }
  LibvirtConsole(const LibvirtConsole&) = delete;
  LibvirtConsole& operator=(const LibvirtConsole&) = delete;

  long read(char* buffer, std::size_t size, int timeout_ms) override {
    std::unique_lock lock(mutex_);
    arrived_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return !pending_.empty() || closed_; });
    if (pending_.empty()) {
      if (closed_ && !error_.empty()) ctx_.fail("cannot read the console of", error_);
      return closed_ ? -1 : 0;
    }
    const std::size_t n = std::min(size, pending_.size());
    pending_.copy(buffer, n);
    pending_.erase(0, n);
    return static_cast<long>(n);
  }

  void write(const char* data, std::size_t size) override {
    while (size > 0) {
      const int n = virStreamSend(stream_, data, size);
      if (n < 0) ctx_.fail("cannot write to the console of");
      data += n;
      size -= static_cast<std::size_t>(n);
    }
  }

private:
  void pump() {
    char buffer[4096];
    for (;;) {
      const int n = virStreamRecv(stream_, buffer, sizeof buffer);
      std::lock_guard lock(mutex_);
      if (n > 0) {
        pending_.append(buffer, static_cast<std::size_t>(n));
      } else {
        closed_ = true;
        if (n < 0 && last_error_code() != VIR_ERR_OK) error_ = virGetLastErrorMessage();
      }
      arrived_.notify_all();
      if (n <= 0) return;
    }
  }

  virStreamPtr stream_;
  Context ctx_;
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::string pending_;
  bool closed_ = false;
  std::string error_;
  std::thread reader_;
};

}  // namespace

Readiness guest_readiness(virDomainPtr dom, const ReadySpec& ready, const Context& ctx) {
  std::string detail = "running";
  std::string why;
  if (ready.agent.value_or(false)) {
    if (!agent_answers(dom, why)) return {false, fmt::format("running; guest agent not answering ({})", why)};
    detail += ", guest agent answers";
  }
  if (ready.ip.value_or(false)) {
    std::string ip = first_address(dom, VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT, why);
    if (ip.empty()) ip = first_address(dom, VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE, why);
    if (ip.empty()) return {false, fmt::format("running; no IP address reported yet{}", why.empty() ? "" : " (" + why + ")")};
    detail += ", IP " + ip;
  }
  return {true, detail};
}

std::unique_ptr<ConsoleStream> open_console(virConnectPtr conn, virDomainPtr dom, const Context& ctx) {
  virStreamPtr stream = virStreamNew(conn, 0);
  if (!stream) ctx.fail("cannot open a console stream for");
  if (virDomainOpenConsole(dom, nullptr, stream, VIR_DOMAIN_CONSOLE_SAFE) < 0) {
    virStreamFree(stream);
    ctx.fail("cannot attach to the console of");
  }
  return std::make_unique<LibvirtConsole>(stream, ctx);
}

ConsoleWatch::~ConsoleWatch() {
  stream_.reset();  // the stream before its connection
  if (conn_) virConnectClose(conn_);
}

void ConsoleWatch::attach(const Target& target, virDomainPtr dom, const Context& ctx) {
  const unsigned id = virDomainGetID(dom);
  if (stream_ && id == domain_id_) return;
  stream_.reset();
  seen_.clear();
  matched_ = false;
  if (!conn_) conn_ = open_connection(target);
  unsigned char uuid[VIR_UUID_BUFLEN];
  if (virDomainGetUUID(dom, uuid) < 0) ctx.fail("cannot read the UUID of");
  Domain own(virDomainLookupByUUID(conn_, uuid));
  if (!own) ctx.fail("cannot look up, for its console,");
  stream_ = open_console(conn_, own.get(), ctx);
  domain_id_ = id;
}

bool ConsoleWatch::shows(const Target& target, virDomainPtr dom, const Match& match, const Context& ctx) {
  attach(target, dom, ctx);
  constexpr std::size_t kKeep = 8192;  // longer than any line a match looks for
  char buffer[4096];
  long n = 0;
  while (!matched_ && (n = stream_->read(buffer, sizeof buffer, 0)) > 0) {
    seen_.append(buffer, static_cast<std::size_t>(n));
    matched_ = match(seen_);
    if (seen_.size() > 2 * kKeep) seen_.erase(0, seen_.size() - kKeep);
  }
  if (n < 0) stream_.reset();  // the domain stopped: the next look watches its next run
  return matched_;
}

std::vector<std::string> guest_addresses(virDomainPtr dom) {
  std::string why;
  auto found = addresses(dom, VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE, why);
  if (found.empty()) found = addresses(dom, VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT, why);
  virResetLastError();  // no lease and no agent: no addresses, not a failure
  return found;
}

std::string agent_channel_state(const std::string& live_xml) {
  // <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0' state='connected'/></channel>
  auto doc = xml::parse(live_xml, "domain");
  const auto* devices = xml::child(xmlDocGetRootElement(doc.get()), "devices");
  for (const auto* channel : xml::children(devices, "channel")) {
    const auto* target = xml::child(channel, "target");
    if (xml::attr(target, "name") == "org.qemu.guest_agent.0") return xml::attr(target, "state").value_or("configured");
  }
  return "";
}

}  // namespace hvctl::libvirt
