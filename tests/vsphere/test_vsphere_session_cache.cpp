// The session cache: its file (format, name, mode, owner), and against vcsim:
// a second session resumes the first (no Login, the same session key on the
// server, no Logout in between), a garbage or loosely permitted file and a
// session the server ended lead to a fresh login that rewrites the file, and
// with HVCTL_NO_SESSION_CACHE=1 nothing is written and the session is logged out.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "inventory.hpp"
#include "properties.hpp"
#include "session_cache.hpp"
#include "vcsim_env.hpp"
#include "vim_session.hpp"
#include "vsphere_backend.hpp"
#include "vsphere_test_util.hpp"

using namespace hvctl;
using namespace hvctl::vsphere;
using namespace hvctl::vsphere::test;
namespace fs = std::filesystem;

namespace {

// A fresh directory, removed at the end.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string t = (fs::temp_directory_path() / "hvctl-session-cache.XXXXXX").string();
    path = mkdtemp(t.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  return lstat(p.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
}

void write_file(const fs::path& p, const std::string& text, unsigned mode) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
  chmod(p.c_str(), mode);
}

CachedSession sample_session() {
  CachedSession s;
  s.cookie = "127.0.0.1\tFALSE\t/\tFALSE\t0\tvmware_soap_session\t7a3b6c1e-0000-4000-8000-000000000001";
  s.content.root_folder = {"Folder", "group-d1"};
  s.content.property_collector = {"PropertyCollector", "propertyCollector"};
  s.content.view_manager = {"ViewManager", "ViewManager"};
  s.content.session_manager = {"SessionManager", "SessionManager"};
  s.content.virtual_disk_manager = {"VirtualDiskManager", "VirtualDiskManager"};
  s.content.file_manager = {"FileManager", "FileManager"};
  s.content.full_name = "VMware vCenter Server 6.5.0 build-5973321";
  s.content.api_type = "VirtualCenter";
  return s;
}

Target target(const std::string& name, const std::string& uri, const std::string& user) {
  Target t;
  t.name = name;
  t.uri = uri;
  t.username = user;
  return t;
}

}  // namespace

TEST_SUITE("vsphere") {

TEST_CASE("session cache: the file's text reads back, and anything else is no session") {
  const CachedSession s = sample_session();
  const std::string text = format_cached_session(s);
  const auto back = parse_cached_session(text);
  REQUIRE(back);
  CHECK(back->cookie == s.cookie);
  CHECK(back->content.session_manager == s.content.session_manager);
  CHECK(back->content.root_folder == s.content.root_folder);
  CHECK(back->content.full_name == s.content.full_name);
  CHECK(back->content.api_type == "VirtualCenter");

  CHECK_FALSE(parse_cached_session(""));
  CHECK_FALSE(parse_cached_session("garbage\n"));
  CHECK_FALSE(parse_cached_session(text.substr(0, text.size() / 2)));
  std::string no_cookie = text;
  no_cookie.replace(no_cookie.find("vmware_soap_session\t"), 20, "");
  CHECK_FALSE(parse_cached_session(no_cookie));
  CHECK_FALSE(parse_cached_session(text + "password pass\n"));  // nothing unknown, and never a password
  CHECK_FALSE(parse_cached_session("hvctl vsphere session 1\ncookie a\tb\n"));
}

TEST_CASE("session cache: one file per target name, URI and user, under XDG_CACHE_HOME or ~/.cache") {
  const Target t = target("vc", "https://vc.example/sdk", "admin@vsphere.local");
  const std::string p = session_cache_path(t, "/x/cache", "/home/u");
  CHECK(p.rfind("/x/cache/hvctl/", 0) == 0);
  CHECK(p.ends_with(".session"));
  CHECK(fs::path(p).stem().string().size() == 64);  // SHA-256, hex: no URI or user in the name
  CHECK(session_cache_path(t, "", "/home/u").rfind("/home/u/.cache/hvctl/", 0) == 0);
  CHECK(session_cache_path(t, "relative", "/home/u").rfind("/home/u/.cache/hvctl/", 0) == 0);
  CHECK(session_cache_path(t, "", "") == "");
  CHECK(session_cache_path(target("vc2", t.uri, t.username), "/c", "") != session_cache_path(t, "/c", ""));
  CHECK(session_cache_path(target("vc", "https://other/sdk", t.username), "/c", "") != session_cache_path(t, "/c", ""));
  CHECK(session_cache_path(target("vc", t.uri, "root"), "/c", "") != session_cache_path(t, "/c", ""));
  CHECK(session_cache_path(t, "/c", "") == session_cache_path(t, "/c", "/elsewhere"));

  const ScopedEnv xdg("XDG_CACHE_HOME", "/x/cache");
  {
    const ScopedEnv off("HVCTL_NO_SESSION_CACHE", "1");
    CHECK_FALSE(SessionCache::for_target(t).enabled());
  }
  const ScopedEnv on("HVCTL_NO_SESSION_CACHE", nullptr);
  CHECK(SessionCache::for_target(t).path() == p);
}

TEST_CASE("session cache: written 0600 in a 0700 directory; a file others may read, or a link, is ignored") {
  TempDir dir;
  const fs::path file = dir.path / "hvctl" / "t.session";
  const SessionCache cache(file.string());
  CHECK_FALSE(cache.load());
  REQUIRE(cache.store(sample_session()));
  CHECK(mode_of(file) == 0600);
  CHECK(mode_of(file.parent_path()) == 0700);
  REQUIRE(cache.load());
  CHECK(cache.load()->cookie == sample_session().cookie);
  CHECK(fs::directory_iterator(file.parent_path()) != fs::directory_iterator());
  CHECK(std::distance(fs::directory_iterator(file.parent_path()), fs::directory_iterator()) == 1);  // no temp left

  chmod(file.c_str(), 0644);
  CHECK_FALSE(cache.load());
  chmod(file.c_str(), 0400);
  CHECK_FALSE(cache.load());
  REQUIRE(cache.store(sample_session()));  // replaced, 0600 again
  CHECK(mode_of(file) == 0600);
  CHECK(cache.load());

  const fs::path link = dir.path / "hvctl" / "link.session";
  fs::create_symlink(file, link);
  CHECK_FALSE(SessionCache(link.string()).load());
  write_file(dir.path / "hvctl" / "garbage.session", "garbage", 0600);
  CHECK_FALSE(SessionCache((dir.path / "hvctl" / "garbage.session").string()).load());
  CHECK_FALSE(SessionCache().load());
  CHECK_FALSE(SessionCache().store(sample_session()));
}

}  // TEST_SUITE

namespace {

std::vector<std::string> keys_in(const xmlNode* val) {
  std::vector<std::string> out;
  for (const xmlNode* s : xml::children(val)) out.push_back(xml::child_text(s, "key"));
  return out;
}

// A SessionManager property (currentSession, sessionList) as session keys.
std::vector<std::string> session_keys(VimSession& s, const std::string& property) {
  PropertyQuery q;
  q.prop_sets = {{"SessionManager", {property}}};
  q.objects = {s.content().session_manager};
  std::vector<std::string> out;
  retrieve(s, q, [&](const ObjectContent& o) {
    const xmlNode* val = o.prop(property);
    out = property == "currentSession" ? std::vector<std::string>{xml::child_text(val, "key")} : keys_in(val);
  });
  return out;
}

std::string current_key(VimSession& s) { return session_keys(s, "currentSession").at(0); }

bool listed(VimSession& observer, const std::string& key) {
  const auto keys = session_keys(observer, "sessionList");
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

}  // namespace

TEST_SUITE("vsphere-vcsim" * doctest::skip(no_vcsim())) {

TEST_CASE("vcsim: a second session resumes the cached one: no Login, the same session on the server") {
  const std::string url = env("HVCTL_VCSIM_URL");
  const Target t = vcsim_target(url);
  TempDir dir;
  const std::string file = (dir.path / "hvctl" / "vc.session").string();
  VimSession observer(t, vcsim_client(url));

  std::string key;
  {
    VimSession first(t, vcsim_client(url), SessionCache(file));
    key = current_key(first);
    CHECK(first.logins() == 1);
    CHECK(first.kept());
    Inventory(first).vms();  // makes a view, destroyed at the end instead of a Logout
  }
  CHECK(mode_of(file) == 0600);
  CHECK(read_file(file).find("pass") == std::string::npos);  // the password is never written
  CHECK(listed(observer, key));  // no Logout was sent

  VimSession second(t, vcsim_client(url), SessionCache(file));
  CHECK(current_key(second) == key);
  CHECK(second.logins() == 0);
  CHECK(second.generation() == 1);
  CHECK(Inventory(second).vms().size() >= 4);

  SUBCASE("a session the server ended is replaced by a fresh login, and the file rewritten") {
    auto req = xml::Builder::soap("Logout");
    req.top().add_moref("_this", "SessionManager", second.content().session_manager.value);
    second.client().call(req, "Logout");
    VimSession third(t, vcsim_client(url), SessionCache(file));
    const std::string fresh = current_key(third);
    CHECK(third.logins() == 1);
    CHECK(fresh != key);
    CHECK(SessionCache(file).load()->cookie.ends_with(fresh));  // vcsim's cookie is the key
  }
}

TEST_CASE("vcsim: a backend resumes the session a previous one kept; a bad cache file means a fresh login") {
  TempDir dir;
  const ScopedEnv xdg("XDG_CACHE_HOME", dir.path.c_str());
  const ScopedEnv on("HVCTL_NO_SESSION_CACHE", nullptr);
  const Target t = vcsim_target(env("HVCTL_VCSIM_URL"));
  const fs::path file = SessionCache::for_target(t).path();
  REQUIRE(file.string().rfind(dir.path.string() + "/hvctl/", 0) == 0);

  auto first = make_vsphere_backend(t);
  const auto vms = first->list();
  CHECK(vsphere_stats(*first).logins == 1);
  first.reset();
  CHECK(mode_of(file) == 0600);

  auto second = make_vsphere_backend(t);
  CHECK(second->list().size() == vms.size());
  CHECK(vsphere_stats(*second).logins == 0);
  const auto slices = (vms.size() + 199) / 200;
  CHECK(vsphere_soap_calls(*second) == 1 + 2 + slices);  // currentSession; view, names, slices
  second.reset();

  SUBCASE("garbage") { write_file(file, "garbage\n", 0600); }
  SUBCASE("a file others may read") {
    const std::string good = read_file(file);
    write_file(file, good, 0644);
  }
  SUBCASE("an empty file") { write_file(file, "", 0600); }
  auto third = make_vsphere_backend(t);
  CHECK(third->lookup(vms[0].name));
  CHECK(vsphere_stats(*third).logins == 1);
  CHECK(mode_of(file) == 0600);
  CHECK(SessionCache(file.string()).load());
}

TEST_CASE("vcsim: with HVCTL_NO_SESSION_CACHE=1 nothing is written and the session is logged out") {
  TempDir dir;
  const ScopedEnv xdg("XDG_CACHE_HOME", dir.path.c_str());
  const ScopedEnv off("HVCTL_NO_SESSION_CACHE", "1");
  const std::string url = env("HVCTL_VCSIM_URL");
  const Target t = vcsim_target(url);
  auto b = make_vsphere_backend(t);
  b->list();
  b.reset();
  CHECK_FALSE(fs::exists(dir.path / "hvctl"));

  VimSession observer(t, vcsim_client(url));
  std::string key;
  {
    VimSession plain(t, vcsim_client(url), SessionCache::for_target(t));
    key = current_key(plain);
    CHECK_FALSE(plain.kept());
    CHECK(listed(observer, key));
  }
  CHECK_FALSE(listed(observer, key));
}

}  // TEST_SUITE
