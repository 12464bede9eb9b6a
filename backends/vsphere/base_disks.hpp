// Disks made from a base image (disks[].from) on vSphere, the pure part:
// datastore paths, the datastore file URL a VMDK descriptor is read from,
// the descriptor's size, and the CopyVirtualDisk_Task request. No I/O;
// VmOps (vm_base_disks.cpp) does the calls.
//
// What real vSphere needs, and what vcsim 0.24.2 does (QUIRKS.md):
// * The image is a VMDK on a datastore ("[LocalDS_0] images/base.vmdk"). Its
//   size is the sum of the extents in its descriptor (the small text file
//   the .vmdk is; the data is in -flat.vmdk), read through the datastore
//   file access GET /folder/<path>?dcPath=<datacenter>&dsName=<datastore>,
//   with a Range: the descriptor is small, the flat file may be huge. vcsim
//   serves datastore files the same way (without checking the session).
// * The copy is VirtualDiskManager.CopyVirtualDisk_Task into the VM's folder
//   on its datastore, "[ds] <vm>/<vm>-<disk id>.vmdk". Through vCenter a
//   destSpec is NotImplemented (govmomi's govc leaves it out for that
//   reason, and vcsim in vCenter mode answers the same): the copy keeps the
//   image's format. A host (ESXi, apiType HostAgent) takes one, and gets a
//   thin copy. force=false: vSphere answers FileAlreadyExists rather than
//   overwrite (and hvctl looks first, to say so plainly).
// * A size above the image's is a grow of the attached copy (a device edit,
//   as for any disk: ExtendVirtualDisk_Task would do it too on vSphere, but
//   vcsim 0.24.2 has none, and the edit is what growth does anyway).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "soap_client.hpp"
#include "xml_tree.hpp"

namespace hvctl::vsphere {

struct DatastorePath {
  std::string datastore, path;  // "[LocalDS_0] images/base.vmdk" -> LocalDS_0, images/base.vmdk
  std::string str() const { return "[" + datastore + "] " + path; }
  std::string dir() const;  // "images" ("" at the datastore's root)
};

// Parses "[ds] path"; nullopt when it is no datastore path (or names no file).
std::optional<DatastorePath> parse_datastore_path(const std::string& text);

// The datastore file access URL of `p` on the server at `sdk_url`
// ("https://vc/sdk"), percent-encoded: https://vc/folder/<path>?dcPath=..&dsName=..
std::string datastore_file_url(const std::string& sdk_url, const std::string& dc_path, const DatastorePath& p);

// The virtual size, in bytes, of a VMDK from the start of its .vmdk file:
// a text descriptor (the sum of its "RW|RDONLY|NOACCESS <sectors> ..."
// extents, 512-byte sectors), or a sparse VMDK's header (magic KDMV).
// nullopt when it is neither (e.g. a -flat.vmdk's raw data).
std::optional<std::uint64_t> vmdk_virtual_bytes(std::string_view head);

// One copy of a base image for one disk.
struct BaseCopy {
  std::string disk_id;
  DatastorePath source, dest;
  Moref source_dc, dest_dc;
  std::uint64_t image_bytes = 0;
};

// Where disk `disk_id`'s copy goes, beside the VM's .vmx (`vm_path`, its
// files.vmPathName "[ds] vm/vm.vmx"): "[ds] vm/<vm>-<disk id>.vmdk".
DatastorePath copy_destination(const std::string& vm_path, const std::string& vm_name, const std::string& disk_id);

// CopyVirtualDisk_Task's arguments into `top` (after _this). `host`: the
// server is an ESXi host, which takes a destSpec (thin); vCenter does not.
void write_copy_request(xml::Element top, const BaseCopy& c, bool host);
std::string copy_request_document(const BaseCopy& c, bool host);  // indented, for goldens

}  // namespace hvctl::vsphere
