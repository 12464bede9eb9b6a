// VmSpec <-> libvirt domain XML, and the few other XML documents the libvirt
// backend sends (storage volumes, snapshots). Pure functions: libxml2 only,
// no libvirt calls, so everything here has golden and round-trip tests.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "hvctl/backend.hpp"
#include "hvctl/first_boot.hpp"
#include "hvctl/spec.hpp"

namespace hvctl::libvirt {

// hvctl keeps what libvirt has no element for (labels, disk/NIC ids, which
// volumes it created, the machine alias asked for) in <metadata> under this namespace.
inline constexpr const char* kMetadataNs = "https://hvctl.dev/xmlns/libvirt/1";
inline constexpr const char* kMetadataPrefix = "hvctl";

// What the translation needs beyond the spec. spec.libvirt wins over these.
struct DomainDefaults {
  std::string domain_type = "kvm";     // test | qemu | kvm | xen
  std::optional<std::string> arch;     // unset: libvirt picks the host's
  std::optional<std::string> machine;  // unset: libvirt picks the arch's default
  std::set<std::string> owned_disks;   // ids of disks whose volumes hvctl created (recorded in metadata)
  // Target device each disk id has on the domain ("root" -> "vda"), kept
  // while its bus stays: removing a disk does not rename the ones after it.
  std::map<std::string, std::string> disk_devs;
  // The NoCloud seed volume of spec.init, when it has been made: written as
  // a read-only drive (kSeedDrive) after the spec's own, and read back apart
  // from spec.cdroms.
  std::optional<std::string> seed_path;
};


// The network name that means user-mode networking: nics[].network "user" is
// <interface type='user'> (QEMU's own NAT and DHCP, which a session libvirtd,
// having no libvirt networks to offer, can do), not a libvirt network.
inline constexpr const char* kUserNetwork = "user";

// The domain XML for `spec`. Every disk must have a path (the backend creates
// volumes for size-only disks first). Throws BackendError on a disk without one.
std::string spec_to_domain_xml(const VmSpec& spec, const DomainDefaults& d);

// The <disk> element spec_to_domain_xml writes for the disk or drive with
// this id, and the <interface> for the NIC with this id, as documents of their
// own (what virDomainAttachDeviceFlags and UpdateDeviceFlags take). Throws
// BackendError on an id the spec lacks, or a disk without a path.
std::string disk_device_xml(const VmSpec& spec, const std::string& id, const DomainDefaults& d);
std::string cdrom_device_xml(const VmSpec& spec, const std::string& id, const DomainDefaults& d);
std::string nic_device_xml(const VmSpec& spec, const std::string& id);

// The <disk> whose source is `path` (with its <source> and <target> only),
// or the <interface> whose MAC is `mac` (with <mac> and <source> only), in a
// domain XML as libvirt reports it, as a document of its own: what
// virDomainDetachDeviceFlags matches, by target and MAC. "" when absent.
std::string disk_element(const std::string& domain_xml, const std::string& path);
std::string nic_element(const std::string& domain_xml, const std::string& mac);

// The <hvctl:vm> metadata element of spec_to_domain_xml without its namespace,
// as virDomainSetMetadata wants it (libvirt puts it under kMetadataNs itself).
std::string metadata_xml(const VmSpec& spec, const DomainDefaults& d);

// What the reverse translation reads from a domain's XML.
struct DomainDescription {
  VmState state;                      // name, uuid and spec; power is left to the caller
  std::map<std::string, std::string> disk_devs;  // disk id -> its target dev
  std::optional<std::string> seed_path;          // the seed drive's volume, when spec.init made one
};

// Reads a domain XML as libvirt reports it (with its defaults, addresses and
// controllers). Throws BackendError with libxml2's message on malformed XML.
DomainDescription parse_domain_xml(const std::string& xml);

// parse_domain_xml(xml).state.
VmState domain_xml_to_state(const std::string& xml);

// `generated` (from spec_to_domain_xml) plus everything in `current` (the
// domain's inactive XML) that hvctl does not manage: uuid, features, clock,
// graphics, controllers, floppies, loader/nvram, PCI addresses of kept devices,
// other applications' metadata, and the machine type libvirt expanded an alias to.
std::string carry_over_unmanaged(const std::string& generated, const std::string& current);

// True when `reported` is what libvirt makes of the machine `requested`:
// equal, or an expansion of an alias ("pc" -> "pc-i440fx-7.2", "q35" -> "pc-q35-7.2").
bool machine_matches(const std::string& requested, const std::string& reported);

// libvirt target device name for the index-th disk on `bus`: vda, sdb, hdc, xvdd, vdaa.
std::string disk_dev_name(const std::string& bus, std::size_t index);

// A storage volume to create: empty, or a copy-on-write overlay of a base image.
struct VolumeRequest {
  std::string name;
  std::uint64_t size_mib = 0;  // 0 with a backing image: the image's virtual size
  std::string format;          // raw | qcow2 (an overlay is qcow2)
  std::string backing_path;    // "" for an empty volume
  std::string backing_format;  // the base image's format (qcow2, raw, vmdk)
};

// <volume> XML for it.
std::string volume_xml(const VolumeRequest& r);

// <domainsnapshot> XML naming a snapshot.
std::string snapshot_xml(const std::string& name);

}  // namespace hvctl::libvirt
