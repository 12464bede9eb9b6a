// carry_over_unmanaged: a reconfigure regenerates the domain XML from the
// merged spec, which alone would drop everything hvctl does not model (the
// uuid, graphics, channels, floppies, loader/nvram, PCI addresses...). This
// copies those from the domain's current inactive XML into the generated one.
// hvctl's own elements always win; the current XML fills the gaps:
//   top level: elements the generated XML lacks (except <vcpus>, which would
//     contradict a changed vCPU count); <cputune>/<os>: children it lacks;
//   <cpu>: its attributes (mode, match...) and every child but <topology>
//     (model, features, numa...), when hvctl writes one for the topology;
//   <os>: arch and machine when not asked for, the expanded machine when the
//     alias asked for matches it, loader/nvram only while the firmware is UEFI;
//   <devices>: every device hvctl does not manage, and for each managed disk
//     (same dev and bus) or NIC (same MAC) the children hvctl does not write
//     (address, boot order, serial, iotune...) and the driver's extra attributes;
//   <metadata>: other applications' elements.
#include <set>

#include "libvirt_xml.hpp"
#include "xml_util.hpp"

namespace hvctl::libvirt {
namespace {

const char* name_of(const xmlNode* n) { return reinterpret_cast<const char*>(n->name); }

void copy_into(xmlNode* parent, const xmlNode* node) {
  xmlAddChild(parent, xmlDocCopyNode(const_cast<xmlNode*>(node), parent->doc, 1));
}

// Copies attributes of `from` that `to` does not have.
void fill_attributes(xmlNode* to, const xmlNode* from) {
  for (const xmlAttr* a = from->properties; a; a = a->next) {
    const char* name = reinterpret_cast<const char*>(a->name);
    if (xml::attr(to, name)) continue;
    if (auto value = xml::attr(from, name)) xml::set(to, name, *value);
  }
}

void fill_children(xmlNode* to, const xmlNode* from, const std::set<std::string>& skip = {}) {
  for (auto* c : xml::children(from))
    if (!skip.count(name_of(c)) && !xml::child(to, name_of(c))) copy_into(to, c);
}

// Disks and drives hvctl writes: file/block disks, file drives.
bool managed_disk(const xmlNode* n) {
  const auto type = xml::attr(n, "type").value_or("file");
  const auto device = xml::attr(n, "device").value_or("disk");
  return xml::is(n, "disk") &&
         ((device == "disk" && (type == "file" || type == "block")) || (device == "cdrom" && type == "file"));
}

bool managed_nic(const xmlNode* n) {
  return xml::is(n, "interface") && (xml::attr(n, "type") == "network" || xml::attr(n, "type") == "user");
}

std::string disk_key(const xmlNode* n) {
  const auto* t = xml::child(n, "target");
  return xml::attr(t, "dev").value_or("") + "/" + xml::attr(t, "bus").value_or("");
}

std::string nic_key(const xmlNode* n) { return xml::attr(xml::child(n, "mac"), "address").value_or("-"); }

const xmlNode* find_device(const xmlNode* devices, bool (*managed)(const xmlNode*), std::string (*key)(const xmlNode*),
                           const std::string& wanted) {
  for (auto* n : xml::children(devices))
    if (managed(n) && key(n) == wanted) return n;
  return nullptr;
}

void keep_device_extras(xmlNode* gen, const xmlNode* cur, const std::set<std::string>& written) {
  fill_children(gen, cur, written);
  if (auto* driver = xml::child(gen, "driver"); driver && xml::child(cur, "driver"))
    fill_attributes(driver, xml::child(cur, "driver"));
}

void merge_devices(xmlNode* gen, const xmlNode* cur) {
  static const std::set<std::string> kDiskWritten = {"driver", "source", "target", "readonly"};
  static const std::set<std::string> kNicWritten = {"mac", "source", "model"};
  for (auto* g : xml::children(gen)) {
    if (managed_disk(g)) {
      if (const auto* c = find_device(cur, managed_disk, disk_key, disk_key(g))) keep_device_extras(g, c, kDiskWritten);
    } else if (managed_nic(g)) {
      if (const auto* c = find_device(cur, managed_nic, nic_key, nic_key(g))) keep_device_extras(g, c, kNicWritten);
    }
  }
  const bool own_console = xml::child(gen, "serial") || xml::child(gen, "console");
  for (auto* c : xml::children(cur)) {
    if (managed_disk(c) || managed_nic(c)) continue;
    if (own_console && (xml::is(c, "serial") || xml::is(c, "console"))) continue;
    copy_into(gen, c);
  }
}

void merge_os(xmlNode* gen, const xmlNode* cur) {
  auto* gtype = xml::child(gen, "type");
  const auto* ctype = xml::child(cur, "type");
  const auto want = xml::attr(gtype, "machine");
  const auto have = xml::attr(ctype, "machine");
  if (gtype && have && (!want || machine_matches(*want, *have))) xml::set(gtype, "machine", *have);
  if (gtype && !xml::attr(gtype, "arch"))
    if (auto arch = xml::attr(ctype, "arch")) xml::set(gtype, "arch", *arch);
  const bool efi = xml::attr(gen, "firmware") == "efi";
  if (efi && xml::child(cur, "loader") && !xml::attr(cur, "firmware"))
    xmlUnsetProp(gen, reinterpret_cast<const xmlChar*>("firmware"));  // keep a hand-written loader setup as it is
  fill_children(gen, cur, efi ? std::set<std::string>{} : std::set<std::string>{"loader", "nvram", "firmware"});
}

// Like fill_children, but keeps repeated elements (<feature name='x'/> ...):
// only the names the generated element had before the copy are skipped.
void merge_cpu(xmlNode* gen, const xmlNode* cur) {
  fill_attributes(gen, cur);
  std::set<std::string> written;
  for (auto* g : xml::children(gen)) written.insert(name_of(g));
  for (auto* c : xml::children(cur))
    if (!written.count(name_of(c))) copy_into(gen, c);
}

void merge_metadata(xmlNode* gen, const xmlNode* cur) {
  for (auto* c : xml::children(cur))
    if (!xml::in_ns(c, kMetadataNs)) copy_into(gen, c);
}

}  // namespace

std::string carry_over_unmanaged(const std::string& generated, const std::string& current) {
  auto gen_doc = xml::parse(generated, "generated domain");
  auto cur_doc = xml::parse(current, "domain");
  xmlNode* gen = xmlDocGetRootElement(gen_doc.get());
  const xmlNode* cur = xmlDocGetRootElement(cur_doc.get());
  for (auto* c : xml::children(cur)) {
    const std::string name = name_of(c);
    xmlNode* g = xml::child(gen, name.c_str());
    if (name == "vcpus") continue;
    if (!g) {
      copy_into(gen, c);
    } else if (name == "devices") {
      merge_devices(g, c);
    } else if (name == "os") {
      merge_os(g, c);
    } else if (name == "metadata") {
      merge_metadata(g, c);
    } else if (name == "cpu") {
      merge_cpu(g, c);
    } else if (name == "cputune") {
      fill_children(g, c);
    }
  }
  return xml::dump(gen_doc.get());
}

}  // namespace hvctl::libvirt
