// hvctl help [COMMAND]: the same text as --help, from the same CLI11 tree.
#include <fmt/format.h>

#include "command_table.hpp"

namespace hvctl {

void setup_help(CLI::App& app, RunFn& run) {
  auto command = std::make_shared<std::string>();
  app.add_option("command", *command, "Command to explain");
  const CLI::App* root = app.get_parent();
  run = [command, root](Context& ctx) {
    if (command->empty()) {
      ctx.out().raw(root->help());
      return 0;
    }
    for (const auto* sub : root->get_subcommands([](const CLI::App*) { return true; }))
      if (sub->check_name(*command) && !sub->get_group().empty()) {
        ctx.out().raw(sub->help());
        return 0;
      }
    throw InputError(fmt::format("no command '{}': see 'hvctl help'", *command));
  };
}

}  // namespace hvctl
