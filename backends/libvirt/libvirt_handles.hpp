// Ownership of libvirt objects and the one way libvirt errors become
// BackendErrors. Internal to the libvirt backend.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

namespace hvctl::libvirt {

struct DomainFree {
  void operator()(virDomainPtr p) const { virDomainFree(p); }
};
struct PoolFree {
  void operator()(virStoragePoolPtr p) const { virStoragePoolFree(p); }
};
struct VolFree {
  void operator()(virStorageVolPtr p) const { virStorageVolFree(p); }
};
struct SnapshotFree {
  void operator()(virDomainSnapshotPtr p) const { virDomainSnapshotFree(p); }
};
struct MallocFree {
  void operator()(void* p) const { free(p); }  // strings libvirt allocates
};

using Domain = std::unique_ptr<virDomain, DomainFree>;
using Pool = std::unique_ptr<virStoragePool, PoolFree>;
using Vol = std::unique_ptr<virStorageVol, VolFree>;
using Snapshot = std::unique_ptr<virDomainSnapshot, SnapshotFree>;
using CString = std::unique_ptr<char, MallocFree>;

// Which target and VM an operation is about, for error messages.
struct Context {
  std::string target;
  std::string vm;

  // Throws BackendError "target 'T': <what> VM 'V': <libvirt's last error>".
  [[noreturn]] void fail(std::string_view what) const;
  // Same, with `detail` instead of libvirt's message.
  [[noreturn]] void fail(std::string_view what, std::string_view detail) const;
};

// The calling thread's last libvirt error code (VIR_ERR_OK when none).
int last_error_code();

// libvirt's XML for a domain (flags: VIR_DOMAIN_XML_*); throws via ctx.
std::string domain_xml(virDomainPtr dom, unsigned flags, const Context& ctx);

}  // namespace hvctl::libvirt
