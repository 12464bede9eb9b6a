#include "hvctl/spec_doc.hpp"

namespace hvctl {

using namespace fields;

const char* column_title(Column c) {
  switch (c) {
    case Column::libvirt: return "libvirt";
    case Column::vsphere: return "vSphere";
    case Column::xen: return "Xen";
  }
  return "?";
}

std::string backend_use_text(const Field& f, Column c) {
  const auto& u = f.on(c);
  if (f.universal() || f.kind == Kind::constant) return "";
  const std::string how = u.how;
  const auto with = [&](const char* tail) { return how.empty() ? std::string(tail) : how + "; " + tail; };
  switch (u.use) {
    case Use::hot: return with("changes on a running VM");
    case Use::restart: return f.is_leaf() ? with("a change needs a restart") : how;
    case Use::create: return with("read at create only, not compared");
    case Use::refused: return "not expressible, a validation error: " + how;
    case Use::none:
      // Said once, on the block: every field in it is ignored alike.
      return f.is_leaf() ? "" : "kept in the spec and ignored (a block for another hypervisor)";
  }
  return "";
}

}  // namespace hvctl
