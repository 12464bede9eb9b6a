# Every dependency comes from a Debian package: find_package or pkg-config.
find_package(PkgConfig REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(fmt REQUIRED)
find_package(yaml-cpp REQUIRED)
pkg_check_modules(LIBYAML REQUIRED IMPORTED_TARGET yaml-0.1)  # the spec parser (src/core/yaml_tree.cpp)
find_package(nlohmann_json 3 REQUIRED)
pkg_check_modules(LIBISOFS REQUIRED IMPORTED_TARGET libisofs-1)  # NoCloud seed images (src/provision)
find_package(Threads REQUIRED)

pkg_check_modules(LIBVIRT IMPORTED_TARGET libvirt)
pkg_check_modules(LIBXML2 IMPORTED_TARGET libxml-2.0)
pkg_check_modules(LIBCURL IMPORTED_TARGET libcurl)
pkg_check_modules(OPENSSL IMPORTED_TARGET openssl)
pkg_check_modules(XENLIGHT IMPORTED_TARGET xenlight)
pkg_check_modules(XLUTIL IMPORTED_TARGET xlutil)
pkg_check_modules(XENTOOLLOG IMPORTED_TARGET xentoollog)
pkg_check_modules(XENSTORE IMPORTED_TARGET xenstore)

include(CMakeDependentOption)
cmake_dependent_option(HVCTL_WITH_LIBVIRT "Build the libvirt backend" ON
                       "LIBVIRT_FOUND;LIBXML2_FOUND" OFF)
cmake_dependent_option(HVCTL_WITH_XEN "Build the Xen (libxenlight) backend" ON
                       "XENLIGHT_FOUND;XLUTIL_FOUND;XENTOOLLOG_FOUND;XENSTORE_FOUND" OFF)
cmake_dependent_option(HVCTL_WITH_VSPHERE "Build the vSphere (vim25 SOAP) backend" ON
                       "LIBCURL_FOUND;LIBXML2_FOUND;OPENSSL_FOUND" OFF)
