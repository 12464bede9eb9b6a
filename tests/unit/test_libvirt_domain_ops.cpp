// The pure parts of libvirt_domain_ops: a <domainsnapshot> read into a
// SnapshotInfo, and snapshots put in tree order. (The calls themselves are
// tested against the test driver in test_libvirt_backend.cpp.)
#include <doctest/doctest.h>

#include "hvctl/error.hpp"
#include "libvirt_domain_ops.hpp"

namespace hvctl::libvirt {

TEST_CASE("libvirt snapshots: what the XML says") {
  const auto s = read_snapshot_xml(
      "<domainsnapshot><name>after</name><state>running</state><parent><name>before</name></parent>"
      "<creationTime>1796127967</creationTime><domain type='test'><name>web</name></domain></domainsnapshot>");
  CHECK(s == SnapshotInfo{"after", "after", "before", 1796127967, false});
  const auto root = read_snapshot_xml("<domainsnapshot><name>r</name><creationTime>x</creationTime></domainsnapshot>");
  CHECK(root == SnapshotInfo{"r", "r", "", std::nullopt, false});
  CHECK_THROWS_AS(read_snapshot_xml("<domainsnapshot>"), BackendError);
}

TEST_CASE("libvirt snapshots: the tree, parents first") {
  auto info = [](std::string name, std::string parent, std::optional<std::int64_t> created) {
    return SnapshotInfo{name, name, std::move(parent), created, false};
  };
  std::vector<std::string> order;
  // Given children before parents, siblings out of order, and an orphan
  // (its parent gone): roots first, each followed by its subtree; siblings
  // by time, equal times by name, unknown times first.
  for (const auto& s : snapshot_tree({info("c2", "b", 30), info("c1", "b", 20), info("b", "a", 10),
                             info("orphan", "gone", 5), info("a", "", 1), info("b2", "a", 10),
                             info("b0", "a", std::nullopt), info("d", "c1", 40)}))
    order.push_back(s.name);
  CHECK(order == std::vector<std::string>{"a", "b0", "b", "c1", "d", "c2", "b2", "orphan"});
}

}  // namespace hvctl::libvirt
