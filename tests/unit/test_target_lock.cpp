#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "hvctl/error.hpp"
#include "hvctl/target_lock.hpp"

using namespace hvctl;

namespace {

struct LockDir {
  std::string path;
  LockDir() {
    char tmpl[] = "/tmp/hvctl-lock-test.XXXXXX";
    path = ::mkdtemp(tmpl);
    ::setenv("HVCTL_LOCK_DIR", path.c_str(), 1);
  }
  ~LockDir() {
    ::unsetenv("HVCTL_LOCK_DIR");
    std::filesystem::remove_all(path);
  }
};

Target vc(const std::string& name = "vc") { return Target{name, "vsphere", "https://vc.example/sdk"}; }

LockOptions quick(std::vector<std::string>* waited = nullptr) {
  LockOptions o;
  o.timeout = std::chrono::milliseconds(200);
  o.what = "apply";
  if (waited) o.waiting = [waited](const std::string& m) { waited->push_back(m); };
  return o;
}

}  // namespace

TEST_CASE("a target's lock is exclusive, names its holder, and is released") {
  LockDir dir;
  std::vector<std::string> waited;
  {
    const auto held = lock_targets({vc()}, quick());
    REQUIRE(held.size() == 1);
    const auto pid = std::to_string(::getpid());
    const std::string holder = "target 'vc' is busy: hvctl apply, pid " + pid;
    CHECK_THROWS_WITH_AS(lock_targets({vc()}, quick(&waited)), doctest::Contains(holder.c_str()), TimeoutError);
    REQUIRE(waited.size() == 1);  // told once, not once per poll
    CHECK(waited[0].find("target 'vc' is busy (hvctl apply, pid " + pid) == 0);
    CHECK_THROWS_AS(lock_targets({vc("same-uri-other-name")}, quick()), TimeoutError);  // keyed by URI
  }
  CHECK(lock_targets({vc()}, quick()).size() == 1);
}

TEST_CASE("each URI is locked once; in-process test driver targets need no lock") {
  LockDir dir;
  Target other{"lab", "libvirt", "qemu+ssh://lab/system"};
  CHECK(lock_targets({vc(), vc("again"), other}, quick()).size() == 2);
  CHECK(lock_targets({Target{"t", "libvirt", "test:///default"}}, quick()).empty());
}

TEST_CASE("a lock directory others can write is refused") {
  LockDir dir;
  ::chmod(dir.path.c_str(), 0777);
  CHECK_THROWS_WITH_AS(lock_targets({vc()}, quick()), doctest::Contains("writable by others"), InputError);
}
