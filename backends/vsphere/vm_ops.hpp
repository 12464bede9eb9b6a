// VM operations as vim25 calls: create, reconfigure, power, destroy,
// snapshots. Each takes the VM's moref; the backend finds it by name and
// adds "target 'T': <verb> VM 'N'" to whatever these throw (SoapFault,
// TransportError, std::runtime_error and std::invalid_argument, TimeoutError).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base_disks.hpp"
#include "hvctl/backend.hpp"
#include "inventory.hpp"
#include "tasks.hpp"

namespace hvctl::vsphere {

// A VM's `snapshot` property (a VirtualMachineSnapshotInfo <val>; nullptr:
// no snapshots) as a tree, depth first: each snapshot, then its children,
// siblings by creation time then name. id is the snapshot's moref value,
// created its createTime. Pure.
std::vector<SnapshotInfo> read_snapshot_info(const xmlNode* info);

class VmOps {
public:
  VmOps(VimSession& session, Inventory& inventory) : s_(session), inv_(inventory) {}

  // CreateVM_Task in the spec's placement; returns the new VM. NICs whose
  // MAC vSphere generated cost a read and a ReconfigVM_Task more (record_macs).
  // Disks with `from`: their images are checked before anything is made,
  // then copied and attached as reconfigure does; when that fails, the new
  // VM and the copies are deleted again.
  // Then, as for a clone: the guest customization (CustomizeVM_Task) and
  // MarkAsTemplate when the spec asks for them; when one fails, the new VM
  // is deleted again.
  Moref create(const VmSpec& spec);
  // CloneVM_Task of `source` (a VM or a template; vCenter only) into the
  // spec's placement (vm_clone.hpp), then reconfigure to the spec (vcsim
  // ignores the clone spec's config), CustomizeVM_Task when the clone has no
  // customization pending (vcsim ignores the clone spec's), MarkAsTemplate
  // when the spec asks. Linked: on the source's current snapshot, which must
  // exist. When a step after the clone fails, the clone is deleted again.
  Moref clone(const VmSpec& spec, const Moref& source);
  // The source's current snapshot, if it has one (one read).
  std::optional<Moref> current_snapshot(const Moref& vm);
  // ReconfigVM_Task with only what differs; does nothing when nothing does.
  // Adding a NIC without a MAC costs a read and a ReconfigVM_Task more. A
  // new disk with `from` is first copied into the VM's folder
  // (CopyVirtualDisk_Task; the copies are deleted when the attach fails),
  // and a size above the image's costs a ReconfigVM_Task more (a grow).
  // A missing image, or a size below it, throws InputError naming the VM,
  // the disk and the spec's line, before anything is made; so does an ISO
  // a drive gets that is not on its datastore (create checks them too).
  // A template the spec makes a VM is first MarkAsVirtualMachine'd into the
  // spec's pool (and host), or its datacenter's first; a VM the spec makes
  // a template is MarkAsTemplate'd last (it is off: the planner stops it).
  // A customization that differs from the one hvctl.customization records
  // runs CustomizeVM_Task (the VM off), then is recorded.
  void reconfigure(const Moref& vm, const VmSpec& desired);
  // Idempotent power change; graceful stop polls until off or `timeout`.
  void power(const Moref& vm, const PowerRequest& request);
  // Powers off, detaches disks hvctl attached by path, Destroy_Task.
  void destroy(const Moref& vm);
  // Snapshot create / list / revert / remove by name; list returns the tree
  // (read_snapshot_info, one RetrievePropertiesEx), the others nothing.
  // create does not look at the names already there (the backend does);
  // revert and remove refuse a name no snapshot or several have.
  std::vector<SnapshotInfo> snapshot(const Moref& vm, const SnapshotRequest& request);

private:
  Moref create_new(const VmSpec& spec);
  void change(const Moref& vm, const VmConfig& actual, const VmSpec& desired);
  // vm_provision.cpp: customization and template marking of a VM just made;
  // deletes it when they fail.
  void provision(const Moref& vm, const VmSpec& spec);
  // CustomizeVM_Task with one nicSettingMap entry per NIC the VM has, then
  // hvctl.customization records it.
  void customize(const Moref& vm, const VmSpec& spec);
  void record_customization(const Moref& vm, const VmSpec& spec);
  void mark_as_vm(const Moref& vm, const VmConfig& actual, const VmSpec& desired);
  void mark_as_template(const Moref& vm);
  // The spec's placement, in `vm`'s datacenter unless the spec names one.
  Placement placement_near(const VmConfig& vm, const VmSpec& spec);
  TaskInfo task(const std::string& method, const Moref& self, const std::function<void(xml::Element)>& args = {},
                const TaskProgress& progress = {});
  // Records in hvctl.nics the MACs vSphere generated for NICs just added
  // (write_nic_pins), so their ids survive other NICs' removal.
  void record_macs(const Moref& vm);
  // One ReconfigVM_Task from `actual` to `desired` (write_reconfig_spec), then record_macs.
  void send_reconfig(const Moref& vm, const VmConfig& actual, const VmSpec& desired);
  // vm_base_disks.cpp: the copies `spec`'s new disks with `from` need (those
  // `vm` lacks; nullptr: a new VM in datacenter `vm_dc`), each image read
  // and checked; reads only.
  std::vector<BaseCopy> base_copies(const VmSpec& spec, const VmConfig* vm, const Moref& vm_dc);
  // Copies each into `vm`'s folder, never over a file, pointing the disk's
  // path in `want` at its copy; `made` gets each copy made.
  void copy_bases(std::vector<BaseCopy>& copies, const VmConfig& vm, VmSpec& want, std::vector<BaseCopy>& made);
  // Throws when a file is at c.dest already (and sets c.dest_dc).
  void refuse_existing(BaseCopy& c);
  void delete_copies(const std::vector<BaseCopy>& made) noexcept;
  void grow_copies(const Moref& vm, const VmSpec& want, const std::vector<BaseCopy>& copies);
  void attach_bases(const Moref& vm, const VmConfig& actual, const VmSpec& desired, std::vector<BaseCopy> copies);
  Moref datacenter_of_datastore(const std::string& datastore, const Moref& prefer);
  SoapClient::FileAnswer read_datastore_file(const DatastorePath& p, const Moref& dc, std::size_t max_bytes);
  // InputError "<file:line>: target 'T': VM 'N': <list>[<id>]: <why>", at the field's mark.
  [[noreturn]] void refuse_at(const VmSpec& spec, const char* list, std::size_t i, const std::string& id,
                              const char* field, const std::string& why);
  [[noreturn]] void refuse_disk(const VmSpec& spec, std::size_t i, const char* field, const std::string& why);
  // Every ISO `spec` puts into a drive (one `vm` lacks there; nullptr: a new
  // VM in `vm_dc`) exists on its datastore: one ranged GET each; and a new
  // drive's bus is one vSphere adds drives on. Reads only.
  void check_isos(const VmSpec& spec, const VmConfig* vm, const Moref& vm_dc);
  void shutdown_guest(const Moref& vm, std::chrono::seconds timeout);
  void reboot(const Moref& vm, const PowerRequest& request);
  std::vector<SnapshotInfo> snapshots(const Moref& vm);
  Moref find_snapshot(const Moref& vm, const std::string& name);

  VimSession& s_;
  Inventory& inv_;
};

}  // namespace hvctl::vsphere
