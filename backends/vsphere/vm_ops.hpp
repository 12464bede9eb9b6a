// VM operations as vim25 calls: create, reconfigure, power, destroy,
// snapshots. Each takes the VM's moref; the backend finds it by name and
// adds "target 'T': <verb> VM 'N'" to whatever these throw (SoapFault,
// TransportError, std::invalid_argument, TimeoutError).
#pragma once

#include <string>
#include <vector>

#include "hvctl/backend.hpp"
#include "inventory.hpp"
#include "tasks.hpp"

namespace hvctl::vsphere {

class VmOps {
public:
  VmOps(VimSession& session, Inventory& inventory) : s_(session), inv_(inventory) {}

  // CreateVM_Task in the spec's placement; returns the new VM.
  Moref create(const VmSpec& spec);
  // ReconfigVM_Task with only what differs; does nothing when nothing does.
  void reconfigure(const Moref& vm, const VmSpec& desired);
  // Idempotent power change; graceful stop polls until off or `timeout`.
  void power(const Moref& vm, const PowerRequest& request);
  // Powers off, detaches disks hvctl attached by path, Destroy_Task.
  void destroy(const Moref& vm);
  // Snapshot create / list / revert / remove by name.
  std::vector<std::string> snapshot(const Moref& vm, const SnapshotRequest& request);

private:
  TaskInfo task(const std::string& method, const Moref& self, const std::function<void(xml::Element)>& args = {});
  void shutdown_guest(const Moref& vm, std::chrono::seconds timeout);
  void reboot(const Moref& vm, const PowerRequest& request);
  Moref find_snapshot(const Moref& vm, const std::string& name, std::vector<std::string>* all);

  VimSession& s_;
  Inventory& inv_;
};

}  // namespace hvctl::vsphere
