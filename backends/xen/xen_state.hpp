// What hvctl keeps about the Xen VMs it manages. A Xen domain exists only
// while it runs, so the spec of a VM lives in a record: a state file per VM
// (the VM's definition, also while it is stopped) and a copy in the running
// domain's libxl userdata under the "hvctl" userid (what it was started with).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hvctl/spec.hpp"

namespace hvctl::xen {

inline constexpr const char* kUserdataId = "hvctl";           // libxl userdata: the record
inline constexpr const char* kStopIntentId = "hvctl-stopping"; // libxl userdata: hvctl is stopping it

struct VmRecord {
  std::string uuid;  // the domain's UUID, kept across restarts
  VmSpec spec;       // the definition, without target and power
  std::map<std::string, std::string> images;  // disk id -> the image hvctl made for it (disks[].from)
  std::optional<std::string> seed;            // the NoCloud seed hvctl made of spec.init
};

// The record as one JSON document, and back. `origin` names the source in
// errors. Throws BackendError when the text is not a record.
std::string record_to_json(const VmRecord& record);
VmRecord record_from_json(const std::string& text, const std::string& origin);

// One JSON file per VM in a directory (default /var/lib/hvctl/xen).
// Writes are atomic (temporary file + rename); methods throw BackendError
// naming the file on I/O errors.
class StateStore {
public:
  explicit StateStore(std::string dir) : dir_(std::move(dir)) {}

  const std::string& dir() const { return dir_; }
  std::string path(const std::string& name) const;

  // The record for `name`, or nullopt when there is none.
  std::optional<VmRecord> load(const std::string& name) const;
  // Creates the directory if needed and replaces the record.
  void save(const VmRecord& record) const;
  // Removes the record; absent is fine.
  void remove(const std::string& name) const;
  // Names of every stored VM, sorted. A missing directory holds none.
  std::vector<std::string> names() const;

  // An exclusive lock on the store (flock of DIR/.lock, created as needed),
  // held while the returned object lives. hvctl's destroy and the monitor's
  // restart of a domain take it, so a VM being deleted is not restarted.
  class Lock {
  public:
    explicit Lock(int fd) : fd_(fd) {}
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;
    ~Lock();
  private:
    int fd_;
  };
  Lock lock() const;

private:
  std::string dir_;
};

}  // namespace hvctl::xen

