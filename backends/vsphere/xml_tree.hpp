// libxml2 in two directions for the vim25 SOAP client: building request
// trees (never string concatenation) and reading response trees by local
// name, with xsi:type matched by namespace URI, never by prefix.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <libxml/tree.h>

namespace hvctl::vsphere::xml {

inline constexpr const char* kXsiNs = "http://www.w3.org/2001/XMLSchema-instance";
inline constexpr const char* kXsdNs = "http://www.w3.org/2001/XMLSchema";
inline constexpr const char* kVimNs = "urn:vim25";
inline constexpr const char* kSoapNs = "http://schemas.xmlsoap.org/soap/envelope/";

using DocPtr = std::shared_ptr<xmlDoc>;

// A handle on an element being built; children inherit its namespace.
class Element {
public:
  explicit Element(xmlNode* node) : node_(node) {}
  Element add(std::string_view name);
  Element add(std::string_view name, std::string_view text);  // text is escaped by libxml2
  Element add(std::string_view name, const char* text) { return add(name, std::string_view(text)); }
  Element add(std::string_view name, const std::string& text) { return add(name, std::string_view(text)); }
  Element add(std::string_view name, long long number);
  Element add(std::string_view name, bool value);
  // <name type="T">value</name>: a ManagedObjectReference.
  Element add_moref(std::string_view name, std::string_view type, std::string_view value);
  // Sets xsi:type (prefix resolved from the namespace in scope).
  Element& typed(std::string_view xsi_type);
  xmlNode* node() const { return node_; }

private:
  xmlNode* node_;
};

// An XML document under construction.
class Builder {
public:
  // <soapenv:Envelope ...><soapenv:Body><method xmlns="urn:vim25">.
  static Builder soap(std::string_view method);
  // A standalone vim25 element (for golden files), declaring xsi and xsd.
  static Builder standalone(std::string_view root);

  Element top() const { return Element(top_); }  // the method element or the root
  // The document as text; `pretty` indents; `redact` blanks <password> values
  // and the session key inside session-scoped morefs ("session[KEY]id").
  std::string str(bool pretty = false, bool redact = false) const;

private:
  Builder(DocPtr doc, xmlNode* top) : doc_(std::move(doc)), top_(top) {}
  DocPtr doc_;
  xmlNode* top_;
};

// Parses `text`; throws std::runtime_error with libxml2's words when malformed.
DocPtr parse(const std::string& text);

// Reading. All functions accept nullptr and then return empty results.
std::string local_name(const xmlNode* n);
const xmlNode* child(const xmlNode* n, std::string_view local);
std::vector<const xmlNode*> children(const xmlNode* n, std::string_view local = {});
const xmlNode* first_element(const xmlNode* n);
std::string text(const xmlNode* n);
std::string child_text(const xmlNode* n, std::string_view local);
// Local part of the xsi:type QName ("int" for "xsd:int"), or "" when absent.
std::string xsi_type(const xmlNode* n);
std::string attr(const xmlNode* n, const char* name);

}  // namespace hvctl::vsphere::xml
