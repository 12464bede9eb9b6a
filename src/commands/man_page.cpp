#include "man_page.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "cli.hpp"
#include "command_table.hpp"
#include "completion.hpp"
#include "hvctl/spec_doc.hpp"

namespace hvctl {
namespace {

// The pages' date: the release's, not the build's, so builds are reproducible.
constexpr const char* kManDate = "2026-11-23";

// Text safe for roff: backslashes escaped, no line starting with a control character.
std::string roff(const std::string& text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
    line_start = c == '\n';
  }
  return out;
}

std::string option_label(const CLI::Option* o) {
  std::string label;
  for (const auto& s : o->get_snames()) label += (label.empty() ? "" : ", ") + std::string("\\fB\\-") + roff(s) + "\\fR";
  for (const auto& l : o->get_lnames()) label += (label.empty() ? "" : ", ") + std::string("\\fB\\-\\-") + roff(l) + "\\fR";
  if (!o->nonpositional()) label = "\\fI" + roff(o->get_single_name()) + "\\fR";
  else if (o->get_items_expected_max() > 0) label += " \\fI" + roff(o->get_type_name()) + "\\fR";
  return label;
}

void options_section(std::ostringstream& m, const CLI::App& app) {
  for (const auto* o : app.get_options()) {
    if (o->get_lnames().size() == 1 && o->get_lnames()[0] == "help") continue;
    m << ".TP\n" << option_label(o) << "\n" << roff(o->get_description());
    if (!o->get_envname().empty()) m << " (environment: " << roff(o->get_envname()) << ")";
    m << "\n";
  }
}

void command_section(std::ostringstream& m, const CLI::App& root, const CommandEntry& e) {
  const auto* sub = root.get_subcommand(e.name);
  m << ".SS \"" << e.name;
  for (const auto& a : e.aliases) m << ", " << a;
  m << "\"\n" << roff(e.summary) << ".";
  if (e.mutates) m << " Changes state on the target.";
  if (e.dry_run) m << " Supports \\fB\\-\\-dry\\-run\\fR.";
  m << "\n";
  options_section(m, *sub);
  m << ".PP\nExamples:\n.PP\n.nf\n.RS 4\n" << roff(e.examples) << "\n.RE\n.fi\n";
}

void write(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

std::string man_hvctl(const CLI::App& root) {
  std::ostringstream m;
  m << ".TH HVCTL 1 \"" << kManDate << "\" \"hvctl " << HVCTL_VERSION << "\" \"User Commands\"\n"
    << ".SH NAME\nhvctl \\- one toolstack for Xen, VMware vSphere and libvirt, driven by declarative YAML specs\n"
    << ".SH SYNOPSIS\n\\fBhvctl\\fR [\\fIglobal options\\fR] \\fIcommand\\fR [\\fIoptions\\fR] [\\fIargs\\fR]\n"
    << ".SH DESCRIPTION\nhvctl reads VM specs (see \\fBhvctl\\-spec\\fR(5)) and makes libvirt, vSphere and Xen "
       "targets match them. \\fBplan\\fR shows what would change, \\fBapply\\fR changes it, and the imperative "
       "commands act on named VMs. Data goes to standard output, diagnostics to standard error.\n"
    << ".SH GLOBAL OPTIONS\n";
  options_section(m, root);
  m << ".SH COMMANDS\n";
  for (const auto& e : command_table()) command_section(m, root, e);
  m << ".SH EXIT STATUS\n";
  std::istringstream codes(exit_code_help());
  std::string line;
  while (std::getline(codes, line)) {
    if (line.rfind("  ", 0) != 0) continue;
    const auto code_end = line.find(' ', 2);  // "  7  impossible: ...", "  130 interrupted ..."
    if (code_end == std::string::npos) continue;
    const auto text = line.find_first_not_of(' ', code_end);
    m << ".TP\n.B " << line.substr(2, code_end - 2) << "\n" << roff(line.substr(text)) << "\n";
  }
  m << ".SH ENVIRONMENT\n.TP\n.B HVCTL_TARGET\nThe target, as \\fB\\-\\-target\\fR.\n"
    << ".TP\n.B HVCTL_CONFIG\nThe config file, as \\fB\\-\\-config\\fR.\n"
    << ".TP\n.B XDG_CONFIG_HOME\nWhere the default config file lives.\n"
    << ".TP\n.B HVCTL_LOCK_DIR\nWhere the per-target lock files live (default: $XDG_RUNTIME_DIR/hvctl, else "
       "/tmp/hvctl-UID).\n"
    << ".TP\n.B HVCTL_PASSWORD\nThe password for a vSphere URI target (\\fBhttps://admin@vc/sdk\\fR); a URI "
       "with a password in it is refused.\n"
    << ".SH FILES\n.TP\n.I $XDG_CONFIG_HOME/hvctl/config.yaml\n"
       "Targets: type (libvirt, vsphere, xen), uri, username, and one of password_env, password_command or "
       "password (the file must then be mode 0600); TLS settings ca_file, thumbprint, insecure; domain_type, "
       "pool, parallel, timeout (per vSphere request, e.g. 2m). default_target names the target used when a spec and the command line name none.\n"
    << ".SH SEE ALSO\n\\fBhvctl\\-spec\\fR(5), \\fBxl\\fR(1), \\fBvirsh\\fR(1), \\fBgovc\\fR(1)\n";
  return m.str();
}

std::string man_spec() {
  std::ostringstream m;
  m << ".TH HVCTL\\-SPEC 5 \"" << kManDate << "\" \"hvctl " << HVCTL_VERSION << "\" \"File Formats\"\n"
    << ".SH NAME\nhvctl\\-spec \\- the hvctl/v1 VirtualMachine spec format\n"
    << ".SH DESCRIPTION\nA spec file holds one or more YAML documents, each describing one VM. "
       "\\fBhvctl plan\\fR and \\fBapply\\fR compare only the fields a spec sets with what the target reports. "
       "Unknown keys, wrong types and impossible values are errors reported with file:line:column. "
       "Sizes need a binary unit (KiB, MiB, GiB, TiB); bare numbers are rejected.\n"
    << ".SH FIELDS\n";
  for (const auto& f : fields::table()) {
    m << ".TP\n\\fB" << roff(f.path) << "\\fR (" << roff(f.type) << ")\n" << roff(f.doc) << "\n";
    for (auto c : fields::kColumns)
      if (const auto text = backend_use_text(f, c); !text.empty())
        m << ".br\n" << column_title(c) << ": " << roff(text) << "\n";
  }
  m << ".SH BLOCKS FOR ONE HYPERVISOR\n"
    << roff("The xen, vsphere and libvirt blocks hold settings for one kind of target. A target reads the block of "
            "its backend and of the hypervisor it drives: a xen target reads xen; a libvirt target reads libvirt, and "
            "xen too when its host runs Xen (xen+ssh://, xen:///). Every other block is kept in the spec and "
            "ignored, so one spec can move between targets; plan -v names the blocks it ignored. A field in a block "
            "the target reads, but cannot express, is a validation error.")
    << "\n";
  m << ".SH EXAMPLE\n.nf\n.RS 4\n"
    << roff("apiVersion: hvctl/v1\nkind: VirtualMachine\nmetadata: {name: web-01, labels: {tier: web}}\nspec:\n"
            "  target: lab\n  cpu: {count: 2, weight: 256}\n  memory: {size: 2GiB}\n"
            "  disks: [{id: root, size: 20GiB}]\n  nics: [{id: eth0, network: default}]\n  power: running\n")
    << ".RE\n.fi\n.SH SEE ALSO\n\\fBhvctl\\fR(1)\n";
  return m.str();
}

void write_generated_docs(const std::string& dir) {
  const std::filesystem::path root(dir);
  auto cli = build_cli();
  write(root / "man" / "hvctl.1", man_hvctl(*cli->app));
  write(root / "man" / "hvctl-spec.5", man_spec());
  write(root / "completions" / "hvctl.bash", completion_script("bash"));
  write(root / "completions" / "_hvctl", completion_script("zsh"));
  write(root / "completions" / "hvctl.fish", completion_script("fish"));
}

}  // namespace hvctl
