// RetrievePropertiesEx paging, which vcsim never does (it ignores
// maxObjects): a vCenter's three-page answer replayed over HTTP
// (tests/vsphere/fixtures/paging), through hvctl's own session and SOAP
// transport. Every object of every page reaches the caller, in order; each
// continuation names the token of the page before; a token the server no
// longer has fails the read, naming the fault, instead of returning a part.
#include <doctest/doctest.h>

#include "properties.hpp"
#include "soap_replay_server.hpp"
#include "vcsim_env.hpp"
#include "vim_session.hpp"
#include "vsphere_test_util.hpp"

using namespace hvctl;
using namespace hvctl::vsphere;
using namespace hvctl::vsphere::test;

namespace {

std::string page(const std::string& file) { return read_file(source_path("tests/vsphere/fixtures/paging/" + file)); }

// A replay that logs in as vcsim does and answers the first read with page 1.
void serve_login_and_first_page(SoapReplayServer& server) {
  server.answer("RetrieveServiceContent", sample("01-RetrieveServiceContent.response.xml"));
  server.answer("Login", sample("03-Login.response.xml"));
  server.answer("RetrievePropertiesEx", page("page-1.response.xml"));
  server.answer("Logout", sample("26-Logout.response.xml"));
}

PropertyQuery vm_names() {
  PropertyQuery q;
  q.prop_sets = {{"VirtualMachine", {"name", "runtime.powerState"}}};
  q.view = Moref{"ContainerView", "session[replay]view-1"};
  return q;
}

ClientOptions plain(const std::string& url) {
  ClientOptions o;
  o.url = url;
  o.timeout_seconds = 10;
  return o;
}

std::string between(const std::string& s, const std::string& open, const std::string& close) {
  const auto a = s.find(open);
  if (a == std::string::npos) return "";
  const auto b = s.find(close, a + open.size());
  return b == std::string::npos ? "" : s.substr(a + open.size(), b - a - open.size());
}

}  // namespace

TEST_SUITE("vsphere") {

TEST_CASE("paging: every page of a RetrievePropertiesEx answer is read, each continuation naming its token") {
  SoapReplayServer server;  // (declared first: it outlives the session's connections)
  serve_login_and_first_page(server);
  server.answer("ContinueRetrievePropertiesEx", page("page-2.response.xml"));
  server.answer("ContinueRetrievePropertiesEx", page("page-3.response.xml"));
  std::vector<std::string> seen;
  {
    VimSession session(vcsim_target(server.sdk()), plain(server.sdk()));
    retrieve(session, vm_names(), [&](const ObjectContent& o) {
      seen.push_back(o.obj.value + " " + o.text("name") + " " + o.text("runtime.powerState"));
    });
  }
  CHECK(seen == std::vector<std::string>{"vm-101 web-01 poweredOn", "vm-102 web-02 poweredOff",
                                         "vm-103 web-03 poweredOn", "vm-104 web-04 poweredOff",
                                         "vm-105 web-05 poweredOn", "vm-106 web-06 poweredOff"});
  std::vector<std::string> methods, tokens;
  std::string first;
  for (const auto& c : server.calls()) {
    methods.push_back(c.method);
    if (c.method == "RetrievePropertiesEx") first = c.body;
    if (c.method == "ContinueRetrievePropertiesEx") {
      tokens.push_back(between(c.body, "<token>", "</token>"));
      CHECK(between(c.body, "<_this type=\"PropertyCollector\">", "</_this>") == "propertyCollector");
    }
  }
  CHECK(methods == std::vector<std::string>{"RetrieveServiceContent", "Login", "RetrievePropertiesEx",
                                            "ContinueRetrievePropertiesEx", "ContinueRetrievePropertiesEx", "Logout"});
  CHECK(tokens == std::vector<std::string>{"7f3a-1", "7f3a-2"});
  CHECK(between(first, "<maxObjects>", "</maxObjects>") == "1000");  // the page size hvctl asks for
}

TEST_CASE("paging: a token the server no longer has fails the read with its fault, not with a part of the answer") {
  SoapReplayServer server;
  serve_login_and_first_page(server);
  server.answer("ContinueRetrievePropertiesEx", page("token-expired.response.xml"), 500);
  std::size_t delivered = 0;
  std::string error;
  {
    VimSession session(vcsim_target(server.sdk()), plain(server.sdk()));
    std::vector<std::string> names;
    try {
      retrieve(session, vm_names(), [&](const ObjectContent& o) { names.push_back(o.text("name")); });
    } catch (const SoapFault& f) {
      error = f.type() + ": " + f.what();
    }
    delivered = names.size();
  }
  CHECK(error.find("InvalidArgument") == 0);
  CHECK(error.find("token") != std::string::npos);
  CHECK(delivered == 3);  // the first page reached the caller; the caller sees the read fail, not end
  std::size_t continuations = 0;
  for (const auto& c : server.calls()) continuations += c.method == "ContinueRetrievePropertiesEx" ? 1 : 0;
  CHECK(continuations == 1);  // one try: a lost token is not retried into a different answer
}

}  // TEST_SUITE
