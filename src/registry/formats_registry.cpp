#include "formats_registry.hpp"

#if defined(HVCTL_BACKEND_MODULES)
#include "backend_module.hpp"
#else
#if defined(HVCTL_WITH_LIBVIRT)
#include "libvirt_convert.hpp"
#endif
#if defined(HVCTL_WITH_XEN)
#include "xl_cfg.hpp"
#endif
#endif

namespace hvctl {

formats::Codecs backend_codecs() {
  formats::Codecs codecs;
#if defined(HVCTL_WITH_LIBVIRT) && defined(HVCTL_BACKEND_MODULES)
  codecs.read_libvirt = [](const std::string& xml, const std::string& file) {
    return backend_module("libvirt").libvirt_xml_to_spec(xml, file);
  };
  codecs.write_libvirt = [](const VmSpec& spec, const std::string& type) {
    return backend_module("libvirt").spec_to_libvirt_xml(spec, type);
  };
#elif defined(HVCTL_WITH_LIBVIRT)
  codecs.read_libvirt = libvirt::convert_xml_to_spec;
  codecs.write_libvirt = libvirt::convert_spec_to_xml;
#endif
#if defined(HVCTL_WITH_XEN) && defined(HVCTL_BACKEND_MODULES)
  codecs.read_xl = [](const std::string& text, const std::string& file) {
    return backend_module("xen").read_xl_cfg(text, file);
  };
#elif defined(HVCTL_WITH_XEN)
  codecs.read_xl = formats::read_xl_cfg;
#endif
  return codecs;
}

}  // namespace hvctl
