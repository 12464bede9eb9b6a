#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "hvctl/error.hpp"
#include "hvctl/target.hpp"
#include "hvctl/text.hpp"

using namespace hvctl;
namespace fs = std::filesystem;

namespace {

std::string write_config(const std::string& text, mode_t mode) {
  const auto path = (fs::temp_directory_path() / "hvctl-test-config.yaml").string();
  std::ofstream(path) << text;
  ::chmod(path.c_str(), mode);
  return path;
}

std::string error_of(const std::string& text, mode_t mode = 0600) {
  try {
    load_config(write_config(text, mode));
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("config names targets with credentials from env, command or a private file") {
  const auto path = write_config(R"(default_target: lab
targets:
  lab: {type: libvirt, uri: "test:///default", domain_type: test}
  vc:
    uri: https://vc.example/sdk
    username: admin
    password_env: HVCTL_TEST_PW
    thumbprint: "AA:BB"
    timeout: 2m
  esx: {uri: "https://esx/sdk", username: root, password_command: "printf 's3cret\n'"}
  inline: {uri: "https://esx2/sdk", username: root, password: hunter2}
  dom0: {type: xen, uri: "libxl:local", state_dir: /srv/hvctl, pvgrub_dir: /opt/grub-xen, monitor: none}
)",
                                 0600);
  const auto config = load_config(path);
  CHECK(config.default_target == "lab");
  CHECK(config.targets.at("lab").type == "libvirt");
  CHECK(config.targets.at("lab").option("domain_type") == "test");
  const auto& vc = config.targets.at("vc");
  CHECK(vc.type == "vsphere");  // from the https scheme
  CHECK(vc.option("thumbprint") == "AA:BB");
  CHECK(vc.option("timeout") == "120");
  ::setenv("HVCTL_TEST_PW", "from-env", 1);
  CHECK(vc.password() == "from-env");
  ::unsetenv("HVCTL_TEST_PW");
  CHECK_THROWS_WITH_AS(vc.password(), doctest::Contains("HVCTL_TEST_PW (password_env) is not set"), InputError);
  CHECK(config.targets.at("esx").password() == "s3cret");
  CHECK(config.targets.at("inline").password() == "hunter2");
  const auto& dom0 = config.targets.at("dom0");  // the Xen backend's options, as README names them
  CHECK(dom0.option("state_dir") == "/srv/hvctl");
  CHECK(dom0.option("pvgrub_dir") == "/opt/grub-xen");
  CHECK(dom0.option("monitor") == "none");
}

TEST_CASE("config refuses a password in a file others can read") {
  const auto message = error_of("targets:\n  a: {uri: 'https://x/sdk', password: p}\n", 0644);
  CHECK(message.find("mode is 0644") != std::string::npos);
  CHECK(message.find("chmod 600") != std::string::npos);
}

TEST_CASE("config errors name the file and position") {
  CHECK(error_of("targets:\n  a: {uri: x, tpye: libvirt}\n").find(":2:") != std::string::npos);
  CHECK(error_of("targets:\n  a: {uri: x, tpye: libvirt}\n").find("did you mean 'type'") != std::string::npos);
  CHECK(error_of("targets:\n  a: {type: libvirt}\n").find("needs a uri") != std::string::npos);
  CHECK(error_of("targets:\n  a: {type: hyperv, uri: x}\n").find("type must be libvirt, vsphere or xen") != std::string::npos);
  CHECK(error_of("targets:\n  a: {uri: 'https://x', password: a, password_env: B}\n").find("only one of") != std::string::npos);
  CHECK(error_of("default_target: nope\n").find("not a configured target") != std::string::npos);
  CHECK(error_of("targets: [\n").find("YAML syntax") != std::string::npos);
  CHECK(error_of("targets:\n  a: {uri: 'test:///default', parallel: 0}\n").find("at least 1") != std::string::npos);
  CHECK(error_of("targets:\n  a: {uri: 'https://x/sdk', timeout: 5min}\n").find(":2:38: timeout: '5min' is not a duration") !=
        std::string::npos);
}

TEST_CASE("a missing default config is fine; a missing explicit one is not") {
  CHECK_THROWS_WITH_AS(load_config(std::string("/nonexistent/hvctl.yaml")), doctest::Contains("config file not found"), InputError);
  ::setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
  CHECK(load_config(std::nullopt).targets.empty());
  ::unsetenv("XDG_CONFIG_HOME");
}

TEST_CASE("targets resolve by name or URI") {
  Config config;
  config.targets["lab"] = Target{"lab", "libvirt", "qemu:///system"};
  CHECK(resolve_target(config, "lab").uri == "qemu:///system");
  CHECK(resolve_target(config, "test:///default").type == "libvirt");
  CHECK(resolve_target(config, "xen+ssh://root@dom0/system").type == "libvirt");
  CHECK(resolve_target(config, "https://vc/sdk").type == "vsphere");
  CHECK(resolve_target(config, "libxl:local").type == "xen");
  CHECK_THROWS_WITH_AS(resolve_target(config, "nope"), doctest::Contains("unknown target 'nope'"), InputError);
}

TEST_CASE("redact_uri hides a userinfo password and nothing else") {
  CHECK(redact_uri("https://admin:secret@host/sdk") == "https://admin:***@host/sdk");
  CHECK(redact_uri("https://u:p@ss/w@host:443/sdk?x=1") == "https://u:***@host:443/sdk?x=1");
  CHECK(redact_uri("qemu+ssh://root:pw@dom0/system?keyfile=/k") == "qemu+ssh://root:***@dom0/system?keyfile=/k");
  CHECK(redact_uri("https://admin@host/sdk") == "https://admin@host/sdk");
  CHECK(redact_uri("https://host:443/sdk?user=a@b.local") == "https://host:443/sdk?user=a@b.local");
  CHECK(redact_uri("libxl:local") == "libxl:local");
  CHECK(uri_has_password("https://u:@host/sdk"));
  CHECK_FALSE(uri_has_password("xen+ssh://root@dom0/system"));
  CHECK_FALSE(uri_has_password("https://host:443/sdk"));
}

TEST_CASE("a password in a target URI is refused, and not echoed") {
  Config config;
  for (const char* uri : {"https://admin:hunter2@vc/sdk", "qemu+ssh://root:hunter2@dom0/system",
                          "nosuch://admin:hunter2@x/"}) {
    CAPTURE(uri);
    std::string message;
    try {
      resolve_target(config, uri);
    } catch (const InputError& e) {
      message = e.what();
    }
    CHECK(message.find("holds a password") != std::string::npos);
    CHECK(message.find(":***@") != std::string::npos);
    CHECK(message.find("HVCTL_PASSWORD") != std::string::npos);
    CHECK(message.find("password_command") != std::string::npos);
    CHECK(message.find("hunter2") == std::string::npos);
  }
  const auto message = error_of("targets:\n  vc: {uri: 'https://admin:hunter2@vc/sdk'}\n");
  CHECK(message.find(":2:") != std::string::npos);
  CHECK(message.find("https://admin:***@vc/sdk") != std::string::npos);
  CHECK(message.find("hunter2") == std::string::npos);
  CHECK(error_of("default_target: 'nosuch://u:hunter2@x/'\n").find("hunter2") == std::string::npos);
}

TEST_CASE("a vSphere URI carries its user and TLS settings as query parameters") {
  Config config;
  const auto t = resolve_target(
      config, "https://admin%40vsphere.local@vc.example:443/sdk?thumbprint=AA:BB&insecure=1&ca_file=/etc/ssl/vc.pem");
  CHECK(t.uri == "https://vc.example:443/sdk");
  CHECK(t.username == "admin@vsphere.local");
  CHECK(t.option("thumbprint") == "AA:BB");
  CHECK(t.option("insecure") == "true");
  CHECK(t.option("ca_file") == "/etc/ssl/vc.pem");
  CHECK_FALSE(t.password);

  const auto u = resolve_target(config, "https://vc/sdk?user=root&insecure=false");
  CHECK(u.uri == "https://vc/sdk");
  CHECK(u.username == "root");
  CHECK(u.option("insecure") == "false");

  ::setenv("HVCTL_PASSWORD", "from-env", 1);
  const auto p = resolve_target(config, "https://root@vc/sdk");
  ::unsetenv("HVCTL_PASSWORD");
  REQUIRE(p.password);
  CHECK(p.password() == "from-env");

  CHECK_THROWS_WITH_AS(resolve_target(config, "https://vc/sdk?thumbprnt=AA"),
                       doctest::Contains("unknown parameter 'thumbprnt', did you mean 'thumbprint'?"), InputError);
  CHECK_THROWS_WITH_AS(resolve_target(config, "https://vc/sdk?timeout=5"),
                       doctest::Contains("knows user, thumbprint, insecure and ca_file"), InputError);
  CHECK_THROWS_WITH_AS(resolve_target(config, "https://vc/sdk?insecure=maybe"), doctest::Contains("insecure=maybe"),
                       InputError);
  CHECK_THROWS_WITH_AS(resolve_target(config, "https://a@vc/sdk?user=b"), doctest::Contains("two users"), InputError);
}

TEST_CASE("libvirt URIs keep their own query parameters") {
  Config config;
  const auto t = resolve_target(config, "qemu+ssh://root@host/system?keyfile=/k&no_verify=1");
  CHECK(t.uri == "qemu+ssh://root@host/system?keyfile=/k&no_verify=1");
  CHECK(t.username.empty());
  CHECK(t.options.empty());
}

TEST_CASE("a config target's vSphere URI parameters, with the file's own keys winning") {
  const auto path = write_config(
      "targets:\n  vc: {uri: 'https://auto@vc/sdk?insecure=1&thumbprint=AA', thumbprint: BB}\n"
      "  bad: {uri: 'https://vc/sdk?bogus=1'}\n",
      0600);
  CHECK_THROWS_WITH_AS(load_config(path), doctest::Contains(":3:"), InputError);
  const auto good = write_config("targets:\n  vc: {uri: 'https://auto@vc/sdk?insecure=1&thumbprint=AA', thumbprint: BB}\n", 0600);
  const auto config = load_config(good);
  const auto& vc = config.targets.at("vc");
  CHECK(vc.uri == "https://vc/sdk");
  CHECK(vc.username == "auto");
  CHECK(vc.option("insecure") == "true");
  CHECK(vc.option("thumbprint") == "BB");
}
