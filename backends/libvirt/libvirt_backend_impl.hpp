// The libvirt backend's class, shared by its two halves: libvirt_backend.cpp
// (the connection, reads, readiness, console, snapshots; its top comment has
// the quirks of libvirt worth knowing) and libvirt_lifecycle.cpp (checks,
// create and clone, reconfigure, power, destroy). Internal to the backend;
// others reach it through make_libvirt_backend (libvirt_backend.hpp).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hvctl/backend.hpp"
#include "libvirt_caps.hpp"
#include "libvirt_guest.hpp"
#include "libvirt_handles.hpp"
#include "libvirt_inventory.hpp"
#include "libvirt_xml.hpp"

namespace hvctl::libvirt {

class LibvirtBackend final : public Backend {
public:
  LibvirtBackend(Target t, Diagnostics& diagnostics);
  ~LibvirtBackend() override;
  LibvirtBackend(const LibvirtBackend&) = delete;
  LibvirtBackend& operator=(const LibvirtBackend&) = delete;

  const Capabilities& capabilities() const override { return caps_; }
  std::vector<Problem> check(const VmSpec& spec) const override;
  std::vector<Problem> check_transition(const VmSpec& desired, const VmState& actual) const override {
    return libvirt::check_transition(desired, actual.spec);
  }
  TargetInfo probe() override;
  std::vector<VmState> list() override;
  std::vector<HostInfo> hosts() override { return {read_node(conn(), target_.name)}; }
  std::vector<NetworkInfo> networks() override { return read_networks(conn(), target_.name); }
  std::vector<StorageInfo> storage() override { return read_pools(conn(), target_.name); }
  std::optional<VmState> lookup(const std::string& name) override;
  void create(const VmSpec& spec) override;
  void reconfigure(const VmSpec& spec, const VmState& actual) override;
  void power(const std::string& name, const PowerRequest& request) override;
  void destroy(const std::string& name) override;
  std::vector<SnapshotInfo> snapshot(const std::string& name, const SnapshotRequest& request) override;
  Readiness readiness(const VmSpec& spec) override;
  ConsoleAccess console(const std::string& name) override;
  // hvctl move (libvirt_move.cpp).
  DiskInventory disks_for_move(const VmState& vm) override;
  std::unique_ptr<DiskReader> read_disk(const VmState& vm, const DiskSource& disk, std::uint64_t offset) override;
  DiskPlacement place_disk(const VmSpec& spec, const DiskSpec& disk, std::uint64_t capacity,
                           const std::string& storage) override;
  std::unique_ptr<DiskWriter> write_disk(const DiskPlacement& placement) override;
  std::unique_ptr<DiskReader> read_placed(const DiskPlacement& placement) override;

private:
  virConnectPtr conn();
  const std::string& node_name();  // the node's host name, asked once
  Context ctx(const std::string& vm) const { return {target_.name, vm}; }
  [[noreturn]] void fail_target(const std::string& what) const;
  Domain find(const std::string& name);
  Domain require(const std::string& name, const char* what);
  // `autostart`, when the caller knows it (list), spares a call per VM.
  std::optional<VmState> describe(virDomainPtr dom, std::optional<bool> autostart = std::nullopt);
  std::optional<std::set<std::string>> autostart_uuids();
  std::string detect_domain_type();
  DomainDefaults defaults_for(const VmSpec& spec);
  std::vector<std::string> create_volumes(VmSpec& spec, std::set<std::string>& owned, const Context& c);
  void rollback(const std::vector<std::string>& paths, const Context& c);
  std::string pool() const;  // where hvctl makes volumes: the target's pool option, else "default"
  void check_media(const VmSpec& spec, const Context& c) const;
  VmSpec clone_of(const VmSpec& spec, const Context& c);
  void watch_console_of(const VmSpec& spec);  // its next start is watched (ready.console)
  void delete_pruned_images(const VmSpec& before, const VmSpec& after, const std::set<std::string>& owned,
                            const Context& c);
  void reconfigure_stopped(virDomainPtr dom, VmSpec& to, const VmSpec& from, DomainDefaults& d, const Context& c);
  void reconfigure_running(virDomainPtr dom, VmSpec& to, const VmSpec& from, DomainDefaults& d, const Context& c);
  void redefine(virDomainPtr dom, const VmSpec& spec, const DomainDefaults& d, const Context& c);
  void define(const std::string& xml, const Context& c, const char* what, std::optional<bool> autostart);

  const Target target_;
  const Capabilities caps_;
  Diagnostics& diagnostics_;  // -vv: the domain XML each definition sends
  std::mutex mutex_;  // guards conn_ and domain_type_
  virConnectPtr conn_ = nullptr;
  std::optional<std::string> domain_type_;
  std::optional<std::string> node_name_;  // guarded by mutex_
  std::mutex watch_mutex_;  // guards console_watches_
  std::map<std::string, ConsoleWatch> console_watches_;  // by VM: ready.console
};

}  // namespace hvctl::libvirt
