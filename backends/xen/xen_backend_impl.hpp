// The Xen backend class, shared by xen_backend.cpp (inventory, definitions)
// and xen_power.cpp (power operations). Private to backends/xen.
#pragma once

#include <memory>
#include <mutex>

#include "hvctl/backend.hpp"
#include "xen_guest.hpp"
#include "xen_host.hpp"
#include "xen_state.hpp"

namespace hvctl::xen {

class XenBackend final : public Backend {
public:
  XenBackend(Target t, Diagnostics& diagnostics);

  const Capabilities& capabilities() const override { return caps_; }
  std::vector<Problem> check(const VmSpec& spec) const override;
  std::vector<Problem> check_transition(const VmSpec& desired, const VmState& actual) const override;
  std::vector<Problem> check_on_target(const VmSpec& desired, const VmState* actual) override;
  TargetInfo probe() override;
  std::vector<VmState> list() override;
  std::vector<HostInfo> hosts() override;        // xen_inventory.cpp
  std::vector<NetworkInfo> networks() override;
  std::vector<StorageInfo> storage() override;
  std::optional<VmState> lookup(const std::string& name) override;
  void create(const VmSpec& spec) override;
  void reconfigure(const VmSpec& spec, const VmState& actual) override;
  void power(const std::string& name, const PowerRequest& request) override;
  void destroy(const std::string& name) override;
  Readiness readiness(const VmSpec& spec) override;
  ConsoleAccess console(const std::string& name) override;
  // hvctl move (xen_move.cpp): the disks are files in dom0.
  DiskInventory disks_for_move(const VmState& vm) override;
  std::unique_ptr<DiskReader> read_disk(const VmState& vm, const DiskSource& disk, std::uint64_t offset) override;
  DiskPlacement place_disk(const VmSpec& spec, const DiskSpec& disk, std::uint64_t capacity,
                           const std::string& storage) override;
  std::unique_ptr<DiskWriter> write_disk(const DiskPlacement& placement) override;
  std::unique_ptr<DiskReader> read_placed(const DiskPlacement& placement) override;

private:
  const Libxl& xl();
  std::string who(const std::string& vm) const;
  VmRecord require_record(const std::string& name, const char* what) const;
  VmSpec clone_of(const VmSpec& desired);
  std::optional<VmState> describe(const std::string& name, const std::optional<DomainInfo>& dom);
  void start(const std::string& name, bool paused);
  void stop(const std::string& name, const PowerRequest& request);
  void apply_live(const DomainInfo& dom, const VmSpec& to, const VmSpec& from);
  void set_vcpus_online(const DomainInfo& dom, int count, const std::string& who);

  const Target target_;
  const Capabilities caps_;
  Diagnostics& diagnostics_;
  const StateStore store_;
  const std::string monitor_;  // "" when none
  const std::string pvgrub_dir_;
  std::mutex mutex_;           // guards the lazy open of xl_
  std::unique_ptr<Libxl> xl_;
  ReadinessProbe ready_probe_;
};

// The spec as the VM runs it: the record's spec with the xen block filled
// with the effective type and actions, so a spec that names them compares.
VmSpec effective_spec(VmSpec spec);

// The spec of a domain hvctl did not create, from what libxl_domain_info says.
VmSpec spec_from_domain(const DomainInfo& dom);

}  // namespace hvctl::xen
