// The PropertyCollector: RetrievePropertiesEx with ContinueRetrievePropertiesEx
// paging, and ContainerViews to select every object of some types at once.
// Parsing is separate from I/O so the captured samples can test it.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vim_session.hpp"

namespace hvctl::vsphere {

// One object of a result. Values point into the response document and are
// valid only while the callback that receives the object runs.
struct ObjectContent {
  Moref obj;
  std::map<std::string, const xmlNode*> props;             // path -> <val>
  std::vector<std::pair<std::string, std::string>> missing;  // path, fault type
  const xmlNode* prop(const std::string& path) const;
  std::string text(const std::string& path) const { return xml::text(prop(path)); }
};

struct RetrieveResult {
  std::vector<ObjectContent> objects;
  std::string token;  // set when more pages follow
};

// Reads a RetrievePropertiesEx / ContinueRetrievePropertiesEx returnval
// (nullptr: no objects).
RetrieveResult parse_retrieve_result(const xmlNode* returnval);

struct PropertyQuery {
  std::vector<std::pair<std::string, std::vector<std::string>>> prop_sets;  // type, paths
  std::optional<Moref> view;  // every object in this ContainerView...
  std::vector<Moref> objects; // ...or exactly these
  // With `objects`: one deleted since it was listed is left out of the
  // result (reportMissingObjectsInResults) instead of failing the call.
  bool skip_missing = false;
  // With `objects`: every ancestor of each (its parent, that one's parent,
  // up to the root folder) is in the result too, for inventory paths.
  bool ancestors = false;
};

// Writes the RetrievePropertiesEx arguments under `top`.
void write_retrieve_request(xml::Element top, const Moref& collector, const PropertyQuery& query, int max_objects);

// Runs `query`, following pages; `fn` sees every object. Throws SoapFault
// (NotAuthenticated when the server reports it per property, as vcsim does).
void retrieve(VimSession& session, const PropertyQuery& query, const std::function<void(const ObjectContent&)>& fn);

// A ContainerView of `types` under `container`, recursive (tracked by the
// session, which destroys it at the end when the session is kept).
Moref create_container_view(VimSession& session, const Moref& container, const std::vector<std::string>& types);

}  // namespace hvctl::vsphere
