#include "libvirt_handles.hpp"

#include <fmt/format.h>

#include "hvctl/error.hpp"

namespace hvctl::libvirt {

void Context::fail(std::string_view what) const {
  const char* message = virGetLastErrorMessage();  // thread-local; "no error" when none
  fail(what, message ? message : "unknown libvirt error");
}

void Context::fail(std::string_view what, std::string_view detail) const {
  throw BackendError(fmt::format("target '{}': {} VM '{}': {}", target, what, vm, detail));
}

int last_error_code() {
  const virError* e = virGetLastError();
  return e ? e->code : VIR_ERR_OK;
}

std::string domain_xml(virDomainPtr dom, unsigned flags, const Context& ctx) {
  CString text(virDomainGetXMLDesc(dom, flags));
  if (!text) ctx.fail("cannot read the configuration of");
  return text.get();
}

}  // namespace hvctl::libvirt
