// One renderer for every command's data: table, JSON or YAML on stdout.
// Diagnostics (progress, warnings) go to stderr through the same object.
//
// The scripting contract: with JSON or YAML, stdout gets exactly one
// document per run, failures included. A failure adds entries to the
// document's `errors` list (each with `message`, and `target`, `vm`, `file`,
// `line`, `column` when known), or, when the command rendered nothing, makes
// a document of its own of kind "Error". The exit code still says what
// happened.
#pragma once

#include <chrono>
#include <iosfwd>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hvctl/diagnostics.hpp"

namespace hvctl {

using Json = nlohmann::ordered_json;

// Version of the JSON/YAML documents hvctl prints; keys never change meaning
// within one version.
inline constexpr int kFormatVersion = 1;

enum class Format { table, wide, json, yaml };  // wide: the table with its wide_columns too
Format parse_format(const std::string& s);  // throws InputError

struct Column {
  std::string header;  // "NAME"
  std::string key;     // JSON pointer into an item: "/name", "/spec/cpu/count"
};

// What a command returns: a kind, its data, and how to show it as a table.
struct Result {
  Result() = default;
  explicit Result(std::string k) : kind(std::move(k)) {}

  std::string kind;             // "VmList", "Plan", ...
  Json data = Json::object();   // merged into {"formatVersion", "kind", ...}
  std::string items_key;        // for tables: which array in data holds the rows
  std::vector<Column> columns;  // table columns; empty: render YAML instead
  std::vector<Column> wide_columns;  // appended with -o wide
  std::vector<std::string> footer;  // table-only lines after the rows ("2 to create")
};

// Also the run's Diagnostics sink: every stderr line passes through here, so
// a live status line (set_status) can be cleared before a line and drawn
// again after it.
class Output final : public Diagnostics {
public:
  Output(std::ostream& out, std::ostream& err, Format format, int verbosity, bool err_is_tty);

  // Data to stdout. Tables are written at once; a JSON or YAML document is
  // held until finish(), so that a failure after it joins it (one document).
  void render(const Result& result);
  // A failure's `errors` entries (a JSON array). JSON/YAML: they join the
  // held document, else, when `standalone`, make an "Error" document. Tables:
  // nothing (the message goes to stderr, from whoever caught the failure).
  void fail(const Json& errors, bool standalone);
  // Writes the held document, if any. Also done on destruction.
  void finish();
  // The run's document in its JSON form, whatever the format: what render()
  // was given, with the `errors` fail() added (an "Error" document when
  // nothing was rendered). Null when neither was called. For --report.
  Json record() const;
  ~Output() override;
  void raw(const std::string& text);               // text already in its final form to stdout
  void info(const std::string& line);              // stderr unless -q
  void debug(const std::string& line);             // stderr only with -v (log at LogLevel::verbose)
  void warn(const std::string& line);              // stderr always, "warning: " prefix
  void prompt(const std::string& question);        // stderr, no newline, always shown

  // Diagnostics: -v lines carry the seconds since the run began ("[0.012s] ...").
  bool shows(LogLevel level) const override;
  void log(LogLevel level, const std::string& line) override;
  void warn_once(const std::string& key, const std::string& line) override;
  // On a terminal (unless -q) each running task's "task: 42%" joins the
  // status line; elsewhere, with -v, a line at each tenth it passes.
  void progress(const std::string& task, unsigned percent) override;

  // On a terminal, unless -q: `line` becomes the live status line at the
  // bottom of stderr, redrawn in place; "" removes it. Elsewhere: nothing.
  void set_status(const std::string& line);
  bool shows_status() const { return err_tty_ && verbosity_ >= 0; }
  bool err_is_tty() const { return err_tty_; }
  Format format() const { return format_; }
  bool tabular() const { return format_ == Format::table || format_ == Format::wide; }  // table or wide

private:
  std::ostream& out_;
  std::ostream& err_;
  Format format_;
  int verbosity_;
  bool err_tty_;
  mutable std::mutex mutex_;  // progress lines come from worker threads
  Json held_;         // JSON/YAML: the document render() was given, until finish()
  Json record_;       // the same in every format, kept after finish()
  std::set<std::string> warned_;  // warn_once keys already shown
  std::string status_;            // the live status line now drawn, if any
  std::string status_base_;       // what set_status was given; status_ adds the tasks' progress
  std::map<std::string, unsigned> progress_;  // running tasks: their last percent (tty) or tenth logged (-v)
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();

  void line_to_err(const std::string& line);  // with mutex_ held: clears the status line, writes, redraws it
  void clear_status();                        // with mutex_ held
  void draw_status();                         // with mutex_ held: status_base_ and progress_, in place
};

// The status line: `base` ("apply: 1/3 done, ...") then each task's
// "task: 42%", joined by " | ". Pure.
std::string status_with_progress(const std::string& base, const std::map<std::string, unsigned>& progress);

// Renderers, exposed for tests.
std::string render_json(const Result& r);
std::string render_yaml(const Result& r);
std::string render_table(const Result& r, bool wide = false);
std::string json_to_yaml(const Json& j);

}  // namespace hvctl
