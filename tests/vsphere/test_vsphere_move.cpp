// hvctl move on vSphere without a simulator: which disks a VM's devices and
// layoutEx give (blockers included: vcsim can make no RDM, encrypted,
// sparse, vSAN or delta disk), the descriptor and FileManager requests
// (goldens), and the HTTP streams against a tiny local server that says
// exactly what it is told to, and records what it was sent.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "datastore_http.hpp"
#include "loopback_listener.hpp"
#include "disk_move.hpp"
#include "hvctl/error.hpp"
#include "vm_move.hpp"
#include "vsphere_fixture.hpp"

using namespace hvctl;
using namespace hvctl::vsphere;
using namespace hvctl::vsphere::test;

namespace {

// One connection: reads the request's head (and `body_bytes` of body),
// answers `reply`, closes.
class OneShotServer {
public:
  explicit OneShotServer(std::string reply, std::size_t body_bytes = 0) : reply_(std::move(reply)), body_(body_bytes) {
    thread_ = std::thread([this] { serve(); });
  }
  ~OneShotServer() { thread_.join(); }
  std::string url(const std::string& path = "/folder/d/x-flat.vmdk?dcPath=DC0&dsName=ds") const {
    return "http://127.0.0.1:" + std::to_string(listener_.port) + path;
  }
  std::string sdk() const { return url("/sdk"); }
  // What the client sent; valid after the client is done (the destructor joins).
  std::string request() {
    thread_.join();
    thread_ = std::thread([] {});
    return request_;
  }

private:
  void serve() {
    const int c = accept(listener_.fd, nullptr, nullptr);
    if (c < 0) return;
    char buf[65536];
    while (request_.find("\r\n\r\n") == std::string::npos || request_.size() - request_.find("\r\n\r\n") - 4 < body_) {
      const ssize_t n = recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      request_.append(buf, static_cast<std::size_t>(n));
    }
    for (std::size_t at = 0; at < reply_.size();) {
      const ssize_t n = send(c, reply_.data() + at, reply_.size() - at, MSG_NOSIGNAL);
      if (n <= 0) break;
      at += static_cast<std::size_t>(n);
    }
    shutdown(c, SHUT_RDWR);
    close(c);
  }

  LoopbackListener listener_{1};
  std::string reply_, request_;
  std::size_t body_;
  std::thread thread_;
};

ClientOptions plain(const std::string& url) {
  ClientOptions o;
  o.url = url;
  o.timeout_seconds = 10;
  return o;
}

std::string drain(DiskReader& r) {
  std::string out, buf(4096, '\0');
  while (const std::size_t n = r.read(buf.data(), buf.size())) out.append(buf.data(), n);
  return out;
}

// A VirtualDisk <val> as vSphere writes it (vcsim's shape, with the fields vcsim never sets).
std::string device(int key, const std::string& backing, const std::string& file, const std::string& extra = "",
                   long long kb = 4096) {
  return "<VirtualDevice xsi:type=\"VirtualDisk\"><key>" + std::to_string(key) + "</key><backing xsi:type=\"" + backing +
         "\"><fileName>" + file + "</fileName><datastore type=\"Datastore\">datastore-1</datastore>" + extra +
         "</backing><controllerKey>1000</controllerKey><unitNumber>0</unitNumber><capacityInKB>" + std::to_string(kb) +
         "</capacityInKB></VirtualDevice>";
}

struct Parsed {
  xml::DocPtr doc;
  const xmlNode* root;
};
Parsed parse_val(const std::string& inner) {
  Parsed p;
  p.doc = xml::parse("<val xmlns=\"urn:vim25\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">" + inner + "</val>");
  p.root = xmlDocGetRootElement(p.doc.get());
  return p;
}

// layoutEx with, for each disk key, one link per file pair given.
std::string layout(const std::vector<std::pair<int, std::vector<std::vector<std::pair<std::string, std::string>>>>>& disks) {
  std::string files, chains;
  int key = 0;
  for (const auto& [disk, links] : disks) {
    chains += "<disk><key>" + std::to_string(disk) + "</key>";
    for (const auto& link : links) {
      chains += "<chain>";
      for (const auto& [name, type] : link) {
        files += "<file><key>" + std::to_string(key) + "</key><name>" + name + "</name><type>" + type + "</type><size>0</size></file>";
        chains += "<fileKey>" + std::to_string(key++) + "</fileKey>";
      }
      chains += "</chain>";
    }
    chains += "</disk>";
  }
  return files + chains;
}

std::vector<std::pair<std::string, std::string>> flat(const std::string& base) {
  return {{base + "-flat.vmdk", "diskExtent"}, {base + ".vmdk", "diskDescriptor"}};
}

}  // namespace

TEST_SUITE("vsphere") {

TEST_CASE("move: a flat disk is its -flat extent from layoutEx, with its capacity") {
  const auto dev = parse_val(device(2000, "VirtualDiskFlatVer2BackingInfo", "[ds1] web/web.vmdk"));
  const auto lay = parse_val(layout({{2000, {flat("[ds1] web/web")}}}));
  const auto disks = read_move_disks(dev.root);
  REQUIRE(disks.size() == 1);
  CHECK(disks[0].capacity == 4096 * 1024);
  const MovePlan p = plan_move(disks, {{2000, "root"}}, read_layout(lay.root), false, {{"ds1", "VMFS"}});
  CHECK(p.blockers.empty());
  REQUIRE(p.disks.size() == 1);
  CHECK(p.disks[0].id == "root");
  CHECK(p.disks[0].extent.str() == "[ds1] web/web-flat.vmdk");
  CHECK(p.disks[0].descriptor.str() == "[ds1] web/web.vmdk");
  CHECK(p.disks[0].capacity == 4096 * 1024);
  // names come from layoutEx, not from the descriptor's name
  const auto odd = parse_val(layout({{2000, {{{"[ds1] web/other-flat.vmdk", "diskExtent"}, {"[ds1] web/web.vmdk", "diskDescriptor"}}}}}));
  CHECK(plan_move(disks, {{2000, "root"}}, read_layout(odd.root), false, {}).disks.at(0).extent.path == "web/other-flat.vmdk");
}

TEST_CASE("move: what a cold copy cannot carry is a blocker naming the disk and what to do") {
  const std::string crypt = "<keyId><keyId>k-1</keyId><providerId><id>kms</id></providerId></keyId>";
  const auto dev = parse_val(device(1, "VirtualDiskFlatVer2BackingInfo", "[ds1] a/a.vmdk") +
                             device(2, "VirtualDiskRawDiskMappingVer1BackingInfo", "[ds1] a/b.vmdk", "<deviceName>vml.0200</deviceName>") +
                             device(3, "VirtualDiskFlatVer2BackingInfo", "[ds1] a/c.vmdk", crypt) +
                             device(4, "VirtualDiskSeSparseBackingInfo", "[ds1] a/d.vmdk") +
                             device(5, "VirtualDiskFlatVer2BackingInfo", "[vsan1] a/e.vmdk") +
                             device(6, "VirtualDiskFlatVer2BackingInfo", "[ds1] a/f.vmdk"));
  const auto lay = parse_val(layout({{1, {flat("[ds1] a/a"), flat("[ds1] a/a-000001")}},
                                     {2, {flat("[ds1] a/b")}}, {3, {flat("[ds1] a/c")}}, {4, {flat("[ds1] a/d")}},
                                     {5, {flat("[vsan1] a/e")}},
                                     {6, {{{"[ds1] a/f-s001.vmdk", "diskExtent"}, {"[ds1] a/f-s002.vmdk", "diskExtent"},
                                           {"[ds1] a/f.vmdk", "diskDescriptor"}}}}}));
  const std::map<int, std::string> ids{{1, "chain"}, {2, "rdm"}, {3, "crypt"}, {4, "sesparse"}, {5, "vsan"}, {6, "split"}};
  const MovePlan p = plan_move(read_move_disks(dev.root), ids, read_layout(lay.root), true, {{"ds1", "VMFS"}, {"vsan1", "vsan"}});
  CHECK(p.disks.empty());
  // The chain is the snapshots' (deleting them resolves it: move --consolidate); no VM-level one besides.
  REQUIRE(p.consolidable.size() == 1);
  CHECK(p.consolidable[0].find("disk 'chain' is a chain of 2 disks") == 0);
  CHECK(p.consolidable[0].find("consolidate or delete the VM's snapshots first") != std::string::npos);
  REQUIRE(p.blockers.size() == 5);
  CHECK(p.blockers[0].find("disk 'rdm' is a raw device mapping (RDM of vml.0200)") == 0);
  CHECK(p.blockers[1].find("disk 'crypt' is encrypted (key k-1)") == 0);
  CHECK(p.blockers[2].find("disk 'sesparse' is a seSparse disk") == 0);
  CHECK(p.blockers[3].find("disk 'vsan' is on vSAN datastore 'vsan1'") == 0);
  CHECK(p.blockers[4].find("disk 'split' is split over 2 extent files") == 0);

  // The same chain on a VM without snapshots is a linked clone's: no consolidation undoes it.
  const MovePlan linked = plan_move(read_move_disks(dev.root), ids, read_layout(lay.root), false,
                                    {{"ds1", "VMFS"}, {"vsan1", "vsan"}});
  CHECK(linked.consolidable.empty());
  REQUIRE(linked.blockers.size() == 6);
  CHECK(linked.blockers[0].find("disk 'chain' is a chain of 2 disks") == 0);

  const auto one = parse_val(device(1, "VirtualDiskFlatVer2BackingInfo", "[ds1] a/a.vmdk"));
  const auto one_lay = parse_val(layout({{1, {flat("[ds1] a/a")}}}));
  const MovePlan snap = plan_move(read_move_disks(one.root), {{1, "root"}}, read_layout(one_lay.root), true, {});
  CHECK(snap.blockers.empty());  // snapshots without delta disks (vcsim's): still no move, until they are deleted
  REQUIRE(snap.consolidable.size() == 1);
  CHECK(snap.consolidable[0].find("the VM has snapshots") == 0);
  REQUIRE(snap.disks.size() == 1);
}

TEST_CASE("move: the placed disk's descriptor and the FileManager requests (goldens)") {
  const std::string d = flat_descriptor("web-root-flat.vmdk", 10ull << 30);
  check_golden(source_path("tests/golden/vsphere/move-descriptor.vmdk"), d);
  CHECK(vmdk_virtual_bytes(d) == (10ull << 30));  // what hvctl's own reader of descriptors makes of it
  CHECK(flat_extent_path({"ds", "web/web-root.vmdk"}).str() == "[ds] web/web-root-flat.vmdk");
  auto mk = xml::Builder::standalone("MakeDirectory");
  write_make_directory(mk.top(), "[LocalDS_0] web", {"Datacenter", "datacenter-2"});
  check_golden(source_path("tests/golden/vsphere/move-mkdir.xml"), mk.str(true));
  auto read = xml::Builder::standalone("RetrievePropertiesEx");
  write_retrieve_request(read.top(), {"PropertyCollector", "propertyCollector"}, move_query({"VirtualMachine", "vm-42"}), 500);
  check_golden(source_path("tests/golden/vsphere/move-read.xml"), read.str(true));
  auto rm = xml::Builder::standalone("DeleteDatastoreFile_Task");
  write_delete_file(rm.top(), "[LocalDS_0] web/web-root-flat.vmdk", {"Datacenter", "datacenter-2"});
  check_golden(source_path("tests/golden/vsphere/move-delete.xml"), rm.str(true));
}

TEST_CASE("move: the datacenter path is its folders' names below the root") {
  Infra infra;
  infra.objects.push_back({{"Folder", "group-f1"}, "east", {"Folder", "group-d1"}});
  infra.objects.push_back({{"Datacenter", "datacenter-3"}, "DC 1", {"Folder", "group-f1"}});
  CHECK(infra.path_of({"Datacenter", "datacenter-3"}) == "east/DC 1");
}

TEST_CASE("move: a ranged read asks for bytes=N- and takes the 206's body") {
  const std::string body = "0123456789";
  OneShotServer server("HTTP/1.1 206 Partial Content\r\nContent-Length: 7\r\nContent-Range: bytes 3-9/10\r\n\r\n" + body.substr(3));
  SoapClient client(plain(server.sdk()));
  client.set_cookie("127.0.0.1\tFALSE\t/\tFALSE\t0\tvmware_soap_session\t\"52a1-session\"");
  auto r = open_file_reader(client, {server.url(), "disk 'x'", 3, 10});
  CHECK(drain(*r) == body.substr(3));
  const std::string req = server.request();
  CHECK(req.rfind("GET /folder/d/x-flat.vmdk?dcPath=DC0&dsName=ds HTTP/1.1\r\n", 0) == 0);
  CHECK(req.find("\r\nRange: bytes=3-\r\n") != std::string::npos);
  CHECK(req.find("\r\nCookie: vmware_soap_session=\"52a1-session\"\r\n") != std::string::npos);  // the session's
}

TEST_CASE("move: a server that goes away mid-body makes the read throw, never a short stream") {
  OneShotServer server("HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n" + std::string(100000, 'a'));
  SoapClient client(plain(server.sdk()));
  auto r = open_file_reader(client, {server.url(), "target 'vc': VM 'web': disk 'root': reading x", 0, 1048576});
  std::string error;
  try {
    drain(*r);
  } catch (const BackendError& e) {
    error = e.what();
  }
  CHECK(error.find("target 'vc': VM 'web': disk 'root': reading x: the transfer broke after 100000 bytes of 1048576") == 0);
}

TEST_CASE("move: a missing file, and a 200 to a Range request, are errors") {
  {
    OneShotServer server("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    SoapClient client(plain(server.sdk()));
    auto r = open_file_reader(client, {server.url(), "disk 'x'", 0, 100});
    char buf[10];
    CHECK_THROWS_WITH_AS(r->read(buf, sizeof buf), doctest::Contains("no such file on the datastore (HTTP 404)"), BackendError);
  }
  {
    OneShotServer server("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789");
    SoapClient client(plain(server.sdk()));
    auto r = open_file_reader(client, {server.url(), "disk 'x'", 4, 10});
    char buf[10];
    CHECK_THROWS_WITH_AS(r->read(buf, sizeof buf), doctest::Contains("the server cannot resume"), BackendError);
  }
}

TEST_CASE("move: an upload is one PUT of Content-Length bytes, streamed as written") {
  const std::string body(300000, 'z');
  OneShotServer server("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", body.size());
  SoapClient client(plain(server.sdk()));
  auto up = start_upload(client, server.url(), body.size(), "disk 'x'");
  up->write(body.data(), 100000);
  up->write(body.data() + 100000, 200000);
  CHECK_THROWS_AS(up->write("x", 1), BackendError);  // beyond the announced length
  up->finish();
  const std::string req = server.request();
  CHECK(req.rfind("PUT /folder/d/x-flat.vmdk?dcPath=DC0&dsName=ds HTTP/1.1\r\n", 0) == 0);
  CHECK(req.find("\r\nContent-Length: 300000\r\n") != std::string::npos);
  CHECK(req.find("Transfer-Encoding") == std::string::npos);
  CHECK(req.substr(req.find("\r\n\r\n") + 4) == body);
}

TEST_CASE("move: an upload the server refuses throws, at the latest when it ends") {
  const std::string body(300000, 'z');
  OneShotServer server("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  SoapClient client(plain(server.sdk()));
  auto up = start_upload(client, server.url(), body.size(), "disk 'x'");
  CHECK_THROWS_AS((up->write(body.data(), body.size()), up->finish()), BackendError);
}

}  // TEST_SUITE
