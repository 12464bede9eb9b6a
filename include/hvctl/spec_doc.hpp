// Documentation of hvctl/v1 fields, from the field table: what hvctl-spec(5)
// and `hvctl explain` say a backend does with a field.
#pragma once

#include <string>

#include "hvctl/spec_fields.hpp"

namespace hvctl {

// One line for a field on one backend ("<vcpu>; a change needs a restart"),
// or "" when there is nothing backend-specific to say.
std::string backend_use_text(const fields::Field& f, fields::Column c);

// The name people know a column by: "libvirt", "vSphere", "Xen".
const char* column_title(fields::Column c);

}  // namespace hvctl
