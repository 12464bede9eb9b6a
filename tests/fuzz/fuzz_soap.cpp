// Fuzz harness: bytes as a vim25 SOAP response body, through parse_response
// and then every reader of what hvctl asks vCenter for: the service content,
// property-collector results (each object read as a VM and turned into a
// VmState, and as a task's info). SoapFault and the "no SOAP" runtime_error
// are the expected failures.
#include <cstdint>
#include <string>

#include "soap_client.hpp"
#include "tasks.hpp"
#include "vim_session.hpp"
#include "vm_model.hpp"

namespace {

void read_everything(const hvctl::vsphere::Response& r) {
  using namespace hvctl::vsphere;
  (void)parse_service_content(r.returnval());
  const RetrieveResult result = parse_retrieve_result(r.returnval());
  for (const auto& o : result.objects) {
    const VmConfig vm = read_vm_config(o, {{"dvportgroup-1", "pg"}});
    (void)to_vm_state(vm);
    const TaskInfo task = parse_task_info(o.prop("info"));
    if (task.state == "error") (void)describe_fault(task.fault_type, task.fault_text, task.fault_detail);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // The status decides only how a body without <Fault> is judged; try both.
  for (long status : {200L, 500L}) {
    try {
      read_everything(hvctl::vsphere::parse_response(text, status));
    } catch (const hvctl::vsphere::SoapFault&) {
    } catch (const std::runtime_error&) {  // malformed XML, no envelope, HTTP 500 without a fault
    }
  }
  return 0;
}
