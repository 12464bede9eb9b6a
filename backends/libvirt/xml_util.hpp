// Small libxml2 helpers shared by the libvirt XML writer and readers:
// ownership, parsing with the parser's own error message, formatted output,
// and element/attribute access by name. Internal to the libvirt backend.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <libxml/tree.h>

namespace hvctl::libvirt::xml {

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using Doc = std::unique_ptr<xmlDoc, DocFree>;

// A new document whose root element is `root_name`.
Doc new_doc(const char* root_name);

// Parses `text` (blank text nodes dropped, no network). Throws BackendError
// "malformed <what> XML: <libxml2's message> (line N)" on failure.
Doc parse(const std::string& text, const char* what);

// The document indented by two spaces, without the <?xml?> declaration.
std::string dump(xmlDoc* doc);

// Appends <name>text</name> (text escaped) or an empty <name/>.
xmlNode* add(xmlNode* parent, const char* name, const std::optional<std::string>& text = std::nullopt);
void set(xmlNode* node, const char* name, const std::string& value);

bool is(const xmlNode* node, const char* name);                                     // an element with this local name
std::vector<xmlNode*> children(const xmlNode* parent, const char* name = nullptr);  // elements only
xmlNode* child(const xmlNode* parent, const char* name);                            // first such element, or nullptr
std::optional<std::string> attr(const xmlNode* node, const char* name);
std::optional<std::string> text(const xmlNode* node);  // nullopt for a null node
std::optional<std::string> child_text(const xmlNode* parent, const char* name);
bool in_ns(const xmlNode* node, const char* href);

}  // namespace hvctl::libvirt::xml
