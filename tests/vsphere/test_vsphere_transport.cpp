// The SOAP transport against a server that accepts connections and never
// answers (a loopback listener nobody serves): the request times out with a
// message that says so and what to do, and every later request of the run
// fails at once, without being sent.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "loopback_listener.hpp"
#include "soap_client.hpp"

using namespace hvctl::vsphere;

namespace {

// A listening socket whose connections complete (the kernel's backlog) but
// are never read: a server that froze.
struct SilentServer {
  test::LoopbackListener listener{16};
  int port = listener.port;
};

std::string error_of(SoapClient& c) {
  auto req = xml::Builder::soap("RetrieveServiceContent");
  req.top().add_moref("_this", "ServiceInstance", "ServiceInstance");
  try {
    c.call(req, "RetrieveServiceContent");
  } catch (const TransportError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_SUITE("vsphere") {

TEST_CASE("transport: a silent server times out once; later requests are not sent") {
  SilentServer server;
  ClientOptions o;
  o.url = "http://127.0.0.1:" + std::to_string(server.port) + "/sdk";
  o.timeout_seconds = 1;
  SoapClient client(o);
  CHECK_FALSE(client.down());
  CHECK(error_of(client) ==
        "no answer within 1 s (the target's timeout option); the server may still carry the request out, so "
        "re-run to converge");
  CHECK(client.down());
  const std::string next = error_of(client);
  CHECK(next.rfind("not sent: " + o.url + " stopped answering earlier in this run (no answer within 1 s", 0) == 0);
  CHECK(client.calls() == 2);
}

}  // TEST_SUITE
