#include "logged_backend.hpp"

#include <chrono>

#include <fmt/format.h>

namespace hvctl {
namespace {

class LoggedBackend final : public Backend {
public:
  LoggedBackend(std::unique_ptr<Backend> inner, std::string target, Diagnostics& diagnostics)
      : inner_(std::move(inner)), target_(std::move(target)), diagnostics_(diagnostics) {}

  const Capabilities& capabilities() const override { return inner_->capabilities(); }
  std::vector<Problem> check(const VmSpec& spec) const override { return inner_->check(spec); }
  std::vector<Problem> check_transition(const VmSpec& desired, const VmState& actual) const override {
    return inner_->check_transition(desired, actual);
  }
  std::vector<Problem> check_on_target(const VmSpec& desired, const VmState* actual) override {
    return inner_->check_on_target(desired, actual);  // (per VM, mostly no I/O: not logged)
  }
  TargetInfo probe() override { return logged("probe", [&] { return inner_->probe(); }); }
  std::vector<VmState> list() override {
    return logged("list", [&] { return inner_->list(); }, [](const auto& vms) { return fmt::format("{} VMs", vms.size()); });
  }
  std::vector<HostInfo> hosts() override { return logged("hosts", [&] { return inner_->hosts(); }, count<decltype(inner_->hosts())>); }
  std::vector<NetworkInfo> networks() override { return logged("networks", [&] { return inner_->networks(); }, count<decltype(inner_->networks())>); }
  std::vector<StorageInfo> storage() override { return logged("storage", [&] { return inner_->storage(); }, count<decltype(inner_->storage())>); }
  std::optional<VmState> lookup(const std::string& name) override {
    return logged("lookup " + name, [&] { return inner_->lookup(name); },
                  [](const auto& vm) { return vm ? std::string(to_string(vm->power)) : std::string("no such VM"); });
  }
  void create(const VmSpec& spec) override { logged("create " + spec.name, [&] { inner_->create(spec); }); }
  void reconfigure(const VmSpec& spec, const VmState& actual) override {
    logged("reconfigure " + spec.name, [&] { inner_->reconfigure(spec, actual); });
  }
  void power(const std::string& name, const PowerRequest& r) override {
    logged(fmt::format("power {} {}{}", to_string(r.op), name, r.force ? " (hard)" : ""), [&] { inner_->power(name, r); });
  }
  void destroy(const std::string& name) override { logged("destroy " + name, [&] { inner_->destroy(name); }); }
  Readiness readiness(const VmSpec& spec) override {
    return logged("readiness " + spec.name, [&] { return inner_->readiness(spec); },
                  [](const Readiness& r) { return (r.ready ? "ready: " : "not ready: ") + r.detail; });
  }
  ConsoleAccess console(const std::string& name) override {
    return logged("console " + name, [&] { return inner_->console(name); });
  }
  std::vector<SnapshotInfo> snapshot(const std::string& name, const SnapshotRequest& r) override {
    static const char* const kOps[] = {"create", "list", "revert", "remove"};
    return logged(fmt::format("snapshot {} {} {}", kOps[static_cast<int>(r.op)], name, r.name),
                  [&] { return inner_->snapshot(name, r); });
  }
  std::string migrate(const std::string& name, const MigrateRequest& r) override {
    return logged(fmt::format("migrate {} to host {}{}", name, r.host, r.live ? " (live)" : ""),
                  [&] { return inner_->migrate(name, r); });
  }
  DiskInventory disks_for_move(const VmState& vm) override {
    return logged("disks for move " + vm.name, [&] { return inner_->disks_for_move(vm); });
  }
  std::unique_ptr<DiskReader> read_disk(const VmState& vm, const DiskSource& d, std::uint64_t offset) override {
    return logged(fmt::format("read disk {} of {} from {}", d.disk_id, vm.name, offset),
                  [&] { return inner_->read_disk(vm, d, offset); });
  }
  DiskPlacement place_disk(const VmSpec& spec, const DiskSpec& disk, std::uint64_t capacity,
                           const std::string& storage) override {
    return logged(fmt::format("place disk {} of {}", disk.id, spec.name),
                  [&] { return inner_->place_disk(spec, disk, capacity, storage); },
                  [](const DiskPlacement& p) { return p.path + (p.exists ? " (exists)" : ""); });
  }
  std::unique_ptr<DiskWriter> write_disk(const DiskPlacement& p) override {
    return logged("write disk " + p.path, [&] { return inner_->write_disk(p); });
  }
  std::unique_ptr<DiskReader> read_placed(const DiskPlacement& p) override {
    return logged("read placed disk " + p.path, [&] { return inner_->read_placed(p); });
  }

private:
  template <typename List>
  static std::string count(const List& items) {
    return fmt::format("{} found", items.size());
  }

  // Runs fn, then logs what it was, how long it took and, when `describe`
  // is given, what came back; a failure is logged and rethrown unchanged.
  template <typename Fn, typename Describe = std::nullptr_t>
  auto logged(const std::string& what, Fn&& fn, Describe describe = nullptr) -> decltype(fn()) {
    const auto start = std::chrono::steady_clock::now();
    auto ms = [&] { return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count(); };
    try {
      if constexpr (std::is_void_v<decltype(fn())>) {
        fn();
        diagnostics_.log(LogLevel::verbose, fmt::format("target '{}': {}: {:.1f} ms", target_, what, ms()));
      } else {
        auto result = fn();
        std::string detail;
        if constexpr (!std::is_same_v<Describe, std::nullptr_t>) detail = ", " + describe(result);
        diagnostics_.log(LogLevel::verbose, fmt::format("target '{}': {}: {:.1f} ms{}", target_, what, ms(), detail));
        return result;
      }
    } catch (const std::exception& e) {
      diagnostics_.log(LogLevel::verbose, fmt::format("target '{}': {}: failed after {:.1f} ms", target_, what, ms()));
      throw;
    }
  }

  std::unique_ptr<Backend> inner_;
  const std::string target_;
  Diagnostics& diagnostics_;
};

}  // namespace

std::unique_ptr<Backend> with_call_log(std::unique_ptr<Backend> backend, std::string target, Diagnostics& diagnostics) {
  return std::make_unique<LoggedBackend>(std::move(backend), std::move(target), diagnostics);
}

}  // namespace hvctl
