#include "cli.hpp"

#include "cli_flags.hpp"
#include "man_page.hpp"

#include <iostream>

#include <fmt/format.h>

namespace hvctl {

const char* exit_code_help() {
  return "Exit codes:\n"
         "  0  success (plan --detailed-exitcode: no changes)\n"
         "  1  internal error\n"
         "  2  changes pending (plan --detailed-exitcode)\n"
         "  3  invalid input: usage, spec, config; nothing was changed\n"
         "  4  backend failure: a target was unreachable or refused\n"
         "  5  partial: some VMs were done, others failed (re-run to converge)\n"
         "  6  timeout: a wait ran out, or a target stayed locked past --lock-timeout\n"
         "  7  impossible: a VM asks for a change its target cannot make; it was left as it is\n"
         "  8  not found: a VM named on the command line does not exist on its target\n"
         "Environment: HVCTL_TARGET (as --target), HVCTL_CONFIG (as --config), XDG_CONFIG_HOME, HVCTL_LOCK_DIR\n"
         "(per-target lock files), HVCTL_SOAP_TRACE=1 (log vSphere requests, secrets redacted)\n";
}

std::unique_ptr<Cli> build_cli() {
  auto cli = std::make_unique<Cli>();
  auto& app = *(cli->app = std::make_unique<CLI::App>(
                    "hvctl: one toolstack for Xen, VMware vSphere and libvirt, driven by declarative YAML specs",
                    "hvctl"));
  auto& g = cli->globals;
  app.footer(exit_code_help());
  app.require_subcommand(1);
  app.fallthrough();
  app.add_option("-o,--output", g.output, "Output format")->check(CLI::IsMember({"table", "json", "yaml"}));
  app.add_option("--target", g.target, "Target name from the config, or a URI")
      ->envname("HVCTL_TARGET")->type_name("TARGET");
  app.add_option("--config", g.config, "Config file")->envname("HVCTL_CONFIG")->type_name("FILE");
  app.add_flag("-q,--quiet", g.quiet, "Only data on stdout and errors on stderr");
  app.add_flag("-v,--verbose", g.verbose, "More detail on stderr (repeat for more)");
  app.add_option("--parallel", g.parallel, "Operations at once per target (default: per backend)")
      ->check(CLI::Range(1, 256));
  add_duration(app, "--lock-timeout", g.lock_timeout,
               "How long apply, delete and the VM verbs wait for a target another hvctl is changing");
  const auto& table = command_table();
  cli->runs.resize(table.size());
  for (std::size_t i = 0; i < table.size(); ++i) {
    const auto& entry = table[i];
    auto* sub = app.add_subcommand(entry.name, entry.summary);
    for (const auto& alias : entry.aliases) sub->alias(alias);
    sub->footer(std::string("Examples:\n") + entry.examples);
    entry.setup(*sub, cli->runs[i]);
  }
  return cli;
}

namespace {

int report(const std::exception& e, std::ostream& err) {
  if (const auto* v = dynamic_cast<const ValidationError*>(&e)) {
    for (const auto& p : v->problems()) err << p.str() << "\n";
    err << fmt::format("hvctl: {} problem{} found; nothing was changed\n", v->problems().size(),
                       v->problems().size() == 1 ? "" : "s");
    return static_cast<int>(ExitCode::invalid_input);
  }
  err << "hvctl: error: " << e.what() << "\n";
  if (const auto* h = dynamic_cast<const Error*>(&e)) return static_cast<int>(h->code());
  return static_cast<int>(ExitCode::internal);
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::istream& in, std::ostream& out, std::ostream& err,
            bool interactive, Session::Factory factory) {
  if (argc >= 2 && std::string(argv[1]) == "__complete")
    return run_complete(std::vector<std::string>(argv + 2, argv + argc), out);
  if (argc == 3 && std::string(argv[1]) == "__gen-docs") {
    write_generated_docs(argv[2]);
    return 0;
  }
  auto cli = build_cli();
  try {
    cli->app->parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = cli->app->exit(e, out, err);
    return code == 0 ? 0 : static_cast<int>(ExitCode::invalid_input);
  }
  const auto& table = command_table();
  try {
    for (std::size_t i = 0; i < table.size(); ++i) {
      if (!cli->app->get_subcommand(table[i].name)->parsed()) continue;
      const auto& g = cli->globals;
      const Format format = g.output.empty() ? table[i].default_format : parse_format(g.output);
      Output output(out, err, format, g.quiet ? -1 : g.verbose, interactive);
      Context ctx(g, output, in, interactive, std::move(factory));
      return cli->runs[i](ctx);
    }
    return static_cast<int>(ExitCode::invalid_input);
  } catch (const std::exception& e) {
    return report(e, err);
  }
}

}  // namespace hvctl
