#include "hvctl/spec_doc.hpp"

namespace hvctl {

const std::vector<FieldDoc>& spec_field_docs() {
  static const std::vector<FieldDoc> kDocs = {
      {"apiVersion", "string", "Must be hvctl/v1.", "", "", ""},
      {"kind", "string", "Must be VirtualMachine.", "", "", ""},
      {"metadata.name", "name", "The VM's name on its target: a letter or digit, then letters, digits, '.', '_', '-'; at most 63. Required.", "domain name", "VM name in its folder", "domain name"},
      {"metadata.labels", "map of string", "Free-form key=value labels; `list -l key=value` selects by them. Keys: letters, digits, '.', '_', '-', '/'.", "domain metadata", "extraConfig entries", "libxl userdata"},
      {"spec.target", "string", "A target name from the config file, or a URI. --target and HVCTL_TARGET override it; default_target applies when unset.", "", "", ""},
      {"spec.ensure", "present|absent", "absent makes apply delete the VM if it exists. Default present.", "", "", ""},
      {"spec.cpu.count", "integer 1..512", "Virtual CPUs.", "<vcpu>", "numCPUs", "vcpus"},
      {"spec.cpu.weight", "integer 1..65535", "Relative CPU share against other VMs on the host.", "<cputune><shares>", "cpuAllocation shares (custom level)", "credit scheduler weight"},
      {"spec.cpu.cap", "integer percent", "Ceiling in percent of one physical CPU (150 = one and a half); at most 100 x count.", "global_quota per 100 ms period", "-", "credit scheduler cap"},
      {"spec.memory.size", "size", "Memory at boot. Sizes need a unit: KiB, MiB, GiB or TiB.", "<currentMemory>", "memoryMB", "target memory"},
      {"spec.memory.max", "size", "Ceiling for ballooning or hot-add; not smaller than size.", "<memory>", "-", "maxmem"},
      {"spec.firmware", "bios|uefi", "Boot firmware.", "<os firmware='efi'> for uefi", "firmware", "HVM only: OVMF for uefi"},
      {"spec.boot.kernel", "path", "Direct kernel boot: a kernel file on the host. Relative paths are relative to the spec file.", "<os><kernel>", "-", "kernel"},
      {"spec.boot.ramdisk", "path", "Initial ramdisk for direct boot; needs boot.kernel.", "<os><initrd>", "-", "ramdisk"},
      {"spec.boot.cmdline", "string", "Kernel command line for direct boot; needs boot.kernel.", "<os><cmdline>", "-", "cmdline"},
      {"spec.disks[].id", "name", "Stable name of the disk within the VM; required and unique. Disks are matched by id.", "kept in hvctl metadata", "device label", "vdev order"},
      {"spec.disks[].size", "size", "Size of a disk the backend creates. A disk needs size or path.", "volume in the target's storage pool", "new VMDK on the datastore", "-"},
      {"spec.disks[].path", "string", "An existing image (libvirt, Xen) or a datastore path (vSphere).", "<source file>", "[datastore] path.vmdk", "target="},
      {"spec.disks[].bus", "virtio|scsi|sata|ide|nvme|xen", "Controller type.", "<target bus>", "controller type", "xen or ide (HVM)"},
      {"spec.disks[].format", "raw|qcow2|vmdk|vhd", "Image format.", "<driver type>", "vmdk", "format="},
      {"spec.disks[].readonly", "boolean", "Attach read-only. Default false.", "<readonly/>", "independent_nonpersistent", "access=ro"},
      {"spec.nics[].id", "name", "Stable name of the NIC within the VM; required and unique.", "kept in hvctl metadata", "device label", "vif order"},
      {"spec.nics[].network", "string", "What the NIC connects to.", "libvirt network", "portgroup", "bridge"},
      {"spec.nics[].mac", "MAC", "Unicast MAC address, xx:xx:xx:xx:xx:xx; generated when unset.", "<mac>", "manual address", "mac="},
      {"spec.nics[].model", "string", "NIC model: virtio, e1000, vmxnet3, netfront...", "<model type>", "device type", "model="},
      {"spec.power", "running|stopped|paused", "Power state apply keeps the VM in. New VMs default to running; unset leaves an existing VM as it is.", "", "paused = suspended", ""},
      {"spec.ready.console", "string", "apply --wait and wait --for ready wait until the guest prints this text on its console.", "-", "-", "console (xenconsoled pty)"},
      {"spec.ready.xenstore", "path", "Ready once the guest has written this key under its xenstore home (e.g. data/ready).", "-", "-", "/local/domain/ID/PATH"},
      {"spec.ready.ip", "boolean", "Ready once the guest reports an IP address.", "guest agent or DHCP lease", "VMware Tools guest.ipAddress", "-"},
      {"spec.ready.agent", "boolean", "Ready once the guest agent answers. Without any ready condition each backend uses its best signal: the power state, and on vSphere the Tools heartbeat and IP when Tools are installed.", "qemu-guest-agent", "Tools heartbeat green", "-"},
      {"spec.xen.type", "pv|pvh|hvm", "Xen guest type. Default pvh.", "<os><type> xen|xenpvh|hvm", "-", "type"},
      {"spec.xen.onPoweroff", "action", "What Xen does when the guest powers off: destroy, restart, preserve, rename-restart, coredump-destroy, coredump-restart, soft-reset.", "<on_poweroff>", "-", "on_poweroff"},
      {"spec.xen.onReboot", "action", "What Xen does when the guest reboots.", "<on_reboot>", "-", "on_reboot"},
      {"spec.xen.onCrash", "action", "What Xen does when the guest crashes.", "<on_crash>", "-", "on_crash"},
      {"spec.xen.tscMode", "default|always_emulate|native|native_paravirt", "How the guest's TSC (rdtsc) is virtualized; takes effect at the next start. Default: Xen's (default).", "-", "-", "tsc_mode"},
      {"spec.vsphere.datacenter", "string", "Datacenter to create the VM in. Default: the first.", "-", "", "-"},
      {"spec.vsphere.cluster", "string", "Cluster whose resource pool takes the VM.", "-", "", "-"},
      {"spec.vsphere.host", "string", "ESXi host to place the VM on.", "-", "", "-"},
      {"spec.vsphere.pool", "string", "Resource pool (inventory path below the datacenter).", "-", "", "-"},
      {"spec.vsphere.folder", "string", "VM folder. Default: the datacenter's vm folder.", "-", "", "-"},
      {"spec.vsphere.datastore", "string", "Datastore for the VM's files and new disks. Default: the first.", "-", "", "-"},
      {"spec.vsphere.guestId", "string", "vSphere guest OS identifier, e.g. otherLinux64Guest.", "-", "", "-"},
      {"spec.vsphere.extraConfig", "map of string", "Advanced settings (extraConfig key/value pairs).", "-", "", "-"},
      {"spec.libvirt.domainType", "kvm|qemu|xen|test", "Domain type. Default: the target's domain_type, else detected.", "", "-", "-"},
      {"spec.libvirt.machine", "string", "Machine type, e.g. pc or q35.", "", "-", "-"},
      {"spec.libvirt.arch", "string", "Guest architecture. Default x86_64.", "", "-", "-"},
  };
  return kDocs;
}

}  // namespace hvctl
