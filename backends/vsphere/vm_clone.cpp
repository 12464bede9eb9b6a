#include "vm_clone.hpp"

#include "customization.hpp"
#include "translate.hpp"

namespace hvctl::vsphere {
namespace {

xml::Builder request(const char* method, const Moref& self) {
  auto req = xml::Builder::soap(method);
  req.top().add_moref("_this", self.type, self.value);
  return req;
}

void add_ref(xml::Element parent, const char* name, const Moref& ref) { parent.add_moref(name, ref.type, ref.value); }

}  // namespace

xml::Builder clone_request(const VmSpec& spec, const VmConfig& from, const CloneTarget& t) {
  auto req = request("CloneVM_Task", from.ref);
  auto top = req.top();
  add_ref(top, "folder", t.folder);
  top.add("name", spec.name);
  auto clone = top.add("spec");
  auto location = clone.add("location");
  if (t.datastore) add_ref(location, "datastore", *t.datastore);
  if (t.snapshot) location.add("diskMoveType", "createNewChildDiskBacking");
  add_ref(location, "pool", t.pool);
  if (t.host) add_ref(location, "host", *t.host);
  clone.add("template", false);
  write_clone_config(clone.add("config"), spec, from);
  const bool customize = spec.vsphere && !spec.vsphere->customization.empty() && !spec.is_template.value_or(false);
  if (customize) write_customization(clone.add("customization"), spec, from.nics.size());
  clone.add("powerOn", false);
  if (t.snapshot) add_ref(clone, "snapshot", *t.snapshot);
  return req;
}

xml::Builder mark_as_template_request(const Moref& vm) { return request("MarkAsTemplate", vm); }

xml::Builder mark_as_vm_request(const Moref& vm, const Moref& pool, const std::optional<Moref>& host) {
  auto req = request("MarkAsVirtualMachine", vm);
  add_ref(req.top(), "pool", pool);
  if (host) add_ref(req.top(), "host", *host);
  return req;
}

xml::Builder customize_request(const Moref& vm, const VmSpec& spec, std::size_t nics) {
  auto req = request("CustomizeVM_Task", vm);
  write_customization(req.top().add("spec"), spec, nics);
  return req;
}

}  // namespace hvctl::vsphere
