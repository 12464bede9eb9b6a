// Documentation of every hvctl/v1 spec field, as data: the source of
// hvctl-spec(5). A unit test checks it covers every key the schema allows.
#pragma once

#include <vector>

namespace hvctl {

struct FieldDoc {
  const char* path;     // "spec.cpu.count"
  const char* type;     // "integer 1..512", "size", "string"
  const char* meaning;  // what it means, defaults included
  const char* libvirt;  // per-backend meaning ("" = same everywhere, "-" = not expressible)
  const char* vsphere;
  const char* xen;
};

const std::vector<FieldDoc>& spec_field_docs();

}  // namespace hvctl
