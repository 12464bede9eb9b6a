// hvctl completion bash|zsh|fish, and the hidden `hvctl __complete WORD...`
// entry point the scripts call.
#include <chrono>
#include <cstdlib>
#include <future>
#include <iostream>
#include <thread>

#include "cli.hpp"
#include "completion.hpp"

namespace hvctl {
namespace {

struct CompletionOptions {
  std::string shell;
};

// The value of --target / --config among the words, else the environment's.
std::optional<std::string> word_value(const std::vector<std::string>& words, const std::string& flag, const char* env) {
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    if (words[i] == flag && i + 2 < words.size()) return words[i + 1];
    if (words[i].rfind(flag + "=", 0) == 0) return words[i].substr(flag.size() + 1);
  }
  if (const char* v = std::getenv(env); v && *v) return std::string(v);
  return std::nullopt;
}

// VM names from the selected target, given at most `limit` to answer so a
// slow target never hangs the shell. The lookup thread is left behind on a
// timeout; the process exits right after printing.
std::vector<std::string> vm_names_within(const std::vector<std::string>& words, std::chrono::milliseconds limit) {
  auto task = std::make_shared<std::packaged_task<std::vector<std::string>()>>([words] {
    Session session(load_config(word_value(words, "--config", "HVCTL_CONFIG")),
                    word_value(words, "--target", "HVCTL_TARGET"));
    std::vector<std::string> names;
    for (const auto& vm : session.backend(session.target_for(std::nullopt)).list()) names.push_back(vm.name);
    return names;
  });
  auto result = task->get_future();
  std::thread([task] { (*task)(); }).detach();
  if (result.wait_for(limit) != std::future_status::ready) return {};
  try {
    return result.get();
  } catch (const std::exception&) {
    return {};
  }
}

std::vector<std::string> target_names(const std::vector<std::string>& words) {
  std::vector<std::string> names;
  try {
    for (const auto& [name, t] : load_config(word_value(words, "--config", "HVCTL_CONFIG")).targets) names.push_back(name);
  } catch (const std::exception&) {
  }
  return names;
}

}  // namespace

int run_complete(const std::vector<std::string>& words, std::ostream& out) {
  auto cli = build_cli();
  CompletionSources sources;
  sources.targets = [&words] { return target_names(words); };
  // HVCTL_COMPLETION_TIMEOUT_MS: how long to wait for the target (default 2000).
  const char* limit_env = std::getenv("HVCTL_COMPLETION_TIMEOUT_MS");
  const long limit = limit_env && std::atol(limit_env) > 0 ? std::atol(limit_env) : 2000;
  sources.vm_names = [limit](const std::vector<std::string>& w) {
    return vm_names_within(w, std::chrono::milliseconds(limit));
  };
  out << format_completion(complete_words(*cli->app, words, sources)) << std::flush;
  return 0;
}

void setup_completion(CLI::App& app, RunFn& run) {
  auto o = std::make_shared<CompletionOptions>();
  app.add_option("shell", o->shell, "Shell")->required()->check(CLI::IsMember({"bash", "zsh", "fish"}));
  run = [o](Context& ctx) {
    ctx.out().raw(completion_script(o->shell));
    return 0;
  };
}

}  // namespace hvctl
