// Changes on a running libvirt domain: the hot fields set live, disks and
// NICs attached and detached in the live domain and its persistent config at
// once, disks grown in place. Internal to the libvirt backend.
#pragma once

#include <chrono>
#include <string>

#include "libvirt_handles.hpp"
#include "libvirt_xml.hpp"

namespace hvctl::libvirt {

// Sets the hot fields (memory, cpu.weight, labels, description, a cdrom's medium) that differ
// from `from` to `to` on the running domain. Memory above its running
// maximum is refused before anything changes.
void apply_live(virDomainPtr dom, const VmSpec& to, const VmSpec& from, const DomainDefaults& d, const Context& c);

// How long a detach waits for the guest to release the device, unless the
// target's `timeout` option says otherwise.
inline constexpr std::chrono::seconds kDetachDeadline{30};

// The running domain's disks and NICs as they change, one device at a time.
// Every failure throws BackendError through the Context naming the device;
// done() then says what the domain has, so the caller can write a config
// that matches it.
class LiveDevices {
public:
  // `from`: the domain's spec as read before any change.
  LiveDevices(virDomainPtr dom, const VmSpec& from, const Context& ctx,
              std::chrono::milliseconds detach_deadline = kDetachDeadline);

  // Detaches each disk (by its source) and NIC (by its MAC) of `from` that
  // `to` does not name, live and config, and waits until the guest has let
  // go of it (QEMU's detach only asks the guest). Throws when the guest has
  // not within the deadline, saying the config no longer has the device.
  void detach_unlisted(const VmSpec& to);

  // Grows each disk of `to` whose size is above what `from` reports, with
  // virDomainBlockResize (QEMU resizes the image it holds open). A smaller
  // size throws: hvctl never shrinks a disk.
  void grow(const VmSpec& to);

  // Attaches each disk and NIC of `to` that `from` lacks, live and config,
  // with the XML spec_to_domain_xml writes for it (disk_device_xml,
  // nic_device_xml). A NIC without a MAC gets the one libvirt generated
  // written into `to`, so the config hvctl defines next keeps it.
  void attach_new(VmSpec& to, const DomainDefaults& d);

  // `from` with the devices attached and detached so far, as the config has
  // them (a device whose detach timed out is gone from it).
  const VmSpec& done() const { return done_; }
  // Whether any device was attached, detached or grown.
  bool changed() const { return changed_; }

private:
  std::string live_xml() const;
  void wait_gone(const std::string& what, const char* name, const std::string& key);
  void attach(const std::string& what, const std::string& xml);

  virDomainPtr dom_;
  const VmSpec from_;
  VmSpec done_;
  const Context ctx_;
  const std::chrono::milliseconds deadline_;
  bool changed_ = false;
};

}  // namespace hvctl::libvirt
