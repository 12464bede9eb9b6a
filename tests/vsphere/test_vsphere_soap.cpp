// The SOAP client's parsing and request building, on vcsim's captured
// answers (tests/vcsim/soap-samples): namespace-matched xsi:type, list items
// without a type, faults, task errors, and escaping/redaction of requests.
#include <doctest/doctest.h>

#include "hvctl/error.hpp"
#include "tasks.hpp"
#include "tls_pin.hpp"
#include "vim_session.hpp"
#include "vm_model.hpp"
#include "vsphere_checks.hpp"
#include "vsphere_test_util.hpp"

using namespace hvctl;
using namespace hvctl::vsphere;
using hvctl::vsphere::test::sample;

namespace {

RetrieveResult objects_of(const std::string& file, xml::DocPtr& keep) {
  Response r = parse_response(sample(file), 200);
  keep = r.doc;
  return parse_retrieve_result(r.returnval());
}

std::string fault_of(const std::string& file, std::string* type = nullptr) {
  try {
    parse_response(sample(file), 500);
  } catch (const SoapFault& f) {
    if (type) *type = f.type();
    return f.what();
  }
  FAIL("no fault in " << file);
  return "";
}

}  // namespace

TEST_SUITE("vsphere") {

TEST_CASE("soap: service content and login") {
  Response sc = parse_response(sample("01-RetrieveServiceContent.response.xml"), 200);
  const ServiceContent c = parse_service_content(sc.returnval());
  CHECK(c.property_collector == Moref{"PropertyCollector", "propertyCollector"});
  CHECK(c.root_folder == Moref{"Folder", "group-d1"});
  CHECK(c.session_manager.value == "SessionManager");
  CHECK(c.api_type == "VirtualCenter");
  Response login = parse_response(sample("03-Login.response.xml"), 200);
  CHECK(xml::local_name(login.body) == "LoginResponse");
  CHECK(xml::child_text(login.returnval(), "userName") == "user");
}

TEST_CASE("soap: xsi:type is matched by namespace URI, not by prefix") {
  xml::DocPtr doc;
  auto r = objects_of("07-RetrievePropertiesEx-ContainerView-VMs.response.xml", doc);
  REQUIRE(r.objects.size() == 4);
  CHECK(r.token.empty());
  const auto& vm = r.objects[0];
  CHECK(vm.obj == Moref{"VirtualMachine", "vm-57"});
  CHECK(vm.text("name") == "DC0_H0_VM0");
  CHECK(xml::xsi_type(vm.prop("name")) == "string");  // prefix "XMLSchema-instance"
  CHECK(xml::xsi_type(vm.prop("runtime.powerState")) == "VirtualMachinePowerState");

  SUBCASE("any prefix bound to the namespace works") {
    auto d = xml::parse(R"(<v xmlns:q="http://www.w3.org/2001/XMLSchema-instance" q:type="xsd:int">1</v>)");
    CHECK(xml::xsi_type(xmlDocGetRootElement(d.get())) == "int");
  }
  SUBCASE("the prefix xsi bound elsewhere does not") {
    auto d = xml::parse(R"(<v xmlns:xsi="urn:not-schema-instance" xsi:type="xsd:int">1</v>)");
    CHECK(xml::xsi_type(xmlDocGetRootElement(d.get())) == "");
  }
}

TEST_CASE("soap: array items without a type and unknown properties are tolerated") {
  xml::DocPtr doc;
  auto r = objects_of("08-RetrievePropertiesEx-VM-arrays.response.xml", doc);
  REQUIRE(r.objects.size() == 1);
  const auto nics = xml::children(r.objects[0].prop("guest.net"));
  REQUIRE(nics.size() == 1);
  CHECK(xml::xsi_type(nics[0]) == "");
  CHECK(xml::child_text(nics[0], "macAddress") == "00:0c:29:36:63:62");
  const VmConfig vm = read_vm_config(r.objects[0], {});
  CHECK(vm.extra_config.at("govcsim") == "TRUE");
  CHECK(vm.name.empty());  // not asked for: no error
}

TEST_CASE("soap: faults name their type and their words") {
  std::string type;
  CHECK(fault_of("02-Login-wrong-password.response.xml", &type) == "Login failure (InvalidLogin)");
  CHECK(type == "InvalidLogin");
  CHECK(fault_of("21-Destroy_Task-wrong-moref-type.response.xml", &type) ==
        "managed object not found: ManagedEntity:vm-69 (ManagedObjectNotFound)");
  // An empty faultstring: the fault's fields stand in.
  CHECK(fault_of("28-PowerOnVM_Task-after-Logout.response.xml", &type) ==
        "object=vm-57, privilegeId=System.View (NotAuthenticated)");
  CHECK(type == "NotAuthenticated");
  CHECK_THROWS_AS(parse_response("<html>502 Bad Gateway</html>", 502), std::runtime_error);
  CHECK_THROWS_AS(parse_response("not xml", 200), std::runtime_error);
}

TEST_CASE("soap: missing properties after logout are reported per property") {
  xml::DocPtr doc;
  auto r = objects_of("27-RetrievePropertiesEx-after-Logout.response.xml", doc);
  REQUIRE(r.objects.size() == 1);
  REQUIRE(r.objects[0].missing.size() == 4);
  CHECK(r.objects[0].missing[0] == std::pair<std::string, std::string>{"name", "NotAuthenticated"});
}

TEST_CASE("tasks: success carries its result, errors the fault type and fields") {
  xml::DocPtr doc;
  auto ok = objects_of("10-RetrievePropertiesEx-Task-info-CreateVM.response.xml", doc);
  const TaskInfo created = parse_task_info(ok.objects.at(0).prop("info"));
  CHECK(created.state == "success");
  REQUIRE(created.result);
  CHECK(*created.result == Moref{"VirtualMachine", "vm-69"});

  auto bad = objects_of("17-RetrievePropertiesEx-Task-info-error.response.xml", doc);
  const TaskInfo failed = parse_task_info(bad.objects.at(0).prop("info"));
  CHECK(failed.state == "error");
  CHECK(failed.fault_type == "InvalidPowerState");
  CHECK(failed.fault_text == "*types.InvalidPowerState");
  CHECK(describe_fault(failed.fault_type, failed.fault_text, failed.fault_detail) ==
        "requestedState=poweredOn, existingState=poweredOn (InvalidPowerState)");
  CHECK(describe_fault("InvalidState", "The operation is not allowed", "") ==
        "The operation is not allowed (InvalidState)");
}

TEST_CASE("tasks: a running task's progress is read, and only while it is a percent") {
  std::string running = sample("10-RetrievePropertiesEx-Task-info-CreateVM.response.xml");
  const std::string state = "<state>success</state>";
  running.replace(running.find(state), state.size(), "<state>running</state>");
  const std::string reason = "<reason ";
  running.insert(running.find(reason), "<progress>42</progress>");
  Response r = parse_response(running, 200);
  const TaskInfo info = parse_task_info(parse_retrieve_result(r.returnval()).objects.at(0).prop("info"));
  CHECK(info.state == "running");
  CHECK(info.progress == 42u);
  xml::DocPtr doc;
  CHECK_FALSE(parse_task_info(objects_of("10-RetrievePropertiesEx-Task-info-CreateVM.response.xml", doc).objects.at(0).prop("info"))
                  .progress);
}

TEST_CASE("requests: built by libxml2, escaped, and redacted for traces") {
  auto req = xml::Builder::soap("Login");
  req.top().add_moref("_this", "SessionManager", "SessionManager");
  req.top().add("userName", "a<b&\"c\"");
  req.top().add("password", "s3cret");
  const std::string text = req.str();
  CHECK(text.find("<Login xmlns=\"urn:vim25\">") != std::string::npos);
  CHECK(text.find("<userName>a&lt;b&amp;\"c\"</userName>") != std::string::npos);
  CHECK(text.find("s3cret") != std::string::npos);
  const std::string traced = req.str(false, true);
  CHECK(traced.find("s3cret") == std::string::npos);
  CHECK(traced.find("(redacted)") != std::string::npos);

  auto view = xml::Builder::soap("RetrievePropertiesEx");
  view.top().add_moref("_this", "ContainerView", "session[5e31d4e4-bebf]0f8823e3-4837");
  CHECK(view.str().find("5e31d4e4-bebf") != std::string::npos);
  CHECK(view.str(false, true).find("5e31d4e4-bebf") == std::string::npos);
  CHECK(view.str(false, true).find(">session[(redacted)]0f8823e3-4837<") != std::string::npos);

  auto typed = xml::Builder::soap("X");
  typed.top().add("device").typed("VirtualDisk");
  CHECK(typed.str().find("<device xsi:type=\"VirtualDisk\"/>") != std::string::npos);
}

TEST_CASE("thumbprints: colon-separated or plain, any case") {
  const std::string hex = "AB" + std::string(62, '0');
  CHECK(normalize_thumbprint("ab:" + std::string(62, '0')) == hex);
  CHECK_THROWS_AS(normalize_thumbprint("12:34"), std::invalid_argument);
  CHECK_THROWS_AS(normalize_thumbprint(std::string(64, 'g')), std::invalid_argument);
}

TEST_CASE("checks: what vSphere cannot express is reported at its mark") {
  VmSpec spec;
  spec.name = "vm";
  spec.cpu.cap = 50;
  spec.field_marks["cpu.cap"] = {"f.yaml", 7, 5};
  spec.disks = {{"d", {}, {}, std::string("virtio"), std::string("qcow2"), {}}};
  spec.nics = {{"n", {}, {}, std::string("virtio")}};
  spec.memory.size_mib = 1025;
  const auto problems = vsphere_check(spec);
  REQUIRE(problems.size() == 6);
  CHECK(problems[0].str() == "f.yaml:7:5: VM 'vm': cpu.cap cannot be expressed on vSphere (its CPU limit is in MHz)");
  CHECK(vsphere_capabilities().fields.count("cpu.cap") == 0);
  CHECK(vsphere_capabilities().fields.count("boot.kernel") == 0);
  CHECK(vsphere_capabilities().default_parallel == 8);
}

}  // TEST_SUITE
