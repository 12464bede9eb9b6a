// vSphere snapshots: the tree read from a VirtualMachineSnapshotInfo (pure,
// on a hand-written answer in vSphere's shape), and against vcsim what hvctl
// does with two snapshots of one name, which vSphere allows and hvctl's own
// create refuses: made here behind the backend's back, as another client would.
#include <doctest/doctest.h>

#include "hvctl/backend.hpp"
#include "hvctl/error.hpp"
#include "inventory.hpp"
#include "properties.hpp"
#include "vcsim_env.hpp"
#include "vim_session.hpp"
#include "vm_ops.hpp"
#include "vsphere_backend.hpp"

using namespace hvctl;
using namespace hvctl::vsphere;
using namespace hvctl::vsphere::test;

namespace {

// One tree element; `children` is its childSnapshotList elements.
std::string tree(const std::string& element, const std::string& id, const std::string& name,
                 const std::string& created, const std::string& children = "") {
  return "<" + element + "><snapshot type=\"VirtualMachineSnapshot\">" + id +
         "</snapshot><vm type=\"VirtualMachine\">vm-7</vm><name>" + name + "</name><description/><id>1</id>" +
         "<createTime>" + created + "</createTime><state>poweredOff</state><quiesced>false</quiesced>" + children +
         "</" + element + ">";
}

// A RetrievePropertiesEx answer whose VM vm-7 has `snapshot` = `info` (omitted when empty).
std::string answer(const std::string& info) {
  const std::string prop = info.empty() ? "" :
      R"(<propSet><name>snapshot</name><val xsi:type="VirtualMachineSnapshotInfo">)" + info + "</val></propSet>";
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><objects><obj type="VirtualMachine">vm-7</obj>)" +
         prop + "</objects></returnval></RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope>";
}

std::vector<SnapshotInfo> read(const std::string& info) {
  const Response r = parse_response(answer(info), 200);
  const auto result = parse_retrieve_result(r.returnval());
  REQUIRE(result.objects.size() == 1);
  return read_snapshot_info(result.objects[0].prop("snapshot"));
}

}  // namespace

TEST_SUITE("vsphere") {

TEST_CASE("snapshots: VirtualMachineSnapshotInfo as a tree, parents first") {
  // Two roots; under "base" two children listed newest first, the newer with
  // a child of its own; times as vcsim (nanoseconds) and vCenter (offsets) write them.
  const std::string info =
      R"(<currentSnapshot type="VirtualMachineSnapshot">snapshot-14</currentSnapshot>)" +
      tree("rootSnapshotList", "snapshot-10", "base", "2026-12-01T12:26:07.631192894Z",
           tree("childSnapshotList", "snapshot-13", "upgrade", "2026-12-01T15:00:00+01:00",
                tree("childSnapshotList", "snapshot-14", "after-upgrade", "2026-12-01T14:30:00Z")) +
               tree("childSnapshotList", "snapshot-12", "tuning", "2026-12-01T12:40:00.5Z")) +
      tree("rootSnapshotList", "snapshot-20", "other", "2026-12-02T00:00:00-05:00");
  const auto list = read(info);
  CHECK(list == std::vector<SnapshotInfo>{
                    {"base", "snapshot-10", "", 1796127967, false},
                    {"tuning", "snapshot-12", "snapshot-10", 1796128800, false},
                    {"upgrade", "snapshot-13", "snapshot-10", 1796133600, false},
                    {"after-upgrade", "snapshot-14", "snapshot-13", 1796135400, true},
                    {"other", "snapshot-20", "", 1796187600, false},
                });
}

TEST_CASE("snapshots: none, and a createTime that does not parse") {
  CHECK(read("").empty());  // vSphere leaves `snapshot` unset on a VM without any
  const auto list = read(tree("rootSnapshotList", "snapshot-1", "odd", "yesterday"));
  REQUIRE(list.size() == 1);
  CHECK(list[0] == SnapshotInfo{"odd", "snapshot-1", "", std::nullopt, false});  // no currentSnapshot
}

}  // TEST_SUITE

TEST_SUITE("vsphere-vcsim" * doctest::skip(no_vcsim())) {

TEST_CASE("vcsim: two snapshots of one name, made by another client") {
  const ScopedEnv no_cache("HVCTL_NO_SESSION_CACHE", "1");
  const Target t = vcsim_target(env("HVCTL_VCSIM_URL"));
  auto b = make_vsphere_backend(t);
  b->destroy("vc-dup");
  VmSpec spec;
  spec.name = "vc-dup";
  spec.memory.size_mib = 32;
  b->create(spec);

  VimSession s(t, vcsim_client(t.uri));
  Inventory inv(s);
  const auto found = inv.named("vc-dup");
  REQUIRE(found.size() == 1);
  VmOps ops(s, inv);  // no name check at this level, as in vSphere itself
  ops.snapshot(found[0].ref, {SnapshotRequest::Op::create, "dup"});
  ops.snapshot(found[0].ref, {SnapshotRequest::Op::create, "dup"});

  using Op = SnapshotRequest::Op;
  const auto list = b->snapshot("vc-dup", {Op::list, ""});
  REQUIRE(list.size() == 2);
  CHECK(list[0].name == "dup");
  CHECK(list[1].name == "dup");
  CHECK(list[0].id != list[1].id);
  CHECK(list[1].parent == list[0].id);
  const std::string ambiguous = "target 'vc': revert VM 'vc-dup': 2 snapshots are named 'dup' (" + list[0].id +
                                ", " + list[1].id +
                                "): vSphere allows that, hvctl does not guess; rename all but one in vSphere";
  CHECK_THROWS_WITH_AS(b->snapshot("vc-dup", {Op::revert, "dup"}), ambiguous.c_str(), BackendError);
  CHECK_THROWS_AS(b->snapshot("vc-dup", {Op::remove, "dup"}), BackendError);
  CHECK_THROWS_AS(b->snapshot("vc-dup", {Op::create, "dup"}), InputError);
  CHECK(b->snapshot("vc-dup", {Op::list, ""}) == list);  // nothing reverted, removed or made
  b->destroy("vc-dup");
}

}  // TEST_SUITE
