// Finding and loading hvctl-backend-<type>.so: beside the running hvctl (the
// build tree), else HVCTL_MODULE_DIR relative to it (an installed hvctl).
#include "backend_module.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <filesystem>

#include <fmt/format.h>

#include "hvctl/error.hpp"

namespace hvctl {
namespace {

std::filesystem::path exe_dir() {
  char buf[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  return std::filesystem::path(std::string(buf, static_cast<std::size_t>(n))).parent_path();
}

const BackendModule& load(const std::string& type) {
  const std::string file = fmt::format("hvctl-backend-{}.so", type);
  const auto dir = exe_dir();
  std::string errors;
  for (const auto& path : {dir / file, dir / HVCTL_MODULE_DIR / file}) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) continue;
    void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      errors += fmt::format("; {}", ::dlerror());
      continue;
    }
    const auto* module = static_cast<const BackendModule*>(::dlsym(handle, kBackendModuleSymbol));
    if (!module || module->abi != kBackendModuleAbi)
      throw Error(ExitCode::internal, fmt::format("{} is not a backend module of this hvctl (symbol {} missing or ABI {})",
                                                  path.string(), kBackendModuleSymbol, module ? module->abi : 0));
    return *module;
  }
  throw Error(ExitCode::internal,
              fmt::format("the {} backend's module {} could not be loaded from {} or {}{}", type, file, dir.string(),
                          (dir / HVCTL_MODULE_DIR).lexically_normal().string(), errors));
}

}  // namespace

// dlopen is thread-safe and keeps one copy of a module per process, so
// there is nothing to cache here.
const BackendModule& backend_module(const std::string& type) { return load(type); }

}  // namespace hvctl
