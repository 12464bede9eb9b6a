#include "xml_util.hpp"

#include <climits>

#include <cstring>

#include <fmt/format.h>
#include <libxml/parser.h>
#include <libxml/xmlsave.h>

#include "hvctl/error.hpp"

namespace hvctl::libvirt::xml {
namespace {

const xmlChar* x(const char* s) { return reinterpret_cast<const xmlChar*>(s); }
const char* c(const xmlChar* s) { return reinterpret_cast<const char*>(s); }

struct CtxtFree {
  void operator()(xmlParserCtxt* p) const { xmlFreeParserCtxt(p); }
};

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

Doc new_doc(const char* root_name) {
  Doc doc(xmlNewDoc(x("1.0")));
  xmlDocSetRootElement(doc.get(), xmlNewNode(nullptr, x(root_name)));
  return doc;
}

Doc parse(const std::string& text, const char* what) {
  if (text.size() > static_cast<std::size_t>(INT_MAX))  // libxml2 takes an int length
    throw BackendError(fmt::format("malformed {} XML: larger than 2 GiB", what));
  // A parser context of our own keeps the error per call (no global error
  // state) and NOERROR/NOWARNING keep libxml2 from printing to stderr.
  std::unique_ptr<xmlParserCtxt, CtxtFree> ctxt(xmlNewParserCtxt());
  if (!ctxt) throw BackendError(fmt::format("cannot parse {} XML: out of memory", what));
  const int options = XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
  Doc doc(xmlCtxtReadMemory(ctxt.get(), text.data(), static_cast<int>(text.size()), "domain.xml", nullptr, options));
  if (doc && xmlDocGetRootElement(doc.get())) return doc;
  const xmlError* e = xmlCtxtGetLastError(ctxt.get());
  const std::string message = e && e->message ? trim(e->message) : "empty document";
  throw BackendError(fmt::format("malformed {} XML: {} (line {})", what, message, e ? e->line : 0));
}

std::string dump(xmlDoc* doc) {
  xmlBuffer* buffer = xmlBufferCreate();
  xmlSaveCtxt* save = xmlSaveToBuffer(buffer, "UTF-8", XML_SAVE_FORMAT | XML_SAVE_NO_DECL);
  xmlSaveDoc(save, doc);
  xmlSaveClose(save);
  std::string out(c(xmlBufferContent(buffer)), static_cast<std::size_t>(xmlBufferLength(buffer)));
  xmlBufferFree(buffer);
  return out;
}

xmlNode* add(xmlNode* parent, const char* name, const std::optional<std::string>& text) {
  return xmlNewTextChild(parent, nullptr, x(name), text ? x(text->c_str()) : nullptr);
}

void set(xmlNode* node, const char* name, const std::string& value) { xmlSetProp(node, x(name), x(value.c_str())); }

bool is(const xmlNode* node, const char* name) {
  return node && node->type == XML_ELEMENT_NODE && std::strcmp(c(node->name), name) == 0;
}

std::vector<xmlNode*> children(const xmlNode* parent, const char* name) {
  std::vector<xmlNode*> out;
  if (!parent) return out;
  for (xmlNode* n = parent->children; n; n = n->next)
    if (n->type == XML_ELEMENT_NODE && (!name || is(n, name))) out.push_back(n);
  return out;
}

xmlNode* child(const xmlNode* parent, const char* name) {
  if (!parent) return nullptr;
  for (xmlNode* n = parent->children; n; n = n->next)
    if (is(n, name)) return n;
  return nullptr;
}

std::optional<std::string> attr(const xmlNode* node, const char* name) {
  if (!node) return std::nullopt;
  xmlChar* value = xmlGetNoNsProp(node, x(name));
  if (!value) return std::nullopt;
  std::string out(c(value));
  xmlFree(value);
  return out;
}

std::optional<std::string> text(const xmlNode* node) {
  if (!node) return std::nullopt;
  xmlChar* value = xmlNodeGetContent(node);
  std::string out = value ? c(value) : "";
  xmlFree(value);
  return out;
}

std::optional<std::string> child_text(const xmlNode* parent, const char* name) { return text(child(parent, name)); }

bool in_ns(const xmlNode* node, const char* href) {
  return node && node->ns && node->ns->href && std::strcmp(c(node->ns->href), href) == 0;
}

}  // namespace hvctl::libvirt::xml
