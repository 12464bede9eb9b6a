#include "command_table.hpp"

namespace hvctl {

const std::vector<CommandEntry>& command_table() {
  static const std::vector<CommandEntry> kCommands = {
      {"validate", "Check specs offline and report every problem with file:line:column",
       "hvctl validate -f fleet.yaml\nhvctl validate -f specs/\ncat vm.yaml | hvctl validate -f -",
       false, false, {}, Format::table, setup_validate},
      {"plan", "Show what apply would do to each VM",
       "hvctl plan -f specs/\nhvctl plan -f specs/ --detailed-exitcode   # 0: in sync, 2: changes pending",
       false, false, {}, Format::table, setup_plan},
      {"apply", "Make the targets match the specs (idempotent)",
       "hvctl apply -f specs/\nhvctl apply -f web.yaml --dry-run\nhvctl apply -f specs/ --parallel 8\n"
       "hvctl apply -f ci-vms.yaml --wait --timeout 5m   # exit 6 if a VM is not ready in time",
       true, true, {}, Format::table, setup_apply},
      {"list", "List the VMs on a target", "hvctl list\nhvctl ls --target lab -o json\nhvctl list -l env=ci", false, false, {"ls"},
       Format::table, setup_list},
      {"get", "Show a VM's full state", "hvctl get web-01\nhvctl get web-01 -o json", false, false, {},
       Format::yaml, setup_get},
      {"export", "Write running VMs back as specs that apply accepts unchanged",
       "hvctl export web-01 > web-01.yaml\nhvctl export web-01 db-01 > fleet.yaml", false, false, {}, Format::yaml,
       setup_export},
      {"start", "Start VMs", "hvctl start web-01 web-02", true, false, {}, Format::table, setup_start},
      {"stop", "Shut VMs down gracefully (--force: power off)", "hvctl stop web-01\nhvctl stop --force --timeout 30 web-01",
       true, false, {}, Format::table, setup_stop},
      {"reboot", "Reboot VMs (--force: reset)", "hvctl reboot web-01", true, false, {}, Format::table, setup_reboot},
      {"pause", "Pause VMs (keep them in memory, stop their vCPUs)", "hvctl pause web-01", true, false, {},
       Format::table, setup_pause},
      {"resume", "Resume paused VMs", "hvctl resume web-01", true, false, {}, Format::table, setup_resume},
      {"destroy", "Power off and delete VMs by name or label (asks, or --yes)",
       "hvctl destroy web-01 --yes\nhvctl destroy -l run=1234 --yes", true, true, {}, Format::table, setup_destroy},
      {"delete", "Power off and delete exactly the VMs the specs declare",
       "hvctl delete -f specs/\nhvctl delete -f ci-vms.yaml --dry-run", true, true, {}, Format::table, setup_delete},
      {"console", "Attach to a VM's console (Ctrl-] detaches); vSphere: print the web console URL",
       "hvctl console web-01\nhvctl console web-01 --timeout 30 > boot.log", false, false, {}, Format::table,
       setup_console},
      {"convert", "Convert VM configurations: xl.cfg, .vmx, libvirt XML and specs (--to yaml|xl|vmx|libvirt)",
       "hvctl convert /etc/xen/web.cfg --to yaml > web.yaml\nhvctl convert web.vmx --to libvirt -O web.xml\n"
       "hvctl convert specs/web.yaml --to xl --strict   # exit 3 if anything would be lost",
       false, false, {}, Format::yaml, setup_convert},
      {"import", "Turn xl.cfg, .vmx or libvirt XML files into specs (convert --to yaml)",
       "hvctl import /etc/xen/*.cfg > fleet.yaml\nhvctl import vm.vmx -O specs/vm.yaml", false, false, {}, Format::yaml,
       setup_import},
      {"move", "Move a VM to another target, of any backend: copy its disks, define it there, keep the source off",
       "hvctl move web-01 --to xen-a --dry-run\nhvctl move web-01 --to xen-a --as pvh --map-network 'VM Network'=xenbr0 "
       "--shutdown --wait\nhvctl --target xen-a move web-01 --to kvm-1 -O specs/web-01.yaml",
       true, true, {}, Format::table, setup_move},
      {"migrate", "Move VMs to another host of their target (--live: while they run; vSphere: vMotion)",
       "hvctl migrate web-01 --to-host esx-02 --live\nhvctl migrate db-01 db-02 --to-host esx-03", true, false, {},
       Format::table, setup_migrate},
      {"drain", "Move every VM off a host, for maintenance (--shutdown: shut down those no host can take)",
       "hvctl drain esx-01\nhvctl drain esx-01 --shutdown -o json", true, false, {}, Format::table, setup_drain},
      {"snapshot", "Create, list, revert to or remove VM snapshots",
       "hvctl snapshot create web-01 before-upgrade\nhvctl snapshot list web-01\nhvctl snapshot revert web-01 before-upgrade\n"
       "hvctl snapshot remove web-01 before-upgrade",
       true, false, {}, Format::table, setup_snapshot},
      {"autostart", "Start the VMs whose spec says autostart, in order (--stop: shut them down, in reverse)",
       "hvctl --target xen-a autostart --dry-run\nhvctl --target libxl:local autostart          # at dom0 boot "
       "(hvctl-autostart.service)\nhvctl --target libxl:local autostart --stop   # at its shutdown",
       true, true, {}, Format::table, setup_autostart},
      {"report", "Merge the run reports of a sharded apply, plan or delete into one result and one exit code",
       "hvctl apply -f specs/ --shard 2/4 --report shard-2.json\nhvctl report merge shard-*.json\n"
       "hvctl report merge shard-*.json -o json > run.json",
       false, false, {}, Format::table, setup_report},
      {"wait", "Wait until VMs are running, stopped, paused, deleted or ready (exit 6 on timeout)",
       "hvctl wait web-01 web-02 --for running --timeout 120\nhvctl wait -f specs/ --for ready --timeout 5m\n"
       "hvctl wait web-01 --for deleted", false, false, {},
       Format::table, setup_wait},
      {"hosts", "List what runs the VMs: ESXi hosts, the Xen dom0, the libvirt node (CPU, memory, VMs)",
       "hvctl hosts\nhvctl hosts --target vc -o json\nhvctl hosts -A", false, false, {"host"}, Format::table,
       setup_hosts},
      {"networks", "List what NICs can connect to: portgroups with VLANs, libvirt networks, dom0 bridges",
       "hvctl networks\nhvctl networks --target vc -o json", false, false, {"nets"}, Format::table, setup_networks},
      {"storage", "List where disks can live: datastores, storage pools, the Xen image directory",
       "hvctl storage\nhvctl datastores --target vc\nhvctl pools -o json", false, false, {"datastores", "pools"},
       Format::table, setup_storage},
      {"targets", "List configured targets and whether they answer", "hvctl targets\nhvctl targets -o json", false,
       false, {}, Format::table, setup_targets},
      {"completion", "Print a shell completion script (bash, zsh or fish)",
       "source <(hvctl completion bash)\nhvctl completion zsh > \"${fpath[1]}/_hvctl\"\nhvctl completion fish > ~/.config/fish/completions/hvctl.fish",
       false, false, {}, Format::table, setup_completion},
      {"explain", "Describe spec fields: type, meaning when unset, and what each backend does with them",
       "hvctl explain spec.cpu\nhvctl explain disks.size\nhvctl explain -o json", false, false, {}, Format::table,
       setup_explain},
      {"help", "Explain a command (the same text as COMMAND --help)", "hvctl help apply", false, false, {},
       Format::table, setup_help},
      {"version", "Print hvctl's version and compiled-in backends", "hvctl version", false, false, {}, Format::table,
       setup_version},
  };
  return kCommands;
}

}  // namespace hvctl
