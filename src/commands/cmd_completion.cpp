// hvctl completion bash|zsh|fish, and the hidden `hvctl __complete WORD...`
// entry point the scripts call.
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "cli.hpp"
#include "completion.hpp"

namespace hvctl {
namespace {

struct CompletionOptions {
  std::string shell;
};

bool write_all(int fd, const std::string& text) {
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// Reads fd to its end into `text`; false when the deadline came first.
bool read_until(int fd, std::string& text, std::chrono::steady_clock::time_point deadline) {
  char buffer[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    text.append(buffer, static_cast<std::size_t>(n));
  }
}

// The value of --target / --config among the words, else the environment's.
std::optional<std::string> word_value(const std::vector<std::string>& words, const std::string& flag, const char* env) {
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    if (words[i] == flag && i + 2 < words.size()) return words[i + 1];
    if (words[i].rfind(flag + "=", 0) == 0) return words[i].substr(flag.size() + 1);
  }
  if (const char* v = std::getenv(env); v && *v) return std::string(v);
  return std::nullopt;
}

using Lister = std::function<std::vector<std::string>(Backend&)>;

// Names `list` reads from the target the words select.
std::vector<std::string> list_names(const std::vector<std::string>& words, const Lister& list) {
  Session session(load_config(word_value(words, "--config", "HVCTL_CONFIG")),
                  word_value(words, "--target", "HVCTL_TARGET"));
  return list(session.backend(session.target_for(std::nullopt)));
}

std::vector<std::string> vm_names(Backend& b) {
  std::vector<std::string> names;
  for (const auto& vm : b.list()) names.push_back(vm.name);
  return names;
}

std::vector<std::string> host_names(Backend& b) {
  std::vector<std::string> names;
  for (const auto& h : b.hosts()) names.push_back(h.name);
  return names;
}

// Names from the selected target (VMs, hosts), given at most `limit` to answer so a
// slow or dead target never hangs the shell. The lookup runs in a child
// process that writes one name per line to a pipe and exits; at the deadline
// the child is killed and reaped. No thread of this process is left inside a
// backend (libcurl, OpenSSL, libvirt) when it exits, which a detached lookup
// thread was: LeakSanitizer then reported its OpenSSL per-thread state.
std::vector<std::string> names_within(const std::vector<std::string>& words, std::chrono::milliseconds limit,
                                      const Lister& list) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return {};
  std::fflush(nullptr);
  const pid_t child = fork();
  if (child < 0) {
    close(fds[0]);
    close(fds[1]);
    return {};
  }
  if (child == 0) {
    close(fds[0]);
    int rc = 0;
    try {
      std::string text;
      for (const auto& name : list_names(words, list)) text += name + "\n";
      rc = write_all(fds[1], text) ? 0 : 1;
    } catch (const std::exception&) {
      rc = 1;
    }
    close(fds[1]);
    std::exit(rc);  // a normal exit: a sanitizer build checks the child for leaks too
  }
  close(fds[1]);
  std::string text;
  const bool complete = read_until(fds[0], text, std::chrono::steady_clock::now() + limit);
  close(fds[0]);
  if (!complete) kill(child, SIGKILL);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!complete || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return {};
  std::vector<std::string> names;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty()) names.push_back(line);
  return names;
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
    return names_within(w, std::chrono::milliseconds(limit), vm_names);
  };
  sources.host_names = [limit](const std::vector<std::string>& w) {
    return names_within(w, std::chrono::milliseconds(limit), host_names);
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
