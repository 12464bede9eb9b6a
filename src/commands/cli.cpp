#include "cli.hpp"

#include "cli_flags.hpp"
#include "man_page.hpp"
#include "views.hpp"

#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

#include "hvctl/interrupt.hpp"
#include "hvctl/text.hpp"

namespace hvctl {

const char* exit_code_help() {
  return "Exit codes:\n"
         "  0  success (plan --detailed-exitcode: no changes)\n"
         "  1  internal error\n"
         "  2  changes pending (plan --detailed-exitcode)\n"
         "  3  invalid input: usage (unknown command or flag), spec, config; nothing was changed\n"
         "  4  backend failure: a target was unreachable or refused\n"
         "  5  partial: some VMs were done, others failed (re-run to converge); -A: some targets did not answer\n"
         "  6  timeout: a wait ran out, or a target stayed locked past --lock-timeout\n"
         "  7  impossible: a VM asks for a change its target cannot make; it was left as it is\n"
         "  8  not found: a VM named on the command line does not exist on its target\n"
         "  130 interrupted (Ctrl-C, SIGTERM): apply, delete, destroy started nothing new; the result says what was not done\n"
         "Environment: HVCTL_TARGET (as --target), HVCTL_CONFIG (as --config), XDG_CONFIG_HOME, HVCTL_LOCK_DIR\n"
         "(per-target lock files),\n"
         "XDG_CACHE_HOME and HVCTL_NO_SESSION_CACHE=1 (where vSphere sessions are kept between runs, or not),\n"
         "HVCTL_PASSWORD (the password of a vSphere URI target; never put one in the URI)\n";
}

namespace {

// Every command's help (`hvctl list --help`, `hvctl help list`) lists the
// global options too: they are accepted after the command as well. Its usage
// line names the whole path ("hvctl list"), however help was asked for.
class HelpFormatter : public CLI::Formatter {
public:
  std::string make_usage(const CLI::App* app, std::string name) const override {
    if (name == app->get_name())
      for (const CLI::App* up = app->get_parent(); up != nullptr; up = up->get_parent()) name = up->get_name() + " " + name;
    return CLI::Formatter::make_usage(app, name);
  }
  std::string make_footer(const CLI::App* app) const override {
    const CLI::App* root = app->get_parent();
    if (root == nullptr) return CLI::Formatter::make_footer(app);
    const auto globals = root->get_options([root](const CLI::Option* o) { return o != root->get_help_ptr(); });
    return make_group("Global options", false, globals).substr(1) + "\n" + CLI::Formatter::make_footer(app);
  }
};

}  // namespace

std::unique_ptr<Cli> build_cli() {
  auto cli = std::make_unique<Cli>();
  auto& app = *(cli->app = std::make_unique<CLI::App>(
                    "hvctl: one toolstack for Xen, VMware vSphere and libvirt, driven by declarative YAML specs",
                    "hvctl"));
  auto& g = cli->globals;
  app.formatter(std::make_shared<HelpFormatter>());  // before the commands: each copies it
  app.footer(exit_code_help());
  app.require_subcommand(0, 1);  // none: usage, or --version
  app.fallthrough();
  app.add_option("-o,--output", g.output, "Output format (wide: the table with more columns)")->check(CLI::IsMember({"table", "wide", "json", "yaml"}));
  app.add_option("--target", g.target, "Target name from the config, or a URI")
      ->envname("HVCTL_TARGET")->type_name("TARGET");
  app.add_option("--config", g.config, "Config file")->envname("HVCTL_CONFIG")->type_name("FILE");
  app.add_flag("-q,--quiet", g.quiet, "Only data on stdout and errors on stderr");
  app.add_flag("-v,--verbose", g.verbose,
               "Log to stderr: -v the config file, how each target was chosen, every backend call with its "
               "duration; -vv also the protocol (SOAP requests with secrets redacted, libvirt XML, libxl's log)");
  app.add_option("--parallel", g.parallel, "Operations at once per target (default: per backend)")
      ->check(CLI::Range(1, 256));
  add_duration(app, "--lock-timeout", g.lock_timeout,
               "How long apply, delete and the VM verbs wait for a target another hvctl is changing");
  app.add_flag("--version", g.version, "Print hvctl's version and compiled-in backends (as hvctl version)");
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

// `--name` or `-n` of an option, as typed.
std::vector<std::string> flag_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const auto* o : app.get_options()) {
    for (const auto& l : o->get_lnames()) names.push_back("--" + l);
    for (const auto& s : o->get_snames()) names.push_back("-" + s);
  }
  return names;
}

std::string unknown(const std::string& what, const std::string& word, const std::vector<std::string>& allowed) {
  const auto guess = did_you_mean(word, allowed);
  return guess.empty() ? fmt::format("unknown {} '{}'", what, word)
                       : fmt::format("unknown {} '{}', did you mean '{}'?", what, word, guess);
}

const CLI::App* parsed_command(const CLI::App& root) {
  const CLI::App* command = nullptr;
  for (const auto* sub : root.get_subcommands()) command = sub;
  return command;
}

std::vector<std::string> command_names() {
  std::vector<std::string> names;
  for (const auto& entry : command_table()) {
    names.emplace_back(entry.name);
    names.insert(names.end(), entry.aliases.begin(), entry.aliases.end());
  }
  return names;
}

std::string unknown_flag(const std::string& word, const CLI::App& root, const CLI::App* command) {
  const auto flag = word.substr(0, word.find('='));
  if (flag.rfind("--", 0) != 0) return fmt::format("unknown flag '{}'", flag);  // -x: too short to guess from
  auto names = command ? flag_names(*command) : std::vector<std::string>{};
  const auto global = flag_names(root);
  names.insert(names.end(), global.begin(), global.end());
  return unknown("flag", flag, names);
}

// What was wrong with the command line, in the user's words: the first
// unknown command or flag with the nearest known one, else CLI11's own
// message. What no command or option took is in the root's remaining(), in
// order (every command falls through to it).
std::string usage_problem(const CLI::App& root, const CLI::ParseError& e) {
  const CLI::App* command = parsed_command(root);
  for (const auto& word : root.remaining()) {
    if (word.size() >= 2 && word[0] == '-') return unknown_flag(word, root, command);
    if (command == nullptr) return unknown("command", word, command_names());
  }
  return e.what();
}

// The -o a failed command line asked for, so that its usage error comes out
// in that format too ("" when none or not one hvctl knows).
std::string requested_output(int argc, const char* const* argv) {
  std::string format;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--") break;
    if ((a == "-o" || a == "--output") && i + 1 < argc) format = argv[++i];
    else if (a.rfind("--output=", 0) == 0) format = a.substr(9);
    else if (a.rfind("-o", 0) == 0 && a.size() > 2) format = a.substr(2);
  }
  return format == "json" || format == "yaml" ? format : "";
}

int usage_error(const CLI::App& root, const CLI::ParseError& e, int argc, const char* const* argv,
                std::ostream& out, std::ostream& err) {
  if (e.get_exit_code() == 0) return root.exit(e, out, err);  // --help
  const std::string message = usage_problem(root, e);
  const auto* command = parsed_command(root);
  err << "hvctl: error: " << message << "\nRun 'hvctl help" << (command ? " " + command->get_name() : "")
      << "' for usage.\n";
  if (const auto format = requested_output(argc, argv); !format.empty()) {
    Output output(out, err, parse_format(format), 0, false);
    output.fail(Json::array({error_json(message)}), true);
  }
  return static_cast<int>(ExitCode::invalid_input);
}

// The table entry the command line chose: a command, `version` for
// --version, or none (bare `hvctl`).
std::optional<std::size_t> chosen_command(const Cli& cli) {
  const auto& table = command_table();
  for (std::size_t i = 0; i < table.size(); ++i)
    if ((cli.globals.version && std::string(table[i].name) == "version") ||
        (!cli.globals.version && cli.app->get_subcommand(table[i].name)->parsed()))
      return i;
  return std::nullopt;
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::istream& in, std::ostream& out, std::ostream& err,
            Terminal terminal, Session::Factory factory) {
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
    return usage_error(*cli->app, e, argc, argv, out, err);
  }
  const auto chosen = chosen_command(*cli);
  if (!chosen) {  // bare `hvctl`: a request for the overview, as with kubectl; exit 2 would read as "changes pending"
    out << cli->app->help();
    return 0;
  }
  const auto& g = cli->globals;
  const auto& entry = command_table()[*chosen];
  const Format format = g.output.empty() ? entry.default_format : parse_format(g.output);
  Output output(out, err, format, g.quiet ? -1 : g.verbose, terminal.err);
  Context ctx(g, output, in, terminal.interactive(), std::move(factory));
  int code = 0;
  try {
    code = cli->runs[*chosen](ctx);
  } catch (const std::exception& e) {
    code = report(e, err);
    output.fail(error_entries(e), !g.output.empty());  // the default format is for people: stderr says it
  }
  output.finish();
  code = ctx.write_report(code);
  if (work_abandoned()) {  // a second Ctrl-C: threads are still inside a backend; destructors would race them
    out.flush();
    err.flush();
    std::_Exit(code);
  }
  return code;
}

}  // namespace hvctl
