// hvctl move on vSphere, the calls: the disks of a VM to copy off (layoutEx,
// disk_move.hpp), each flat extent streamed over the datastore file access
// (datastore_http.hpp), and a disk placed, uploaded and described on a
// datastore of this target. The backend adds "target 'T': <verb> VM 'N'" to
// what the reads throw; readers and writers name target, VM and disk themselves.
//
// * The datacenter of a datastore path is the one holding a datastore of
//   that name; when several do, the VM's own (by its inventory path), else
//   it is an error rather than a guess. dcPath is the datacenter's inventory
//   path ("DC0", "folder/DC0"), as govc's Datastore.NewURL sends it.
// * A placed disk is "[ds] <vm>/<vm>-<disk id>.vmdk" (as a copied base image
//   is named): the flat extent "<vm>-<disk id>-flat.vmdk" is PUT, then the
//   descriptor (flat_descriptor). vSphere then attaches it by path, as a
//   disk the user had (disks[].path); vcsim needs the -flat file to exist.
//   The VM made afterwards in "[ds] <vm>" may find the folder taken and use
//   another (vcsim: "<vm> (0)"; vCenter: "<vm>_1").
// * A PUT replaces a whole file: an interrupted upload starts again
//   (resume_offset 0). A read resumes from any offset (Range).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "disk_move.hpp"
#include "hvctl/backend.hpp"
#include "inventory.hpp"

namespace hvctl::vsphere {

class VmMove {
public:
  VmMove(VimSession& session, Inventory& inventory) : s_(session), inv_(inventory) {}

  // The disks of `vm` and what a cold copy cannot carry: one
  // read of the VM (devices, layoutEx, snapshot), one of its datastores'
  // types, and per disk whose capacity vSphere does not say a read of its
  // descriptor, else a HEAD of its extent.
  DiskInventory disks(const Moref& vm);
  // A reader of `disk`'s extent from `offset`, `disk.size` bytes in all.
  std::unique_ptr<DiskReader> read(const VmState& vm, const DiskSource& disk, std::uint64_t offset);

  // Where `disk` of the new VM `spec` goes (a HEAD or two: is it there?).
  // InputError for a datastore the target lacks. A capacity that is no whole
  // number of 512-byte sectors is uploaded with zeros to the sector's end
  // (what a guest sees of such a raw file is whole sectors anyway).
  DiskPlacement place(const VmSpec& spec, const DiskSpec& disk, std::uint64_t capacity, const std::string& storage);
  // Makes the VM's folder (MakeDirectory), then a writer of the flat extent.
  std::unique_ptr<DiskWriter> write(const DiskPlacement& placement);
  std::unique_ptr<DiskReader> read_placed(const DiskPlacement& placement);

  // The datastore file URL of `p` (its datacenter found as said above;
  // `vm_path`: the VM's inventory path, to choose among several).
  std::string file_url(const DatastorePath& p, const std::string& vm_path = "");
  std::string file_url(const DatastorePath& p, const Moref& dc);
  // The Datacenter holding datastore `name`, chosen as said above.
  Moref datacenter_of(const std::string& datastore, const std::string& vm_path = "");
  // FileManager.MakeDirectory with its parents; one there already is no error.
  void make_directory(const DatastorePath& dir, const Moref& dc);
  // FileManager.DeleteDatastoreFile_Task; a file that is not there is no error.
  void delete_file(const DatastorePath& p, const Moref& dc);

private:
  std::string what(const std::string& vm, const std::string& disk) const;
  // A HEAD of `url`; a 401 (the session is gone) logs in again.
  void fresh_session(const std::string& url);
  std::uint64_t find_capacity(const DiskFiles& f, const Moref& dc);
  Moref datacenter_of_disk(const DiskFiles& f);  // by the backing's datastore, else by name

  VimSession& s_;
  Inventory& inv_;
};

}  // namespace hvctl::vsphere
