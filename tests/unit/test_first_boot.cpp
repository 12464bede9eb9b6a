// What a guest reads at first boot (src/provision/first_boot.cpp): the
// instance-id, the NoCloud files, and the console line that ends first boot.
#include <doctest/doctest.h>

#include "hvctl/first_boot.hpp"

using namespace hvctl;

namespace {

VmSpec with_init() {
  VmSpec s;
  s.name = "web";
  s.init.hostname = "web-01";
  s.init.ssh_authorized_keys = {"ssh-ed25519 AAAAC3Nza ops@example"};
  s.init.user_data = "#cloud-config\npackages: [nginx]\n";
  return s;
}

std::string file(const std::vector<SeedFile>& files, const std::string& name) {
  for (const auto& f : files)
    if (f.name == name) return f.content;
  return "(none)";
}

}  // namespace

TEST_CASE("the instance-id changes exactly when the VM's identity does") {
  const auto id = instance_id(with_init());
  CHECK(id.rfind("iid-", 0) == 0);
  auto other_settings = with_init();
  other_settings.cpu.count = 4;
  other_settings.labels = {{"tier", "web"}};
  CHECK(instance_id(other_settings) == id);
  auto new_name = with_init();
  new_name.init.hostname = "web-02";
  CHECK(instance_id(new_name) != id);
  auto new_key = with_init();
  new_key.init.ssh_authorized_keys.push_back("ssh-ed25519 AAAAC3Nzb dev@example");
  CHECK(instance_id(new_key) != id);
  auto new_data = with_init();
  new_data.init.user_data = "#cloud-config\npackages: [apache2]\n";
  CHECK(instance_id(new_data) != id);
  auto renamed = with_init();
  renamed.name = "web-b";
  CHECK(instance_id(renamed) != id);  // two VMs from one spec are two instances
}

TEST_CASE("the NoCloud files: meta-data with the id, host name and keys; the user's files as they are") {
  const auto files = nocloud_files(with_init());
  const auto meta = file(files, "meta-data");
  CHECK(meta.find("instance-id: \"" + instance_id(with_init()) + "\"") != std::string::npos);
  CHECK(meta.find("local-hostname: \"web-01\"") != std::string::npos);
  CHECK(meta.find("ssh-ed25519 AAAAC3Nza ops@example") != std::string::npos);
  CHECK(file(files, "user-data") == "#cloud-config\npackages: [nginx]\n");
  CHECK(file(files, "network-config") == "(none)");

  VmSpec bare;
  bare.name = "db";
  bare.init.network_config = "version: 2\n";
  const auto minimal = nocloud_files(bare);
  CHECK(file(minimal, "meta-data").find("local-hostname: \"db\"") != std::string::npos);  // the VM's name
  CHECK(file(minimal, "user-data") == "#cloud-config\n{}\n");  // NoCloud needs one
  CHECK(file(minimal, "network-config") == "version: 2\n");
}

TEST_CASE("cloud-init's final message ends first boot; other lines do not") {
  CHECK(shows_cloud_init_finished(
      "[   12.3] cloud-init[512]: Cloud-init v. 22.4.2 finished at Wed, 02 Dec 2026 01:02:03 +0000. Datasource "
      "DataSourceNoCloud [seed=/dev/sr0][dsmode=net].  Up 12.30 seconds\r\n"));
  CHECK(shows_cloud_init_finished("boot\nCloud-init v. 23.1 finished at now"));  // not yet a whole line
  CHECK_FALSE(shows_cloud_init_finished("Cloud-init v. 22.4.2 running 'modules:final' at Wed\n"));
  CHECK_FALSE(shows_cloud_init_finished("Cloud-init v. 22.4.2 running\nsomething finished at 12:00\n"));
  CHECK_FALSE(shows_cloud_init_finished(""));
}

TEST_CASE("readiness waits for first boot when the spec has init and no ready condition of its own") {
  auto s = with_init();
  CHECK(waits_for_first_boot(s));
  s.ready.ip = true;
  CHECK_FALSE(waits_for_first_boot(s));
  CHECK_FALSE(waits_for_first_boot(VmSpec{.name = "plain"}));
}
