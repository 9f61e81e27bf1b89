// SPDX-License-Identifier: MIT
// Fuzzes the XEP-0277 Atom parser with item XML loaded the way the pubsub cache loads
// it (plugins/pubsub_cache/Analysers.cpp): it returns JSON, or throws
// std::invalid_argument and nothing else; and the store can write what it returns.
#include "plugins/xep_0277/AtomParser.hpp"
#include "tests/fuzz/FuzzCheck.hpp"
#include "tests/support/PubsubStoreFixture.hpp"

#include <pugixml.hpp>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

using roost::fuzz::broken;
using roost::fuzz::check;
using roost::test::store::Cache;
using roost::test::store::kBlog;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Cache cache;
    std::string xml(reinterpret_cast<const char*>(data), size);
    pugi::xml_document document;
    if (!document.load_string(xml.c_str())) return 0;
    roost::pubsub::ParsedItem parsed;
    try {
        parsed = roost::xep0277::parse_atom_item(document.document_element());
    } catch (const std::invalid_argument&) {
        return 0;
    } catch (const std::exception& e) {
        broken(std::string("parse_atom_item threw something else than invalid_argument: ") +
               e.what());
    }
    check(parsed.data.is_object(), "parsed data is not a JSON object");
    roost::pubsub::StoredItem item;
    item.id = "fuzzed";  // one row, replaced by each input
    item.xml = xml;
    item.parsed = std::move(parsed.data);
    item.search_text = std::move(parsed.search_text);
    try {
        cache.store.upsert_items(kBlog, {&item, 1});
    } catch (const std::exception& e) {
        broken(std::string("the store cannot write a parsed item: ") + e.what());
    }
    return 0;
}
