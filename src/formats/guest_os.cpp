// vSphere API guestId <-> .vmx guestOS. The two vocabularies name the same
// guests differently ("otherLinux64Guest" vs "otherlinux-64"); common ones are
// in a table (the ids are vim25's VirtualMachineGuestOsIdentifier values),
// others follow the usual rule and are flagged as not exact.
#include <cctype>
#include <utility>

#include "vmx.hpp"

namespace hvctl::formats {
namespace {

const std::pair<const char*, const char*> kGuests[] = {
    {"other", "otherGuest"},
    {"other-64", "otherGuest64"},
    {"otherlinux", "otherLinuxGuest"},
    {"otherlinux-64", "otherLinux64Guest"},
    {"other24xlinux", "other24xLinuxGuest"},
    {"other26xlinux", "other26xLinuxGuest"},
    {"other26xlinux-64", "other26xLinux64Guest"},
    {"other3xlinux-64", "other3xLinux64Guest"},
    {"other4xlinux-64", "other4xLinux64Guest"},
    {"other5xlinux-64", "other5xLinux64Guest"},
    {"ubuntu", "ubuntuGuest"},
    {"ubuntu-64", "ubuntu64Guest"},
    {"debian10-64", "debian10_64Guest"},
    {"debian11-64", "debian11_64Guest"},
    {"debian12-64", "debian12_64Guest"},
    {"centos7-64", "centos7_64Guest"},
    {"centos8-64", "centos8_64Guest"},
    {"rhel7-64", "rhel7_64Guest"},
    {"rhel8-64", "rhel8_64Guest"},
    {"rhel9-64", "rhel9_64Guest"},
    {"sles15-64", "sles15_64Guest"},
    {"freebsd-64", "freebsd64Guest"},
    {"freebsd13-64", "freebsd13_64Guest"},
    {"win98", "win98Guest"},
    {"win2000pro", "win2000ProGuest"},
    {"win2000serv", "win2000ServGuest"},
    {"winxphome", "winXPHomeGuest"},
    {"winxppro", "winXPProGuest"},
    {"winxppro-64", "winXPPro64Guest"},
    {"winnetstandard", "winNetStandardGuest"},
    {"winnetstandard-64", "winNetStandard64Guest"},
    {"winnetenterprise", "winNetEnterpriseGuest"},
    {"winvista", "winVistaGuest"},
    {"winvista-64", "winVista64Guest"},
    {"windows7", "windows7Guest"},
    {"windows7-64", "windows7_64Guest"},
    {"windows7srv-64", "windows7Server64Guest"},
    {"windows8", "windows8Guest"},
    {"windows8-64", "windows8_64Guest"},
    {"windows8srv-64", "windows8Server64Guest"},
    {"windows9-64", "windows9_64Guest"},
    {"windows9srv-64", "windows9Server64Guest"},
    {"windows2019srv-64", "windows2019srv_64Guest"},
    {"windows2019srvnext-64", "windows2019srvNext_64Guest"},
    {"windows11-64", "windows11_64Guest"},
};

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

GuestName guest_id_from_vmx(const std::string& guest_os) {
  const std::string key = lower(guest_os);
  for (const auto& [vmx, id] : kGuests)
    if (key == vmx) return {id, true};
  if (!ends_with(key, "-64")) return {key + "Guest", false};
  const std::string base = key.substr(0, key.size() - 3);
  const bool digit = !base.empty() && std::isdigit(static_cast<unsigned char>(base.back()));
  return {base + (digit ? "_64Guest" : "64Guest"), false};
}

GuestName vmx_guest_os_from_id(const std::string& guest_id) {
  for (const auto& [vmx, id] : kGuests)
    if (guest_id == id) return {vmx, true};
  std::string base = ends_with(guest_id, "Guest") ? guest_id.substr(0, guest_id.size() - 5) : guest_id;
  for (const char* tail : {"_64", "64"})
    if (ends_with(base, tail)) return {lower(base.substr(0, base.size() - std::string(tail).size())) + "-64", false};
  return {lower(base), false};
}

}  // namespace hvctl::formats
