// What a backend module exports. With HVCTL_BACKEND_MODULES (the default),
// each backend is built as hvctl-backend-<type>.so beside hvctl (installed in
// <libdir>/hvctl) and loaded when a target of its type is first used, so a
// command that needs no backend never loads libvirt, libcurl, OpenSSL or
// libxenlight and the dozens of libraries behind them.
#pragma once

#include <memory>
#include <string>

#include "formats.hpp"
#include "hvctl/backend.hpp"

namespace hvctl {

// Bumped whenever BackendModule or anything it passes changes shape.
inline constexpr int kBackendModuleAbi = 3;
inline constexpr const char* kBackendModuleSymbol = "hvctl_backend_module";

struct BackendModule {
  int abi = kBackendModuleAbi;
  std::unique_ptr<Backend> (*make)(const Target&, Diagnostics&) = nullptr;
  // libvirt only: the domain XML translation behind `hvctl convert` (see formats_registry.hpp).
  std::string (*spec_to_libvirt_xml)(const VmSpec&, const std::string& domain_type) = nullptr;
  VmSpec (*libvirt_xml_to_spec)(const std::string& xml, const std::string& file) = nullptr;
  // Xen only: the xl.cfg reader (formats::read_xl_cfg, over libxlutil).
  formats::Imported (*read_xl_cfg)(const std::string& text, const std::string& file) = nullptr;
};

// The module of backend `type`, loaded on first use. Throws Error (internal)
// naming the file and the loader's words when it cannot be loaded.
const BackendModule& backend_module(const std::string& type);

}  // namespace hvctl
