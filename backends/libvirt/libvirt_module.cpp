// The libvirt backend as a module (see src/registry/backend_module.hpp).
#include "backend_module.hpp"
#include "libvirt_backend.hpp"
#include "libvirt_convert.hpp"

extern "C" __attribute__((visibility("default"))) const hvctl::BackendModule hvctl_backend_module = {
    hvctl::kBackendModuleAbi, hvctl::make_libvirt_backend, hvctl::libvirt::convert_spec_to_xml,
    hvctl::libvirt::convert_xml_to_spec};
