// Error types and the one place that maps them to exit codes.
#pragma once

#include <compare>
#include <stdexcept>
#include <string>
#include <vector>

namespace hvctl {

// Process exit codes; documented in README.md and `hvctl --help`.
enum class ExitCode : int {
  ok = 0,
  internal = 1,        // a bug or an unexpected condition
  changes_pending = 2, // plan --detailed-exitcode: there is something to do
  invalid_input = 3,   // bad usage, spec, config or file; nothing was contacted or changed
  backend_failure = 4, // a target failed or refused; see the message
  partial = 5,         // apply/verbs: some VMs done, some failed
  timeout = 6,         // a wait or a graceful operation ran out of time
  impossible = 7,      // plan/apply: a VM asks for a change its target cannot make; it was left untouched
  not_found = 8,       // a VM named on the command line does not exist on its target
  interrupted = 130,   // SIGINT/SIGTERM: apply, delete or destroy stopped early; the result says what was not done
};

// A file's name, held once per process (interned) and shared by every mark
// read from that file: a spec file of 10,000 documents holds its name once,
// not once per field of each. A mark is then a pointer and two ints.
class SourceFile {
public:
  SourceFile() = default;
  SourceFile(const std::string& name);
  SourceFile(const char* name) : SourceFile(std::string(name)) {}
  const std::string& str() const;  // "" when none
  operator const std::string&() const { return str(); }
  bool empty() const { return str().empty(); }
  friend bool operator==(const SourceFile& a, const SourceFile& b) { return a.str() == b.str(); }
  friend auto operator<=>(const SourceFile& a, const SourceFile& b) { return a.str() <=> b.str(); }

private:
  const std::string* name_ = nullptr;  // into the process's table of names; never freed
};

// Where in a source file something is (1-based line and column).
struct SourceMark {
  SourceFile file;
  int line = 0;
  int column = 0;
  std::string str() const;  // "file:line:column" (or just "file" when unknown)
};

// One validation problem; validation collects all of them, then fails once.
struct Problem {
  SourceMark mark;
  std::string message;
  std::string str() const;  // "file:line:column: message"
};

// Base of every error hvctl reports; carries the exit code it maps to.
class Error : public std::runtime_error {
public:
  Error(ExitCode code, const std::string& what) : std::runtime_error(what), code_(code) {}
  ExitCode code() const { return code_; }

private:
  ExitCode code_;
};

// Bad input from the user: usage, config, spec.
class InputError : public Error {
public:
  explicit InputError(const std::string& what) : Error(ExitCode::invalid_input, what) {}
};

// Several input problems found in one pass.
class ValidationError : public InputError {
public:
  explicit ValidationError(std::vector<Problem> problems);
  const std::vector<Problem>& problems() const { return problems_; }

private:
  std::vector<Problem> problems_;
};

// A target failed: unreachable, refused, or an operation faulted. The message
// says which target, what was being done to which VM, and the backend's own words.
class BackendError : public Error {
public:
  explicit BackendError(const std::string& what) : Error(ExitCode::backend_failure, what) {}
};

// A VM named on the command line is not on its target.
class NotFoundError : public Error {
public:
  NotFoundError(const std::string& target, const std::string& vm)
      : Error(ExitCode::not_found, "target '" + target + "': no VM named '" + vm + "'") {}
};

// The backend cannot do this at all (capability missing).
class UnsupportedError : public BackendError {
public:
  UnsupportedError(const std::string& backend, const std::string& operation)
      : BackendError(operation + " is not supported by " + backend) {}
};

class TimeoutError : public Error {
public:
  explicit TimeoutError(const std::string& what) : Error(ExitCode::timeout, what) {}
};

// An Error with the target and VM it concerns, so that its `errors` entry
// says them; the original's exit code and message are kept.
class LocatedError : public Error {
public:
  LocatedError(const Error& e, std::string target, std::string vm)
      : Error(e.code(), e.what()), target_(std::move(target)), vm_(std::move(vm)) {}
  const std::string& target() const { return target_; }
  const std::string& vm() const { return vm_; }

private:
  std::string target_, vm_;
};

// Runs `fn`; an Error it throws comes out as a LocatedError naming `target`
// and `vm` ("" when none). Validation problems carry their own places.
template <typename F>
auto located(const std::string& target, const std::string& vm, F&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const LocatedError&) {
    throw;
  } catch (const ValidationError&) {
    throw;
  } catch (const Error& e) {
    throw LocatedError(e, target, vm);
  }
}

}  // namespace hvctl
