#include "xml_tree.hpp"

#include <climits>

#include <cstring>
#include <stdexcept>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

namespace hvctl::vsphere::xml {
namespace {

const xmlChar* X(const char* s) { return reinterpret_cast<const xmlChar*>(s); }
std::string S(const xmlChar* s) { return s ? reinterpret_cast<const char*>(s) : ""; }

DocPtr own(xmlDoc* doc) { return DocPtr(doc, xmlFreeDoc); }

// Session-scoped morefs ("session[KEY]id": views, on vcsim and vCenter) name
// the session, which on vcsim is the cookie: keep the id, drop the key.
void redact_session_ref(xmlNode* element) {
  xmlChar* raw = xmlNodeGetContent(element);
  std::string text = S(raw);
  xmlFree(raw);
  const auto close = text.find(']');
  if (text.rfind("session[", 0) != 0 || close == std::string::npos) return;
  xmlNodeSetContent(element, X(("session[(redacted)" + text.substr(close)).c_str()));
}

void redact_secrets(xmlNode* n) {
  for (xmlNode* c = n; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (std::strcmp(reinterpret_cast<const char*>(c->name), "password") == 0)
      xmlNodeSetContent(c, X("(redacted)"));
    else if (c->children && c->children->type == XML_TEXT_NODE && !c->children->next)
      redact_session_ref(c);
    else
      redact_secrets(c->children);
  }
}

}  // namespace

Element Element::add(std::string_view name) {
  const std::string n(name);
  return Element(xmlNewChild(node_, node_->ns, X(n.c_str()), nullptr));
}

Element Element::add(std::string_view name, std::string_view text) {
  const std::string n(name), t(text);
  return Element(xmlNewTextChild(node_, node_->ns, X(n.c_str()), X(t.c_str())));
}

Element Element::add(std::string_view name, long long number) { return add(name, std::to_string(number)); }

Element Element::add(std::string_view name, bool value) {
  return add(name, std::string_view(value ? "true" : "false"));
}

Element Element::add_moref(std::string_view name, std::string_view type, std::string_view value) {
  Element e = add(name, value);
  const std::string t(type);
  xmlNewProp(e.node_, X("type"), X(t.c_str()));
  return e;
}

Element& Element::typed(std::string_view xsi_type) {
  xmlNs* ns = xmlSearchNsByHref(node_->doc, node_, X(kXsiNs));
  if (!ns) ns = xmlNewNs(node_, X(kXsiNs), X("xsi"));
  const std::string t(xsi_type);
  xmlSetNsProp(node_, ns, X("type"), X(t.c_str()));
  return *this;
}

Builder Builder::soap(std::string_view method) {
  DocPtr doc = own(xmlNewDoc(X("1.0")));
  xmlNode* env = xmlNewDocNode(doc.get(), nullptr, X("Envelope"), nullptr);
  xmlDocSetRootElement(doc.get(), env);
  xmlNs* soapenv = xmlNewNs(env, X(kSoapNs), X("soapenv"));
  xmlSetNs(env, soapenv);
  xmlNewNs(env, X(kXsiNs), X("xsi"));
  xmlNewNs(env, X(kXsdNs), X("xsd"));
  xmlNode* body = xmlNewChild(env, soapenv, X("Body"), nullptr);
  const std::string m(method);
  xmlNode* top = xmlNewChild(body, nullptr, X(m.c_str()), nullptr);
  xmlSetNs(top, xmlNewNs(top, X(kVimNs), nullptr));
  return Builder(std::move(doc), top);
}

Builder Builder::standalone(std::string_view root) {
  DocPtr doc = own(xmlNewDoc(X("1.0")));
  const std::string r(root);
  xmlNode* top = xmlNewDocNode(doc.get(), nullptr, X(r.c_str()), nullptr);
  xmlDocSetRootElement(doc.get(), top);
  xmlSetNs(top, xmlNewNs(top, X(kVimNs), nullptr));
  xmlNewNs(top, X(kXsiNs), X("xsi"));
  xmlNewNs(top, X(kXsdNs), X("xsd"));
  return Builder(std::move(doc), top);
}

std::string Builder::str(bool pretty, bool redact) const {
  DocPtr doc = doc_;
  if (redact) {
    doc = own(xmlCopyDoc(doc_.get(), 1));
    redact_secrets(xmlDocGetRootElement(doc.get()));
  }
  xmlChar* out = nullptr;
  int size = 0;
  xmlDocDumpFormatMemoryEnc(doc.get(), &out, &size, "UTF-8", pretty ? 1 : 0);
  std::string text(reinterpret_cast<const char*>(out), static_cast<std::size_t>(size));
  xmlFree(out);
  return text;
}

DocPtr parse(const std::string& text) {
  if (text.size() > static_cast<std::size_t>(INT_MAX)) throw std::runtime_error("malformed XML: larger than 2 GiB");
  xmlDoc* doc = xmlReadMemory(text.data(), static_cast<int>(text.size()), "response.xml", nullptr,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_COMPACT);
  if (!doc) {
    const xmlError* e = xmlGetLastError();
    std::string why = e && e->message ? e->message : "not well-formed";
    while (!why.empty() && why.back() == '\n') why.pop_back();
    throw std::runtime_error("malformed XML: " + why);
  }
  return own(doc);
}

std::string local_name(const xmlNode* n) { return n ? S(n->name) : ""; }

const xmlNode* child(const xmlNode* n, std::string_view local) {
  if (!n) return nullptr;
  for (const xmlNode* c = n->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && local == reinterpret_cast<const char*>(c->name)) return c;
  return nullptr;
}

std::vector<const xmlNode*> children(const xmlNode* n, std::string_view local) {
  std::vector<const xmlNode*> out;
  if (!n) return out;
  for (const xmlNode* c = n->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && (local.empty() || local == reinterpret_cast<const char*>(c->name)))
      out.push_back(c);
  return out;
}

const xmlNode* first_element(const xmlNode* n) {
  if (!n) return nullptr;
  for (const xmlNode* c = n->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE) return c;
  return nullptr;
}

std::string text(const xmlNode* n) {
  if (!n) return "";
  xmlChar* content = xmlNodeGetContent(n);
  std::string s = S(content);
  xmlFree(content);
  return s;
}

std::string child_text(const xmlNode* n, std::string_view local) { return text(child(n, local)); }

std::string xsi_type(const xmlNode* n) {
  if (!n) return "";
  xmlChar* value = xmlGetNsProp(n, X("type"), X(kXsiNs));
  std::string qname = S(value);
  xmlFree(value);
  const auto colon = qname.find(':');
  return colon == std::string::npos ? qname : qname.substr(colon + 1);
}

std::string attr(const xmlNode* n, const char* name) {
  if (!n) return "";
  xmlChar* value = xmlGetNoNsProp(n, X(name));
  std::string s = S(value);
  xmlFree(value);
  return s;
}

}  // namespace hvctl::vsphere::xml
