// The hvctl/v1 field table. One entry per field, in the order specs are
// written. Per backend: what it does with the field and its native name, or
// why it refuses it. A field in a block (xen, vsphere, libvirt) is read only by
// a target whose backend or hypervisor the block is for; elsewhere the block
// is kept in the spec and ignored, so one spec can move between targets.
#include "spec_field_access.hpp"
#include "spec_field_reasons.hpp"
#include "spec_schema.hpp"

// Entries name only what they set; the rest keeps its default member
// initializer, which is the point of designated initializers here.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace hvctl::fields {
namespace {

using namespace access;
using namespace reasons;

constexpr BackendUse hot(const char* how) { return {Use::hot, how}; }
constexpr BackendUse restart(const char* how) { return {Use::restart, how}; }
constexpr BackendUse at_create(const char* how) { return {Use::create, how}; }
constexpr BackendUse refused(const char* why) { return {Use::refused, why}; }
constexpr BackendUse none() { return {Use::none, ""}; }
constexpr BackendUse all() { return {Use::hot, ""}; }  // identity and control fields: every backend, no native name

std::vector<Field> make_table() {
  return {
      {.path = "apiVersion", .kind = Kind::constant, .scope = Scope::vm, .type = "string",
       .doc = "Must be hvctl/v1.", .libvirt = all(), .vsphere = all(), .xen = all(), .compared = false},
      {.path = "kind", .kind = Kind::constant, .scope = Scope::vm, .type = "string",
       .doc = "Must be VirtualMachine.", .libvirt = all(), .vsphere = all(), .xen = all(), .compared = false},
      {.path = "metadata", .kind = Kind::group, .scope = Scope::vm, .type = "mapping",
       .doc = "The VM's identity. Required.", .libvirt = all(), .vsphere = all(), .xen = all(), .compared = false},
      {.path = "metadata.name", .kind = Kind::name, .scope = Scope::vm, .type = "name",
       .doc = "The VM's name on its target: a letter or digit, then letters, digits, '.', '_', '-'; at most 63. Required.",
       .libvirt = all(), .vsphere = all(), .xen = all(), .access = member<&VmSpec::name>(), .compared = false},
      {.path = "metadata.labels", .kind = Kind::labels, .scope = Scope::vm, .type = "map of string",
       .doc = "Free-form key=value labels; `list -l key=value` selects by them. Keys: letters, digits, '.', '_', '-', "
              "'/'. When set, the VM has exactly these labels.",
       .libvirt = hot("domain metadata"), .vsphere = hot("extraConfig entries"), .xen = hot("hvctl's record of the VM"),
       .access = member<&VmSpec::labels>()},
      {.path = "metadata.description", .kind = Kind::text, .scope = Scope::vm, .type = "string",
       .doc = "Free text for operators: what the VM is for, who owns it.",
       .libvirt = hot("<description>"), .vsphere = hot("annotation (Notes)"), .xen = hot("hvctl's record of the VM"),
       .access = member<&VmSpec::description>(), .vmx = "annotation"},
      {.path = "spec", .kind = Kind::group, .scope = Scope::vm, .type = "mapping",
       .doc = "What the VM should be. Every field is optional: an unset field is not compared.",
       .libvirt = all(), .vsphere = all(), .xen = all(), .compared = false},
      {.path = "spec.target", .kind = Kind::text, .scope = Scope::vm, .type = "string",
       .doc = "A target name from the config file, or a URI. --target and HVCTL_TARGET override it; default_target "
              "applies when unset.",
       .libvirt = all(), .vsphere = all(), .xen = all(), .access = member<&VmSpec::target>(), .compared = false},
      {.path = "spec.ensure", .kind = Kind::choice, .scope = Scope::vm, .type = "present|absent",
       .doc = "absent makes apply delete the VM if it exists. Default present.",
       .libvirt = all(), .vsphere = all(), .xen = all(), .values = &kEnsureValues, .access = member<&VmSpec::ensure>(),
       .compared = false},
      {.path = "spec.source", .kind = Kind::group, .scope = Scope::vm, .type = "mapping",
       .doc = "Where a new VM comes from: a clone of a VM (vm) or of a template (template) on the same target; set "
              "one. Read at create only: later changes change nothing, and plan says so.",
       .libvirt = all(), .vsphere = all(), .xen = all(), .compared = false},
      {.path = "spec.source.vm", .kind = Kind::name, .scope = Scope::vm, .type = "VM name",
       .doc = "Clone this VM. On libvirt and Xen it must be stopped.",
       .libvirt = at_create(kCloneLibvirt), .vsphere = at_create(kCloneVsphere), .xen = at_create(kCloneXen),
       .access = nested<&VmSpec::source, &SourceSpec::vm>()},
      {.path = "spec.source.template", .kind = Kind::name, .scope = Scope::vm, .type = "template name",
       .doc = "Clone this template (a VM with spec.template: true).",
       .libvirt = at_create(kCloneLibvirt), .vsphere = at_create(kCloneVsphere), .xen = at_create(kCloneXen),
       .access = nested<&VmSpec::source, &SourceSpec::template_name>()},
      {.path = "spec.source.linked", .kind = Kind::boolean, .scope = Scope::vm, .type = "boolean",
       .doc = "Share the source's disks instead of copying them: quick and small, and the source's disks must never "
              "change. vSphere: needs a snapshot on the source (hvctl never makes one). libvirt: a template only. "
              "Unset: false, full copies.",
       .libvirt = at_create("qcow2 overlays backed by the template's volumes"),
       .vsphere = at_create("diskMoveType createNewChildDiskBacking on the source's current snapshot"),
       .xen = refused("Xen here has no qdisk for overlays; clone with full copies (leave source.linked out)"),
       .access = nested<&VmSpec::source, &SourceSpec::linked>()},
      {.path = "spec.template", .kind = Kind::boolean, .scope = Scope::vm, .type = "boolean",
       .doc = "This VM is a template: never powered on, a source for clones (spec.source.template). Marking a "
              "running VM stops it. Unset: as the VM is (a new VM: false).",
       .libvirt = restart("hvctl's domain metadata; hvctl refuses to start it"),
       .vsphere = restart("MarkAsTemplate; false: MarkAsVirtualMachine into the spec's pool and host (else its "
                          "datacenter's first)"),
       .xen = restart("hvctl's record of the VM; hvctl refuses to start it"),
       .access = member<&VmSpec::is_template>()},
      {.path = "spec.autostart", .kind = Kind::group, .scope = Scope::vm, .type = "mapping, or a boolean",
       .doc = "Start the VM when its host starts. `autostart: true` is short for {enabled: true}.",
       .libvirt = all(), .vsphere = all(), .xen = all(), .compared = false, .shorthand = "enabled"},
      {.path = "spec.autostart.enabled", .kind = Kind::boolean, .scope = Scope::vm, .type = "boolean",
       .doc = "Start it when its host starts. Unset: as the VM is (a new VM: false).",
       .libvirt = hot("the domain's autostart flag (virDomainSetAutostart): libvirtd starts it"),
       .vsphere = refused(kNoAutostart), .xen = hot(kXenAutostart),
       .access = nested<&VmSpec::autostart, &AutostartSpec::enabled>()},
      {.path = "spec.autostart.order", .kind = Kind::integer, .scope = Scope::vm, .type = "integer 0..9999",
       .doc = "Where it comes in the host's start order, lowest first; VMs without one come last, by name. They "
              "stop in the reverse order.",
       .libvirt = refused(kNoAutostartOrder), .vsphere = refused(kNoAutostart), .xen = hot(kXenAutostart),
       .min = 0, .max = 9999, .access = nested<&VmSpec::autostart, &AutostartSpec::order>()},
      {.path = "spec.autostart.delay", .kind = Kind::text, .scope = Scope::vm, .type = "duration",
       .doc = "How long to wait after starting it before the next VM (0s, 30s, 2m). Unset: 5s, as xendomains.",
       .libvirt = refused(kNoAutostartOrder), .vsphere = refused(kNoAutostart), .xen = hot(kXenAutostart),
       .access = nested<&VmSpec::autostart, &AutostartSpec::delay>()},
      {.path = "spec.cpu", .kind = Kind::group, .scope = Scope::vm, .type = "mapping", .doc = "Virtual CPUs.",
       .libvirt = all(), .vsphere = all(), .xen = all(), .compared = false},
      {.path = "spec.cpu.count", .kind = Kind::integer, .scope = Scope::vm, .type = "integer 1..512",
       .doc = "Virtual CPUs online. Unset on a new VM: cpu.max, else 1. A change is hot within cpu.max (libvirt, "
              "Xen); beyond it, or with cpu.max changed, the VM restarts.",
       .libvirt = hot("<vcpu current> (setVcpusFlags LIVE within <vcpu>)"), .vsphere = restart("numCPUs"),
       .xen = hot("vcpus (libxl_set_vcpuonline within maxvcpus)"), .min = 1, .max = 512,
       .access = nested<&VmSpec::cpu, &CpuSpec::count>(), .xl = "vcpus", .vmx = "numvcpus"},
      {.path = "spec.cpu.max", .kind = Kind::integer, .scope = Scope::vm, .type = "integer 1..512",
       .doc = "Ceiling for hot-plugging vCPUs, set when the VM boots: cpu.count may change up to it while the VM "
              "runs. Not smaller than cpu.count. Unset: equal to cpu.count (no headroom).",
       .libvirt = restart("<vcpu> (with current='count')"), .vsphere = at_create(kCpuHotAdd),
       .xen = restart("maxvcpus (libxl max_vcpus; avail_vcpus the first count)"), .min = 1, .max = 512,
       .access = nested<&VmSpec::cpu, &CpuSpec::max>(), .xl = "maxvcpus"},
      {.path = "spec.cpu.coresPerSocket", .kind = Kind::integer, .scope = Scope::vm, .type = "integer 1..512",
       .doc = "Guest CPU topology: cores per virtual socket, so the guest sees count / coresPerSocket sockets. Must "
              "divide cpu.count. Unset: the backend's own topology (one core per socket).",
       .libvirt = restart("<cpu><topology sockets cores threads='1'>"), .vsphere = restart("numCoresPerSocket"),
       .xen = refused("libxl has no guest CPU topology: a Xen guest's vCPUs are not grouped into sockets"),
       .min = 1, .max = 512, .access = nested<&VmSpec::cpu, &CpuSpec::cores_per_socket>(),
       .vmx = "cpuid.coresPerSocket"},
      {.path = "spec.cpu.weight", .kind = Kind::integer, .scope = Scope::vm, .type = "integer 1..65535",
       .doc = "Relative CPU share against other VMs on the host.",
       .libvirt = hot("<cputune><shares>"), .vsphere = restart("cpuAllocation shares (custom level)"),
       .xen = hot("credit scheduler weight"), .min = 1, .max = 65535,
       .access = nested<&VmSpec::cpu, &CpuSpec::weight>(), .xl = "cpu_weight"},
      {.path = "spec.cpu.cap", .kind = Kind::integer, .scope = Scope::vm, .type = "integer percent",
       .doc = "Ceiling in percent of one physical CPU (150 = one and a half); at most 100 x count. Unset: no cap.",
       .libvirt = restart("global_quota per 100 ms period"), .vsphere = refused(kNoCap),
       .xen = hot("credit scheduler cap"), .min = 1, .max = 51200, .access = nested<&VmSpec::cpu, &CpuSpec::cap>()},
      {.path = "spec.memory", .kind = Kind::group, .scope = Scope::vm, .type = "mapping", .doc = "Guest memory.",
       .libvirt = all(), .vsphere = all(), .xen = all(), .compared = false},
      {.path = "spec.memory.size", .kind = Kind::size, .scope = Scope::vm, .type = "size",
       .doc = "Memory at boot. Sizes need a unit: KiB, MiB, GiB or TiB. Unset on a new VM: memory.max, else 512MiB "
              "on libvirt and Xen and in the xl.cfg and .vmx convert writes (never libxl's 32MiB or VMware's 32 MB); "
              "vSphere's for the guest type. A change is hot within memory.max.",
       .libvirt = hot("<currentMemory>"), .vsphere = restart("memoryMB"), .xen = hot("memory (balloon target)"),
       .min = 4, .access = nested<&VmSpec::memory, &MemorySpec::size_mib>(), .xl = "memory", .vmx = "memsize"},
      {.path = "spec.memory.max", .kind = Kind::size, .scope = Scope::vm, .type = "size",
       .doc = "Ceiling for ballooning or hot-add; not smaller than size. Unset: equal to size.",
       .libvirt = restart("<memory>"), .vsphere = at_create(kMemoryHotAdd), .xen = restart("maxmem"),
       .min = 4, .access = nested<&VmSpec::memory, &MemorySpec::max_mib>(), .xl = "maxmem"},
      {.path = "spec.firmware", .kind = Kind::choice, .scope = Scope::vm, .type = "bios|uefi",
       .doc = "Boot firmware. Unset on a new VM: bios.",
       .libvirt = restart("<os firmware='efi'> for uefi"), .vsphere = restart("firmware"),
       .xen = restart("HVM only: bios=ovmf for uefi"), .values = &kFirmwareValues,
       .access = member<&VmSpec::firmware>()},
      {.path = "spec.boot", .kind = Kind::group, .scope = Scope::vm, .type = "mapping",
       .doc = "Direct kernel boot: the host hands the guest a kernel instead of booting its firmware.",
       .libvirt = all(), .vsphere = all(), .xen = all(), .compared = false},
      {.path = "spec.boot.kernel", .kind = Kind::host_path, .scope = Scope::vm, .type = "path",
       .doc = "A kernel file on the host. Relative paths are relative to the spec file.",
       .libvirt = restart("<os><kernel>"), .vsphere = refused(kNoBoot), .xen = restart("kernel"),
       .access = nested<&VmSpec::boot, &BootSpec::kernel>(), .xl = "kernel"},
      {.path = "spec.boot.ramdisk", .kind = Kind::host_path, .scope = Scope::vm, .type = "path",
       .doc = "Initial ramdisk for direct boot; needs boot.kernel.",
       .libvirt = restart("<os><initrd>"), .vsphere = refused(kNoBoot), .xen = restart("ramdisk"),
       .access = nested<&VmSpec::boot, &BootSpec::ramdisk>(), .xl = "ramdisk"},
      {.path = "spec.boot.cmdline", .kind = Kind::text, .scope = Scope::vm, .type = "string",
       .doc = "Kernel command line for direct boot; needs boot.kernel.",
       .libvirt = restart("<os><cmdline>"), .vsphere = refused(kNoBoot), .xen = restart("cmdline"),
       .access = nested<&VmSpec::boot, &BootSpec::cmdline>(), .xl = "cmdline"},
      {.path = "spec.boot.loader", .kind = Kind::choice, .scope = Scope::vm, .type = "loader",
       .doc = "The guest boots its own kernel from its own disk through a boot loader, instead of a host kernel: "
              "pvgrub, GRUB 2 built for Xen (Debian's grub-xen-host), which reads /boot/grub/grub.cfg from the "
              "guest's disk, as a PV or PVH guest. Excludes boot.kernel. Unset: no loader.",
       .libvirt = refused(kNoLoader), .vsphere = refused(kNoBoot),
       .xen = restart("kernel = grub-x86_64-xen.bin (pv) or grub-i386-xen_pvh.bin (pvh), from the target's "
                      "pvgrub_dir (/usr/lib/grub-xen)"),
       .values = &kBootLoaders, .access = nested<&VmSpec::boot, &BootSpec::loader>()},
      {.path = "spec.disks", .kind = Kind::list, .scope = Scope::vm, .type = "list",
       .doc = "Disks, matched by id. A disk the VM has and the list does not name is kept (plan says `kept (not in "
              "spec)`; spec.prune or apply --prune removes it (its image is kept).",
       .libvirt = hot("virDomainAttachDeviceFlags / DetachDeviceFlags, live and config; an ide or sata disk needs a "
                      "restart"),
       .vsphere = hot("VirtualDisk, added and removed by ReconfigVM_Task on a running VM where the guest allows it "
                      "(SCSI, SATA, NVMe; vSphere refuses IDE disks on a running VM); a removed disk's VMDK is kept"),
       .xen = hot("disk (libxl_device_disk_add / _remove; an HVM guest needs a restart)"),
       .compared = false},
      {.path = "spec.disks[].id", .kind = Kind::id, .scope = Scope::disk, .type = "name",
       .doc = "Stable name of the disk within the VM; required and unique.",
       .libvirt = all(), .vsphere = all(), .xen = all(), .access = member<&DiskSpec::id>(), .compared = false},
      {.path = "spec.disks[].size", .kind = Kind::size, .scope = Scope::disk, .type = "size",
       .doc = "Size of a disk the backend creates, or the size to grow one to; never smaller. A disk needs size or "
              "path.",
       .libvirt = hot("volume in the target's storage pool; grown by virDomainBlockResize while the VM runs, "
                      "virStorageVolResize while it is off"),
       .vsphere = hot("capacityInKB of a new VMDK on the datastore; a larger one grows the disk in place, live "
                      "(ReconfigVM_Task edit)"),
       .xen = restart("grows the raw copy hvctl made from a base image (from), sparse, with the VM off; an image "
                      "given as path is not grown"),
       .min = 1,
       .access = member<&DiskSpec::size_mib>()},
      {.path = "spec.disks[].path", .kind = Kind::text, .scope = Scope::disk, .type = "string",
       .doc = "An existing image (libvirt, Xen) or a datastore path (vSphere).",
       .libvirt = restart("<source file>"), .vsphere = restart("[datastore] path.vmdk"), .xen = restart("target="),
       .access = member<&DiskSpec::path>()},
      {.path = "spec.disks[].from", .kind = Kind::host_path, .scope = Scope::disk, .type = "path",
       .doc = "A base image the new disk starts as a copy of, read once when the disk is made; later changes change "
              "nothing. size may grow it beyond the image's virtual size, never below. hvctl never overwrites an "
              "existing file.",
       .libvirt = at_create("a copy-on-write qcow2 volume in the target's pool, backed by the image; a format set "
                            "with it is the image's too, so only qcow2, for a qcow2 image"),
       .vsphere = at_create("CopyVirtualDisk_Task of a datastore VMDK (\"[ds] images/base.vmdk\") into the VM's folder, "
                            "then attached; a larger size grows the copy"),
       .xen = at_create("a sparse copy (FICLONE, else copy_file_range) of a raw base image in "
                        "STATE_DIR/disks/VM/, attached through blkback; a qcow2 base is refused (no qdisk)"),
       .access = member<&DiskSpec::from>()},
      {.path = "spec.disks[].bus", .kind = Kind::choice, .scope = Scope::disk, .type = "virtio|scsi|sata|ide|nvme|xen",
       .doc = "Controller type. Unset: the backend's default (virtio, scsi, xen).",
       .libvirt = restart("<target bus>"), .vsphere = restart("controller type"), .xen = restart("xen or ide (HVM)"),
       .values = &kBusValues, .access = member<&DiskSpec::bus>()},
      {.path = "spec.disks[].controller", .kind = Kind::text, .scope = Scope::disk, .type = "controller id",
       .doc = "The entry of spec.controllers the disk sits on; its type must match disks[].bus when both are set. "
              "Unset: the first controller of the disk's bus.",
       .libvirt = refused(kLibvirtControllers),
       .vsphere = restart("controllerKey of that controller, for a new disk; moving an existing disk is impossible"),
       .xen = refused("Xen guests have no disk controllers to choose"), .access = member<&DiskSpec::controller>()},
      {.path = "spec.disks[].format", .kind = Kind::choice, .scope = Scope::disk, .type = "raw|qcow2|vmdk|vhd",
       .doc = "Image format. Unset: raw (vmdk on vSphere).",
       .libvirt = restart("<driver type>"), .vsphere = restart("vmdk"), .xen = restart("format="),
       .values = &kFormatValues, .access = member<&DiskSpec::format>()},
      {.path = "spec.disks[].readonly", .kind = Kind::boolean, .scope = Scope::disk, .type = "boolean",
       .doc = "Attach read-only. Unset: false.",
       .libvirt = restart("<readonly/>"), .vsphere = refused("vSphere has no read-only disks"),
       .xen = restart("access=ro"), .access = member<&DiskSpec::readonly>()},
      {.path = "spec.cdroms", .kind = Kind::list, .scope = Scope::vm, .type = "list",
       .doc = "CD/DVD drives, matched by id. As with disks, a drive the VM has and the list does not name is kept "
              "unless pruned.",
       .libvirt = restart("<disk device='cdrom'>"),
       .vsphere = restart("VirtualCdrom, added and removed with the VM off: vSphere cannot hot-add IDE devices, the "
                          "default bus"),
       .xen = restart("a cdrom disk (HVM) or a read-only xen disk (PV, PVH)"), .compared = false},
      {.path = "spec.cdroms[].id", .kind = Kind::id, .scope = Scope::cdrom, .type = "name",
       .doc = "Stable name of the drive within the VM; required and unique.",
       .libvirt = all(), .vsphere = all(), .xen = all(), .access = member<&CdromSpec::id>(), .compared = false},
      {.path = "spec.cdroms[].image", .kind = Kind::text, .scope = Scope::cdrom, .type = "string",
       .doc = "The ISO in the drive: an absolute host path (libvirt, Xen) or a datastore path (vSphere, \"[ds] "
              "iso/x.iso\"). \"\" ejects: an empty drive. Unset: as the VM has it (empty when new).",
       .libvirt = hot("<source file>, changed live (virDomainUpdateDeviceFlags, forced as virsh change-media --force: a tray the guest locked does not stop it)"),
       .vsphere = hot("VirtualCdromIsoBackingInfo of a datastore ISO, checked to exist first; changed live; \"\" ejects "
                      "(the default ATAPI backing, disconnected)"),
       .xen = restart("target= (access=ro)"), .access = member<&CdromSpec::image>()},
      {.path = "spec.cdroms[].bus", .kind = Kind::choice, .scope = Scope::cdrom, .type = "ide|sata|scsi",
       .doc = "The drive's bus. Unset: ide (sata on a libvirt q35 machine); a Xen PV or PVH guest has only xen "
              "disks, and its drive is one.",
       .libvirt = restart("<target bus>"),
       .vsphere = restart("the built-in IDE controllers or an AHCI (SATA) controller (added when needed), for a new "
                          "drive; moving an existing one is impossible"),
       .xen = restart("hdX (HVM)"), .values = &kCdromBusValues, .access = member<&CdromSpec::bus>()},
      {.path = "spec.nics", .kind = Kind::list, .scope = Scope::vm, .type = "list",
       .doc = "Network interfaces, matched by id. A NIC the VM has and the list does not name is kept (plan says "
              "`kept (not in spec)`; spec.prune or apply --prune removes it.",
       .libvirt = hot("virDomainAttachDeviceFlags / DetachDeviceFlags (by MAC), live and config"),
       .vsphere = hot("VirtualEthernetCard (vmxnet3, e1000...), added and removed by ReconfigVM_Task on a running VM "
                      "where the guest allows it; removed by device key, found by its MAC"),
       .xen = hot("vif (libxl_device_nic_add / _remove; an HVM guest needs a restart)"),
       .compared = false},
      {.path = "spec.nics[].id", .kind = Kind::id, .scope = Scope::nic, .type = "name",
       .doc = "Stable name of the NIC within the VM; required and unique.",
       .libvirt = all(), .vsphere = all(), .xen = all(), .access = member<&NicSpec::id>(), .compared = false},
      {.path = "spec.nics[].network", .kind = Kind::text, .scope = Scope::nic, .type = "string",
       .doc = "What the NIC connects to.",
       .libvirt = restart("libvirt network; `user` is user-mode networking (<interface type='user'>, which a session "
                          "libvirtd can do)"),
       .vsphere = restart("portgroup"), .xen = restart("bridge"),
       .access = member<&NicSpec::network>()},
      {.path = "spec.nics[].mac", .kind = Kind::mac, .scope = Scope::nic, .type = "MAC",
       .doc = "Unicast MAC address, xx:xx:xx:xx:xx:xx. Unset: generated at create.",
       .libvirt = restart("<mac>"), .vsphere = restart("manual address"), .xen = restart("mac="),
       .access = member<&NicSpec::mac>()},
      {.path = "spec.nics[].model", .kind = Kind::text, .scope = Scope::nic, .type = "string",
       .doc = "NIC model: virtio, e1000, vmxnet3, netfront... Unset: the backend's default.",
       .libvirt = restart("<model type>"), .vsphere = restart("device type"), .xen = restart("model="),
       .access = member<&NicSpec::model>()},
      {.path = "spec.controllers", .kind = Kind::list, .scope = Scope::vm, .type = "list",
       .doc = "Disk controllers, matched by id, one entry per controller (real VMs mix models); disks name theirs "
              "with disks[].controller. A controller the VM has and the list does not name is kept.",
       .libvirt = refused(kLibvirtControllers),
       .vsphere = restart("VirtualSCSIController, VirtualAHCIController, VirtualNVMEController on the next free bus "
                          "number; the two built-in IDE controllers are not listed"),
       .xen = refused("Xen guests have no disk controllers to choose"), .compared = false},
      {.path = "spec.controllers[].id", .kind = Kind::id, .scope = Scope::controller, .type = "name",
       .doc = "Stable name of the controller within the VM, such as scsi0; required and unique.",
       .libvirt = all(), .vsphere = all(), .xen = all(), .access = member<&ControllerSpec::id>(), .compared = false},
      {.path = "spec.controllers[].type", .kind = Kind::choice, .scope = Scope::controller,
       .type = "scsi|sata|ide|nvme", .doc = "What the controller is; required.",
       .libvirt = refused(kLibvirtControllers),
       .vsphere = restart("device type, for a new controller; changing an existing one's is impossible"),
       .xen = refused("Xen guests have no disk controllers to choose"), .values = &kControllerTypes,
       .access = member<&ControllerSpec::type>()},
      {.path = "spec.controllers[].model", .kind = Kind::choice, .scope = Scope::controller,
       .type = "lsilogic|lsisas|pvscsi|buslogic|virtio",
       .doc = "A SCSI controller's model. Unset: pvscsi for a new vSphere controller, virtio on libvirt; a .vmx "
              "without scsiN.virtualDev leaves it to VMware.",
       .libvirt = refused(kLibvirtControllers),
       .vsphere = restart("VirtualLsiLogicController, VirtualLsiLogicSASController, ParaVirtualSCSIController, "
                          "VirtualBusLogicController, for a new controller; changing an existing one's is impossible "
                          "(vSphere cannot change it in place)"),
       .xen = refused("Xen guests have no disk controllers to choose"), .values = &kControllerModels,
       .access = member<&ControllerSpec::model>()},
      {.path = "spec.prune", .kind = Kind::boolean, .scope = Scope::vm, .type = "boolean",
       .doc = "As apply --prune, for this VM: the devices it has and the spec does not name are removed, in each "
              "device list the spec has (a spec without nics: never loses a NIC). A removed disk's image is kept, "
              "unless apply --delete-images and hvctl made it. Unset: false, and plan shows them as `kept (not in "
              "spec)`.",
       .libvirt = hot("detached from the running VM (live and config), waiting for the guest to release them"),
       .vsphere = hot("ReconfigVM_Task remove by device key (a disk's VMDK is kept; NICs found by MAC)"),
       .xen = hot("libxl_device_disk_remove / libxl_device_nic_remove, and dropped from the VM's record (an HVM "
                  "guest needs a restart)"),
       .access = member<&VmSpec::prune>(),
       .compared = false},
      {.path = "spec.power", .kind = Kind::choice, .scope = Scope::vm, .type = "running|stopped|paused",
       .doc = "Power state apply keeps the VM in. New VMs default to running; unset leaves an existing VM as it is, "
              "even when a change fails. On vSphere, paused is suspended.",
       .libvirt = all(), .vsphere = all(), .xen = all(), .values = &kPowerValues,
       .access = member<&VmSpec::power>(), .compared = false},
      {.path = "spec.ready", .kind = Kind::group, .scope = Scope::vm, .type = "mapping",
       .doc = "When a running VM counts as ready, for apply --wait and wait --for ready. Without any condition each "
              "backend uses its best signal: the power state, and on vSphere the Tools heartbeat and IP when Tools "
              "are installed; with spec.init, on libvirt and Xen, cloud-init's final message on the console "
              "(\"Cloud-init v. ... finished at ...\"), the end of first boot (libvirt: on a run this hvctl "
              "started, as a pty keeps nothing for a later reader).",
       .libvirt = all(), .vsphere = all(), .xen = all(), .compared = false},
      {.path = "spec.ready.console", .kind = Kind::text, .scope = Scope::vm, .type = "string",
       .doc = "Ready once the guest prints this text on its console.",
       .libvirt = hot("the serial console (virDomainOpenConsole), watched from hvctl's first look on: what the guest "
                      "printed before is not seen, and a console another client holds cannot be watched"),
       .vsphere = refused(kNoConsole), .xen = hot("console (xenconsoled pty)"),
       .access = nested<&VmSpec::ready, &ReadySpec::console>(), .compared = false},
      {.path = "spec.ready.xenstore", .kind = Kind::text, .scope = Scope::vm, .type = "path",
       .doc = "Ready once the guest has written this key under its xenstore home (e.g. data/ready).",
       .libvirt = refused(kOnlyXenstore), .vsphere = refused(kOnlyXenstore), .xen = hot("/local/domain/ID/PATH"),
       .access = nested<&VmSpec::ready, &ReadySpec::xenstore>(), .compared = false},
      {.path = "spec.ready.ip", .kind = Kind::boolean, .scope = Scope::vm, .type = "boolean",
       .doc = "Ready once the guest reports an IP address.",
       .libvirt = hot("guest agent or DHCP lease"), .vsphere = hot("VMware Tools guest.ipAddress"),
       .xen = refused(kNoXenAgent), .access = nested<&VmSpec::ready, &ReadySpec::ip>(), .compared = false},
      {.path = "spec.ready.agent", .kind = Kind::boolean, .scope = Scope::vm, .type = "boolean",
       .doc = "Ready once the guest agent answers.",
       .libvirt = hot("qemu-guest-agent"), .vsphere = hot("Tools heartbeat green"), .xen = refused(kNoXenAgent),
       .access = nested<&VmSpec::ready, &ReadySpec::agent>(), .compared = false},
      {.path = "spec.init", .kind = Kind::group, .scope = Scope::vm, .type = "mapping",
       .doc = "First-boot identity for cloud-init: what the guest reads as a new instance. A change on an existing "
              "VM makes the guest run first boot again (new host keys, users), so apply does it only with --reinit; "
              "without it the plan calls the VM impossible and leaves it as it is.",
       .libvirt = all(), .vsphere = all(), .xen = all(), .compared = false},
      {.path = "spec.init.hostname", .kind = Kind::text, .scope = Scope::vm, .type = "hostname",
       .doc = "The guest's host name (meta-data local-hostname): letters, digits and '-' in dot-separated labels of "
              "at most 63, at most 253 in all.",
       .libvirt = restart(kSeed), .vsphere = restart(kGuestinfo), .xen = restart(kSeedXen),
       .access = nested<&VmSpec::init, &InitSpec::hostname>()},
      {.path = "spec.init.sshAuthorizedKeys", .kind = Kind::strings, .scope = Scope::vm, .type = "list of string",
       .doc = "Public keys for the default user (meta-data public-keys), each a line of an authorized_keys file.",
       .libvirt = restart(kSeed), .vsphere = restart(kGuestinfo), .xen = restart(kSeedXen),
       .access = nested<&VmSpec::init, &InitSpec::ssh_authorized_keys>()},
      {.path = "spec.init.cloudInit", .kind = Kind::group, .scope = Scope::vm, .type = "mapping",
       .doc = "cloud-init's own files, each a file next to the spec (a path relative to it) or inline text (a "
              "block with `|`).",
       .libvirt = all(), .vsphere = all(), .xen = all(), .compared = false},
      {.path = "spec.init.cloudInit.userData", .kind = Kind::content, .scope = Scope::vm, .type = "file or text",
       .doc = "user-data: #cloud-config YAML, a #! script, or MIME multi-part. validate checks it and reports its "
              "problems at their line in that file.",
       .libvirt = restart(kSeed), .vsphere = restart(kGuestinfo), .xen = restart(kSeedXen),
       .access = nested<&VmSpec::init, &InitSpec::user_data>()},
      {.path = "spec.init.cloudInit.networkConfig", .kind = Kind::content, .scope = Scope::vm, .type = "file or text",
       .doc = "network-config, version 1 or 2 (netplan-like). validate checks it like userData.",
       .libvirt = restart(kSeed), .vsphere = restart(kGuestinfo), .xen = restart(kSeedXen),
       .access = nested<&VmSpec::init, &InitSpec::network_config>()},
      {.path = "spec.xen", .kind = Kind::group, .scope = Scope::vm, .type = "mapping",
       .doc = "Settings for a Xen hypervisor: read by xen targets and by libvirt targets on a Xen host "
              "(xen+ssh://); kept and ignored elsewhere.",
       .libvirt = all(), .vsphere = none(), .xen = all(), .access = block<&VmSpec::xen>(), .compared = false},
      {.path = "spec.xen.type", .kind = Kind::choice, .scope = Scope::vm, .type = "pv|pvh|hvm",
       .doc = "Xen guest type. Unset: pvh when boot.kernel or boot.loader is set, else hvm (it boots from firmware). Converters "
              "write this effective value where the target format's default differs (xl.cfg's is pv).",
       .libvirt = restart("<os><type> xen|xenpvh|hvm"), .vsphere = none(), .xen = restart("type"),
       .values = &kXenTypes, .access = in_block<&VmSpec::xen, &XenBlock::type>()},
      {.path = "spec.xen.onPoweroff", .kind = Kind::choice, .scope = Scope::vm, .type = "action",
       .doc = "What Xen does when the guest powers off: destroy, restart, preserve, rename-restart, "
              "coredump-destroy, coredump-restart, soft-reset. Unset: destroy.",
       .libvirt = restart("<on_poweroff>"), .vsphere = none(), .xen = restart("on_poweroff"), .values = &kXenActions,
       .access = in_block<&VmSpec::xen, &XenBlock::on_poweroff>(), .xl = "on_poweroff"},
      {.path = "spec.xen.onReboot", .kind = Kind::choice, .scope = Scope::vm, .type = "action",
       .doc = "What Xen does when the guest reboots. Unset: restart.",
       .libvirt = restart("<on_reboot>"), .vsphere = none(), .xen = restart("on_reboot"), .values = &kXenActions,
       .access = in_block<&VmSpec::xen, &XenBlock::on_reboot>(), .xl = "on_reboot"},
      {.path = "spec.xen.onCrash", .kind = Kind::choice, .scope = Scope::vm, .type = "action",
       .doc = "What Xen does when the guest crashes. Unset: destroy.",
       .libvirt = restart("<on_crash>"), .vsphere = none(), .xen = restart("on_crash"), .values = &kXenActions,
       .access = in_block<&VmSpec::xen, &XenBlock::on_crash>(), .xl = "on_crash"},
      {.path = "spec.xen.tscMode", .kind = Kind::choice, .scope = Scope::vm,
       .type = "default|always_emulate|native|native_paravirt",
       .doc = "How the guest's TSC (rdtsc) is virtualized; takes effect at the next start. Unset: Xen's (default).",
       .libvirt = refused("hvctl does not pass xen.tscMode through libvirt (use a xen target)"), .vsphere = none(),
       .xen = restart("tsc_mode"), .values = &kXenTscModes, .access = in_block<&VmSpec::xen, &XenBlock::tsc_mode>()},
      {.path = "spec.vsphere", .kind = Kind::group, .scope = Scope::vm, .type = "mapping",
       .doc = "Settings for vSphere: read by vsphere targets; kept and ignored elsewhere.",
       .libvirt = none(), .vsphere = all(), .xen = none(), .access = block<&VmSpec::vsphere>(), .compared = false},
      {.path = "spec.vsphere.datacenter", .kind = Kind::text, .scope = Scope::vm, .type = "string",
       .doc = "Datacenter to create the VM in. Unset: the first.", .libvirt = none(),
       .vsphere = at_create("placement"), .xen = none(),
       .access = in_block<&VmSpec::vsphere, &VsphereBlock::datacenter>()},
      {.path = "spec.vsphere.cluster", .kind = Kind::text, .scope = Scope::vm, .type = "string",
       .doc = "Cluster whose resource pool takes the VM.", .libvirt = none(), .vsphere = at_create("placement"),
       .xen = none(), .access = in_block<&VmSpec::vsphere, &VsphereBlock::cluster>()},
      {.path = "spec.vsphere.host", .kind = Kind::text, .scope = Scope::vm, .type = "string",
       .doc = "ESXi host to place the VM on.", .libvirt = none(), .vsphere = at_create("placement"), .xen = none(),
       .access = in_block<&VmSpec::vsphere, &VsphereBlock::host>()},
      {.path = "spec.vsphere.pinHost", .kind = Kind::boolean, .scope = Scope::vm, .type = "boolean",
       .doc = "Keep the VM on vsphere.host: plan reports it on another host (moved by DRS or by hand) and apply "
              "moves it back, live. Unset or false: the host is placement at create only, and DRS may move it.",
       .libvirt = none(), .vsphere = hot("RelocateVM_Task back to vsphere.host (vMotion while it runs)"),
       .xen = none(), .access = in_block<&VmSpec::vsphere, &VsphereBlock::pin_host>(), .compared = false},
      {.path = "spec.vsphere.pool", .kind = Kind::text, .scope = Scope::vm, .type = "string",
       .doc = "Resource pool (inventory path below the datacenter).", .libvirt = none(),
       .vsphere = at_create("placement"), .xen = none(), .access = in_block<&VmSpec::vsphere, &VsphereBlock::pool>()},
      {.path = "spec.vsphere.folder", .kind = Kind::text, .scope = Scope::vm, .type = "string",
       .doc = "VM folder. Unset: the datacenter's vm folder.", .libvirt = none(), .vsphere = at_create("placement"),
       .xen = none(), .access = in_block<&VmSpec::vsphere, &VsphereBlock::folder>()},
      {.path = "spec.vsphere.datastore", .kind = Kind::text, .scope = Scope::vm, .type = "string",
       .doc = "Datastore for the VM's files and new disks. Unset: the first.", .libvirt = none(),
       .vsphere = at_create("placement"), .xen = none(),
       .access = in_block<&VmSpec::vsphere, &VsphereBlock::datastore>()},
      {.path = "spec.vsphere.guestId", .kind = Kind::text, .scope = Scope::vm, .type = "string",
       .doc = "vSphere guest OS identifier, e.g. otherLinux64Guest. Unset on a new VM: otherGuest64.",
       .libvirt = none(), .vsphere = restart("guestId"), .xen = none(),
       .access = in_block<&VmSpec::vsphere, &VsphereBlock::guest_id>()},
      {.path = "spec.vsphere.extraConfig", .kind = Kind::settings, .scope = Scope::vm, .type = "map of string",
       .doc = "Advanced settings (extraConfig key/value pairs). Only the keys listed are compared and set.",
       .libvirt = none(), .vsphere = hot("extraConfig"), .xen = none(),
       .access = in_block<&VmSpec::vsphere, &VsphereBlock::extra_config>()},
      {.path = "spec.vsphere.customization", .kind = Kind::group, .scope = Scope::vm, .type = "mapping",
       .doc = "VMware guest customization (needs VMware Tools in the guest): its name and its first NIC's address. "
              "hostname must agree with spec.init.hostname when both are set, and an address here leaves no room "
              "for spec.init.cloudInit.networkConfig. Like init, a change on an existing VM needs apply --reinit.",
       .libvirt = none(), .vsphere = all(), .xen = none(), .compared = false},
      {.path = "spec.vsphere.customization.hostname", .kind = Kind::text, .scope = Scope::vm, .type = "hostname",
       .doc = "The guest's host name (CustomizationFixedName). Unset: spec.init.hostname, else the VM's name.",
       .libvirt = refused(kCustomizationElsewhere), .vsphere = restart(kCustomization),
       .xen = refused(kCustomizationElsewhere),
       .access = in_block_nested<&VmSpec::vsphere, &VsphereBlock::customization, &CustomizationSpec::hostname>()},
      {.path = "spec.vsphere.customization.domain", .kind = Kind::text, .scope = Scope::vm, .type = "DNS domain",
       .doc = "The guest's DNS domain (CustomizationLinuxPrep domain). Unset: none.",
       .libvirt = refused(kCustomizationElsewhere), .vsphere = restart(kCustomization),
       .xen = refused(kCustomizationElsewhere),
       .access = in_block_nested<&VmSpec::vsphere, &VsphereBlock::customization, &CustomizationSpec::domain>()},
      {.path = "spec.vsphere.customization.ipv4", .kind = Kind::text, .scope = Scope::vm, .type = "address/prefix",
       .doc = "The first NIC's IPv4 address with its prefix length, 10.0.0.21/24 (CustomizationFixedIp). Unset: DHCP.",
       .libvirt = refused(kCustomizationElsewhere), .vsphere = restart(kCustomization),
       .xen = refused(kCustomizationElsewhere),
       .access = in_block_nested<&VmSpec::vsphere, &VsphereBlock::customization, &CustomizationSpec::ipv4>()},
      {.path = "spec.vsphere.customization.gateway", .kind = Kind::text, .scope = Scope::vm, .type = "IPv4 address",
       .doc = "The first NIC's default gateway; needs ipv4.",
       .libvirt = refused(kCustomizationElsewhere), .vsphere = restart(kCustomization),
       .xen = refused(kCustomizationElsewhere),
       .access = in_block_nested<&VmSpec::vsphere, &VsphereBlock::customization, &CustomizationSpec::gateway>()},
      {.path = "spec.vsphere.customization.dns", .kind = Kind::strings, .scope = Scope::vm,
       .type = "list of IPv4 address", .doc = "DNS servers (CustomizationGlobalIPSettings dnsServerList).",
       .libvirt = refused(kCustomizationElsewhere), .vsphere = restart(kCustomization),
       .xen = refused(kCustomizationElsewhere),
       .access = in_block_nested<&VmSpec::vsphere, &VsphereBlock::customization, &CustomizationSpec::dns>()},
      {.path = "spec.libvirt", .kind = Kind::group, .scope = Scope::vm, .type = "mapping",
       .doc = "Settings for libvirt: read by libvirt targets, whatever their hypervisor; kept and ignored elsewhere.",
       .libvirt = all(), .vsphere = none(), .xen = none(), .access = block<&VmSpec::libvirt>(), .compared = false},
      {.path = "spec.libvirt.domainType", .kind = Kind::choice, .scope = Scope::vm, .type = "kvm|qemu|xen|test",
       .doc = "Domain type. Unset: the target's domain_type, else detected.",
       .libvirt = restart("<domain type>"), .vsphere = none(), .xen = none(), .values = &kDomainTypes,
       .access = in_block<&VmSpec::libvirt, &LibvirtBlock::domain_type>()},
      {.path = "spec.libvirt.machine", .kind = Kind::text, .scope = Scope::vm, .type = "string",
       .doc = "Machine type, e.g. pc or q35. Unset: libvirt's default for the arch.",
       .libvirt = restart("<os><type machine>"), .vsphere = none(), .xen = none(),
       .access = in_block<&VmSpec::libvirt, &LibvirtBlock::machine>()},
      {.path = "spec.libvirt.arch", .kind = Kind::text, .scope = Scope::vm, .type = "string",
       .doc = "Guest architecture. Unset: x86_64.", .libvirt = restart("<os><type arch>"), .vsphere = none(),
       .xen = none(), .access = in_block<&VmSpec::libvirt, &LibvirtBlock::arch>()},
  };
}

}  // namespace

const std::vector<Field>& table() {
  static const std::vector<Field> kTable = [] {
    auto t = make_table();
    for (auto& f : t) {
      f.key_ = key_of(f.path);
      f.block_ = block_of(f.path);
    }
    return t;
  }();
  return kTable;
}

}  // namespace hvctl::fields
