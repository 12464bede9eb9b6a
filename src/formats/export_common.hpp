// Helpers every exporter shares: Losses that point back at where the spec said
// the thing, and the checks for what no native format carries.
#pragma once

#include <string>

#include "formats.hpp"

namespace hvctl::formats {

class LossLog {
public:
  explicit LossLog(const VmSpec& spec) : spec_(spec) {}
  // A loss about `field` ("disks[1]", "labels"), marked where the spec set it.
  void add(const std::string& field, const std::string& message) {
    losses_.push_back({spec_.mark_of(field), message});
  }
  std::vector<Loss> take() { return std::move(losses_); }

private:
  const VmSpec& spec_;
  std::vector<Loss> losses_;
};

// Labels, target, power and ensure: no native config file has them.
// `format` names the destination in the messages ("xl.cfg").
void note_spec_only_fields(const VmSpec& spec, const std::string& format, LossLog& log);

// What hvctl does with a VM beyond its configuration (clone source, template,
// prune, ready condition, first-boot identity, boot loader): no native file
// has them.
// note_spec_only_fields includes these.
void note_lifecycle_fields(const VmSpec& spec, const std::string& format, LossLog& log);

// vSphere and libvirt blocks for formats that are neither (xl.cfg), and so on.
void note_block(const VmSpec& spec, const std::string& block, const std::string& format, LossLog& log);

}  // namespace hvctl::formats
