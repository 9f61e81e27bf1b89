// SPDX-License-Identifier: MIT
// CanonicalXml: what "equal XML" means in the tests, read with expat alone (not with
// libstrophe or pugixml, which Roost reads with): elements and attributes by namespace
// and local name, attributes in sorted order, namespace declarations and prefixes left
// out, CDATA as the text it holds, adjacent text merged, comments and PIs dropped.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace roost::test {

// The canonical form of a document's root element; throws std::runtime_error naming
// expat's reason when `xml` is not well-formed (namespaces included).
std::string canonical_xml(std::string_view xml);

// For each <item id='...'/> in `xml` (in any namespace, at any depth): the canonical
// form of its payload, its first child element ("" for an item without one).
std::map<std::string, std::string> canonical_payloads(std::string_view xml);

}  // namespace roost::test
