#include <doctest/doctest.h>

#include <set>

#include "hvctl/error.hpp"
#include "hvctl/shard.hpp"

using namespace hvctl;

TEST_CASE("--shard I/N: 1-based, N up to 1024; anything else is an input error saying the form") {
  CHECK(parse_shard("2/4").index == 2);
  CHECK(parse_shard("2/4").count == 4);
  CHECK(parse_shard("1/1").str() == "1/1");
  for (const char* bad : {"0/4", "5/4", "4", "a/b", "1/0", "1/2000", "-1/4", "1/4/2", ""})
    CHECK_THROWS_WITH_AS(parse_shard(bad), doctest::Contains("expected I/N"), InputError);
  CHECK_THROWS_WITH_AS(parse_shard("0/4"), doctest::Contains("shards count from 1"), InputError);
}

TEST_CASE("a target's identity: one spelling for the same endpoint, different ones stay apart") {
  CHECK(normalized_uri("HTTPS://root@VC.Example.com:443/sdk/") == "https://vc.example.com/sdk");
  CHECK(normalized_uri("https://vc.example.com") == "https://vc.example.com/sdk");
  CHECK(normalized_uri("https://vc.example.com:8443/sdk") == "https://vc.example.com:8443/sdk");
  CHECK(normalized_uri("xen+ssh://root@Dom0-A:22/system") == "xen+ssh://dom0-a/system");
  CHECK(normalized_uri("qemu:///system/") == "qemu:///system");
  CHECK(normalized_uri("test:///default") == "test:///default");
  CHECK(normalized_uri("Xen:Local") == "xen:local");
  CHECK(normalized_uri("qemu+ssh://h/system?no_verify=1&keyfile=/k") == "qemu+ssh://h/system?keyfile=/k&no_verify=1");
  CHECK(normalized_uri("https://[::1]:443/sdk") == "https://[::1]/sdk");
  CHECK(normalized_uri("https://[::1]/sdk") == "https://[::1]/sdk");
  CHECK(normalized_uri("https://vc-a/sdk") != normalized_uri("https://vc-b/sdk"));
}

TEST_CASE("the shard hash is FNV-1a 64: fixed values, so every machine and version agrees") {
  CHECK(stable_hash("") == 14695981039346656037ULL);
  CHECK(stable_hash("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(stable_hash("foobar") == 0x85944171f73967e8ULL);
}

TEST_CASE("every target falls in exactly one shard, and many targets spread over all shards") {
  std::vector<std::set<std::string>> shards(5);
  for (int i = 0; i < 200; ++i) {
    const auto id = normalized_uri("https://vc-" + std::to_string(i) + ".example.com/sdk");
    const unsigned s = shard_of(id, 5);
    REQUIRE(s >= 1);
    REQUIRE(s <= 5);
    shards[s - 1].insert(id);
  }
  std::size_t total = 0;
  for (const auto& s : shards) {
    CHECK(s.size() > 20);  // 40 expected each: none empty or starved
    total += s.size();
  }
  CHECK(total == 200);
  CHECK(shard_of("https://vc-7/sdk", 1) == 1);
}
