#include "properties.hpp"

namespace hvctl::vsphere {

const xmlNode* ObjectContent::prop(const std::string& path) const {
  auto it = props.find(path);
  return it == props.end() ? nullptr : it->second;
}

RetrieveResult parse_retrieve_result(const xmlNode* rv) {
  RetrieveResult r;
  r.token = xml::child_text(rv, "token");
  for (const xmlNode* o : xml::children(rv, "objects")) {
    ObjectContent c;
    c.obj = read_moref(xml::child(o, "obj"));
    for (const xmlNode* p : xml::children(o, "propSet")) c.props[xml::child_text(p, "name")] = xml::child(p, "val");
    for (const xmlNode* m : xml::children(o, "missingSet"))
      c.missing.emplace_back(xml::child_text(m, "path"), fault_type(xml::child(xml::child(m, "fault"), "fault")));
    r.objects.push_back(std::move(c));
  }
  return r;
}

void write_retrieve_request(xml::Element top, const Moref& collector, const PropertyQuery& q, int max_objects) {
  top.add_moref("_this", collector.type, collector.value);
  auto spec = top.add("specSet");
  for (const auto& [type, paths] : q.prop_sets) {
    auto ps = spec.add("propSet");
    ps.add("type", type);
    for (const auto& p : paths) ps.add("pathSet", p);
  }
  if (q.view) {
    auto os = spec.add("objectSet");
    os.add_moref("obj", q.view->type, q.view->value);
    os.add("skip", true);
    auto sel = os.add("selectSet");
    sel.typed("TraversalSpec");
    sel.add("name", "view");
    sel.add("type", "ContainerView");
    sel.add("path", "view");
    sel.add("skip", false);
  }
  for (const auto& o : q.objects) {
    auto os = spec.add("objectSet");
    os.add_moref("obj", o.type, o.value);
    if (!q.ancestors) continue;
    os.add("skip", false);
    auto up = os.add("selectSet");  // parent, its parent... up to the root folder
    up.typed("TraversalSpec");
    up.add("name", "parents");
    up.add("type", "ManagedEntity");
    up.add("path", "parent");
    up.add("skip", false);
    up.add("selectSet").add("name", "parents");
  }
  if (q.skip_missing) spec.add("reportMissingObjectsInResults", true);
  top.add("options").add("maxObjects", static_cast<long long>(max_objects));
}

namespace {

bool session_forgotten(const RetrieveResult& page) {
  for (const auto& o : page.objects)
    for (const auto& [path, fault] : o.missing)
      if (fault == "NotAuthenticated") return true;
  return false;
}

void deliver(const RetrieveResult& page, const std::function<void(const ObjectContent&)>& fn) {
  if (session_forgotten(page)) throw SoapFault("NotAuthenticated", "the server forgot the session", "");
  for (const auto& o : page.objects) fn(o);
}

}  // namespace

void retrieve(VimSession& session, const PropertyQuery& query, const std::function<void(const ObjectContent&)>& fn) {
  const Moref pc = session.content().property_collector;
  auto req = xml::Builder::soap("RetrievePropertiesEx");
  write_retrieve_request(req.top(), pc, query, 1000);
  const int generation = session.generation();
  Response res = session.call(req, "RetrievePropertiesEx");
  RetrieveResult page = parse_retrieve_result(res.returnval());
  if (session_forgotten(page)) {  // vcsim answers a dead session per property: log in again, once
    session.renew(generation);
    res = session.call(req, "RetrievePropertiesEx");
    page = parse_retrieve_result(res.returnval());
  }
  deliver(page, fn);
  while (!page.token.empty()) {
    auto more = xml::Builder::soap("ContinueRetrievePropertiesEx");
    more.top().add_moref("_this", pc.type, pc.value);
    more.top().add("token", page.token);
    res = session.call(more, "ContinueRetrievePropertiesEx");
    page = parse_retrieve_result(res.returnval());
    deliver(page, fn);
  }
}

Moref create_container_view(VimSession& session, const Moref& container, const std::vector<std::string>& types) {
  const Moref vm = session.content().view_manager;
  auto req = xml::Builder::soap("CreateContainerView");
  auto top = req.top();
  top.add_moref("_this", vm.type, vm.value);
  top.add_moref("container", container.type, container.value);
  for (const auto& t : types) top.add("type", t);
  top.add("recursive", true);
  const Moref view = read_moref(session.call(req, "CreateContainerView").returnval());
  session.track_view(view);
  return view;
}

}  // namespace hvctl::vsphere
