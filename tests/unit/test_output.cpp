#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>

#include "hvctl/error.hpp"
#include "hvctl/output.hpp"

using namespace hvctl;

namespace {
Result sample() {
  Result r{"VmList"};
  r.data["items"] = Json::array({{{"name", "a"}, {"power", "running"}, {"cpu", 2}}, {{"name", "bb"}, {"power", "stopped"}}});
  r.items_key = "items";
  r.columns = {{"NAME", "/name"}, {"POWER", "/power"}, {"CPUS", "/cpu"}};
  r.footer = {"2 VMs"};
  return r;
}
}  // namespace

TEST_CASE("JSON carries the format version and kind first") {
  const auto j = Json::parse(render_json(sample()));
  CHECK(j["formatVersion"] == kFormatVersion);
  CHECK(j["kind"] == "VmList");
  CHECK(j["items"][1]["name"] == "bb");
  CHECK(render_json(sample()).find("\"formatVersion\"") < render_json(sample()).find("\"items\""));
}

TEST_CASE("tables align columns and show '-' for missing cells") {
  CHECK(render_table(sample()) ==
        "NAME  POWER    CPUS\n"
        "a     running  2\n"
        "bb    stopped  -\n"
        "2 VMs\n");
}

TEST_CASE("-o wide is the table with its wide columns after the others") {
  auto r = sample();
  r.data["items"][0]["runtime"] = {{"host", "esx-01"}, {"ips", {"10.0.0.5", "fe80::1"}}};
  r.wide_columns = {{"HOST", "/runtime/host"}, {"IP", "/runtime/ips/0"}};
  CHECK(render_table(r) == render_table(sample()));  // plain table: no wide columns
  CHECK(render_table(r, true) ==
        "NAME  POWER    CPUS  HOST    IP\n"
        "a     running  2     esx-01  10.0.0.5\n"
        "bb    stopped  -     -       -\n"
        "2 VMs\n");
  CHECK(parse_format("wide") == Format::wide);
}

TEST_CASE("YAML quotes strings that would read back as other types") {
  Json j = {{"a", "true"}, {"b", "123"}, {"c", "plain"}, {"d", 5}, {"e", ""}, {"f", "52:54:00:00:00:01"}};
  const auto y = json_to_yaml(j);
  CHECK(y.find("a: \"true\"") != std::string::npos);
  CHECK(y.find("b: \"123\"") != std::string::npos);
  CHECK(y.find("c: plain") != std::string::npos);
  CHECK(y.find("d: 5") != std::string::npos);
  CHECK(y.find("e: \"\"") != std::string::npos);
  CHECK(y.find("f: \"52:54:00:00:00:01\"") != std::string::npos);
}

TEST_CASE("data goes to stdout, diagnostics to stderr, -q silences info") {
  std::ostringstream out, err;
  Output o(out, err, Format::json, -1, false);
  o.info("progress");
  o.warn("careful");
  o.render(sample());
  o.finish();
  CHECK(err.str() == "warning: careful\n");
  CHECK(Json::parse(out.str())["kind"] == "VmList");
  CHECK_THROWS_AS(parse_format("xml"), InputError);
}

TEST_CASE("JSON and YAML: one document per run, a failure joins it or stands alone") {
  const Json errors = Json::array({{{"message", "boom"}, {"target", "t"}}});
  SUBCASE("held until finish, then the failure is in it") {
    std::ostringstream out, err;
    Output o(out, err, Format::json, 0, false);
    o.render(sample());
    CHECK(out.str().empty());
    o.fail(errors, false);
    o.finish();
    const auto j = Json::parse(out.str());  // one document: parse throws on two
    CHECK(j["kind"] == "VmList");
    CHECK(j["items"].size() == 2);
    CHECK(j["errors"] == errors);
    o.finish();  // nothing more
    CHECK(Json::parse(out.str()) == j);
  }
  SUBCASE("nothing rendered: an Error document, only when asked for") {
    std::ostringstream out, err, quiet;
    {
      Output o(out, err, Format::yaml, 0, false);
      o.fail(errors, true);
    }  // written on destruction
    CHECK(out.str() == "formatVersion: 1\nkind: Error\nerrors:\n  - message: boom\n    target: t\n");
    Output q(quiet, err, Format::json, 0, false);
    q.fail(errors, false);
    q.finish();
    CHECK(quiet.str().empty());
  }
  SUBCASE("tables: written at once, failures are stderr's business") {
    std::ostringstream out, err;
    Output o(out, err, Format::table, 0, false);
    o.render(sample());
    CHECK(out.str() == render_table(sample()));
    o.fail(errors, true);
    o.finish();
    CHECK(out.str() == render_table(sample()));
    CHECK(err.str().empty());
  }
}

TEST_CASE("diagnostics: -v and -vv choose the lines; a keyed warning comes once") {
  std::ostringstream out, err;
  Output quiet(out, err, Format::table, 0, false);
  CHECK(quiet.shows(LogLevel::warning));
  CHECK_FALSE(quiet.shows(LogLevel::verbose));
  quiet.log(LogLevel::verbose, "lookup web: 2 ms");
  quiet.log(LogLevel::protocol, "soap #1");
  CHECK(err.str().empty());
  quiet.warn_once("tls vc", "target 'vc': TLS verification is off");
  quiet.warn_once("tls vc", "target 'vc': TLS verification is off");
  quiet.warn_once("tls other", "target 'other': TLS verification is off");
  CHECK(err.str() == "warning: target 'vc': TLS verification is off\nwarning: target 'other': TLS verification is off\n");

  std::ostringstream err2;
  Output verbose(out, err2, Format::table, 1, false);
  verbose.log(LogLevel::verbose, "lookup web: 2 ms");
  verbose.log(LogLevel::protocol, "soap #1");
  const std::string logged = err2.str();
  CHECK(logged.rfind("[0.0", 0) == 0);  // seconds since the run began
  CHECK(logged.find("s] lookup web: 2 ms\n") != std::string::npos);
  CHECK(logged.find("soap") == std::string::npos);
  CHECK_FALSE(no_diagnostics().shows(LogLevel::warning));
}

TEST_CASE("the status line: drawn in place on a terminal, cleared around other lines, never elsewhere") {
  std::ostringstream out, err;
  Output tty(out, err, Format::table, 0, true);
  tty.set_status("apply: 0/2 done, 1 in flight, 0s");
  tty.info("web: create");
  tty.set_status("apply: 1/2 done, 1 in flight, 1s");
  tty.render(sample());
  CHECK(err.str() ==
        "\r\033[Kapply: 0/2 done, 1 in flight, 0s"    // drawn
        "\r\033[Kweb: create\napply: 0/2 done, 1 in flight, 0s"  // a line above it, then redrawn
        "\r\033[Kapply: 1/2 done, 1 in flight, 1s"    // updated in place
        "\r\033[K");                                  // removed before the result
  CHECK(out.str().rfind("NAME", 0) == 0);

  std::ostringstream out2, err2;
  Output pipe(out2, err2, Format::table, 0, false);
  pipe.set_status("apply: 0/2 done, 1 in flight, 0s");
  pipe.info("web: create");
  CHECK(err2.str() == "web: create\n");
  Output silenced(out2, err2, Format::table, -1, true);  // -q
  CHECK_FALSE(silenced.shows_status());
}

TEST_CASE("a long step's progress: on the status line on a terminal, a -v line per tenth elsewhere") {
  CHECK(status_with_progress("apply: 0/1 done, 1 in flight, 3s", {{"web: copying disk 'root'", 42}}) ==
        "apply: 0/1 done, 1 in flight, 3s | web: copying disk 'root': 42%");
  CHECK(status_with_progress("", {{"a", 1}, {"b", 2}}) == "a: 1% | b: 2%");

  std::ostringstream out, err;
  Output tty(out, err, Format::table, 0, true);
  tty.set_status("apply: 0/1 done, 1 in flight, 0s");
  {
    ProgressTask copy(tty, "web: copying disk 'root'");
    copy.update(512, 1024);
  }  // ended: it leaves the line
  CHECK(err.str() ==
        "\r\033[Kapply: 0/1 done, 1 in flight, 0s"
        "\r\033[Kapply: 0/1 done, 1 in flight, 0s | web: copying disk 'root': 0%"
        "\r\033[Kapply: 0/1 done, 1 in flight, 0s | web: copying disk 'root': 50%"
        "\r\033[Kapply: 0/1 done, 1 in flight, 0s");

  std::ostringstream out2, err2;
  Output pipe(out2, err2, Format::table, 1, false);  // -v, not a terminal
  {
    ProgressTask copy(pipe, "web: copying disk 'root'");
    for (unsigned p : {3u, 9u, 10u, 15u, 37u, 99u}) copy.update(p);
  }
  std::string lines = err2.str();
  for (const char* want : {"root': 0%\n", "root': 10%\n", "root': 30%\n", "root': 90%\n", "root': 100%\n"})
    CHECK(lines.find(want) != std::string::npos);
  CHECK(std::count(lines.begin(), lines.end(), '\n') == 5);  // 3%, 9% and 15% add no line of their own

  std::ostringstream out3, err3;
  Output quiet(out3, err3, Format::table, 0, false);  // no -v, not a terminal
  ProgressTask(quiet, "x").update(50);
  CHECK(err3.str().empty());
}
