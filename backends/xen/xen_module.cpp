// The Xen backend as a module (see src/registry/backend_module.hpp).
#include "backend_module.hpp"
#include "xen_backend.hpp"
#include "xl_cfg.hpp"

extern "C" __attribute__((visibility("default"))) const hvctl::BackendModule hvctl_backend_module = {
    hvctl::kBackendModuleAbi, hvctl::make_xen_backend, nullptr, nullptr,
    hvctl::formats::read_xl_cfg};
