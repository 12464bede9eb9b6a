// Spec -> libxl_domain_config, as a pure function: no hypervisor, no context,
// no I/O. Golden tests compare libxl_domain_config_to_json() of its result
// with checked-in JSON (tests/golden/xen/).
#pragma once

#include <string>
#include <vector>

#include "hvctl/error.hpp"
#include "hvctl/spec.hpp"
#include "xen_c.hpp"

namespace hvctl::xen {

// Owns one libxl_domain_config (init on construction, dispose on destruction).
class DomainConfig {
public:
  DomainConfig() { libxl_domain_config_init(&cfg_); }
  ~DomainConfig() { libxl_domain_config_dispose(&cfg_); }
  DomainConfig(const DomainConfig&) = delete;
  DomainConfig& operator=(const DomainConfig&) = delete;

  libxl_domain_config* get() { return &cfg_; }
  const libxl_domain_config* get() const { return &cfg_; }

  // libxl's own JSON form of the config (what `xl create -n` prints); works
  // without a hypervisor.
  std::string json() const;

private:
  mutable libxl_domain_config cfg_;  // libxl's JSON generator takes a non-const pointer
};

// The domain type a spec asks for: xen.type, else "pvh" when the spec boots a
// kernel directly and "hvm" when it boots from disk.
std::string domain_type(const VmSpec& spec);

// Where pvgrub2 (GRUB 2 built for Xen, Debian's grub-xen-host) lives unless
// the target's option pvgrub_dir says otherwise.
inline constexpr const char* kDefaultPvgrubDir = "/usr/lib/grub-xen";

// The pvgrub2 image a guest of `type` boots as its kernel, in `pvgrub_dir`:
// grub-x86_64-xen.bin for pv, grub-i386-xen_pvh.bin for pvh. Pure.
std::string pvgrub_image(const std::string& type, const std::string& pvgrub_dir);

// `spec` as libxl boots it: a PV or PVH guest's boot.loader replaced by the
// kernel it is (pvgrub_image), the one place the loader becomes a path; the
// record and what is read back keep boot.loader. Anything else: as it is. Pure.
VmSpec with_boot_loader(VmSpec spec, const std::string& pvgrub_dir);

// Fills `out` (freshly initialised) from `spec`. `uuid` is the domain's
// persistent UUID ("" leaves it nil, which golden tests use). Throws
// InputError for values libxl rejects (bad disk string, bad MAC); everything
// check_spec() reports must be fixed before calling this.
void build_domain_config(const VmSpec& spec, const std::string& uuid, DomainConfig& out);

// What this backend cannot express in `spec`, beyond Capabilities::fields:
// uefi on PV, PV/PVH without a kernel or loader, a loader on HVM, disk buses and formats Xen lacks,
// NIC models a PV guest cannot have, disks hvctl would have to create.
std::vector<Problem> check_spec(const VmSpec& spec);

// What check_spec finds in the VM that reconfigure would make (`desired`
// over `actual`, as the record becomes) beyond what it finds in `desired`
// alone: settings the VM keeps that the new ones do not go with (its UEFI
// firmware when the spec now asks for xen.type pv). At desired's marks, or
// its document's where the clash is with a kept setting.
std::vector<Problem> check_merged(const VmSpec& desired, const VmSpec& actual);

// Fills `out` (freshly initialised) with vCPUs 0..online-1 of `max`: the
// domain's avail_vcpus at create, the map libxl_set_vcpuonline takes live.
// libxl_bitmap_dispose frees it.
void online_vcpus(int online, int max, libxl_bitmap& out);

// The libxl action for a spec word ("destroy", "rename-restart", ...).
libxl_action_on_shutdown action_from_word(const std::string& word);

// The device name Xen gives disk `index` of `spec` ("xvdb"): the next letter
// of its bus's prefix (xvd, hd, sd), in list order. Throws InputError past z.
std::string disk_vdev(const VmSpec& spec, std::size_t index);

// Disk or NIC `index` of `spec` as the libxl device build_domain_config puts
// in the domain config, for hot-plug and removal on a running domain (one
// translation for both). `out` is freshly initialised; throws as
// build_domain_config does. A NIC's devid is its index in the list.
void fill_disk(const VmSpec& spec, std::size_t index, libxl_device_disk& out);
void fill_nic(const VmSpec& spec, std::size_t index, libxl_device_nic& out);

// A libxl device struct, initialised on construction, disposed on destruction.
template <typename T, void (*Init)(T*), void (*Dispose)(T*)>
class Device {
public:
  Device() { Init(&d_); }
  ~Device() { Dispose(&d_); }
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;
  T& get() { return d_; }

private:
  T d_;
};
using DiskDevice = Device<libxl_device_disk, libxl_device_disk_init, libxl_device_disk_dispose>;
using NicDevice = Device<libxl_device_nic, libxl_device_nic_init, libxl_device_nic_dispose>;

// The xl disk specification string for disk `index` of `spec`
// ("format=raw,vdev=xvda,access=rw,target=/img"), fed to xlu_disk_parse.
std::string disk_spec_string(const VmSpec& spec, std::size_t index);
// Drive `index` (spec.cdroms) likewise: an emulated cdrom on HVM, a read-only
// xen disk on PV and PVH; its device follows the disks'.
std::string cdrom_spec_string(const VmSpec& spec, std::size_t index);

}  // namespace hvctl::xen
