// SPDX-License-Identifier: MIT
// ProsodyNodeFile: XML payloads as Prosody's preserialized stanzas (util.stanza's
// preserialize, written by util.serialization as datamanager.list_append does).
#include "bench/ProsodyNodeFile.hpp"

#include <pwd.h>
#include <unistd.h>

#include <pugixml.hpp>

#include <cctype>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <stdexcept>

namespace roost::bench {

namespace {

// datamanager's path encoding: every byte that is not a letter or digit as %xx.
std::string encode(const std::string& name) {
    std::string out;
    for (unsigned char c : name) {
        if (std::isalnum(c)) {
            out += static_cast<char>(c);
        } else {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02x", c);
            out += hex;
        }
    }
    return out;
}

std::string lua_string(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out + "\"";
}

// One element as { children...; ["name"] = ...; ["attr"] = {...}; } with every element
// carrying its namespace in attr, as parsed stanzas do. `extra` goes in the outer table.
void write_element(std::string& out, pugi::xml_node element, const std::string& xmlns,
                   const std::string& extra = {}, const std::string& extra_attr = {}) {
    std::string ns = element.attribute("xmlns") ? element.attribute("xmlns").value() : xmlns;
    out += "{\n";
    for (auto child : element.children()) {
        if (child.type() == pugi::node_element) {
            write_element(out, child, ns);
            out += ";\n";
        } else if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
            out += lua_string(child.value()) + ";\n";
        }
    }
    out += extra;
    out += "[\"name\"] = " + lua_string(element.name()) + ";\n[\"attr\"] = {\n";
    out += "[\"xmlns\"] = " + lua_string(ns) + ";\n";
    for (auto attribute : element.attributes())
        if (std::string(attribute.name()) != "xmlns")
            out +=
                "[" + lua_string(attribute.name()) + "] = " + lua_string(attribute.value()) + ";\n";
    out += extra_attr + "};\n}";
}

void give_to_prosody(const std::filesystem::path& path) {
    const passwd* prosody = ::getpwnam("prosody");
    if (!prosody || ::chown(path.c_str(), prosody->pw_uid, prosody->pw_gid) != 0)
        throw std::runtime_error("cannot give " + path.string() + " to the prosody user");
}

}  // namespace

void write_prosody_items(const test::XmppServer& server, const std::string& service,
                         const std::string& node, int count, const std::string& id_prefix,
                         const std::function<std::string(int)>& payload,
                         const std::string& publisher) {
    auto path = server.dir() / "data" / encode(service) / ("pubsub_" + encode(node) + ".list");
    if (!std::filesystem::exists(path.parent_path()))
        throw std::runtime_error("no pubsub storage at " + path.parent_path().string());
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    auto now = std::time(nullptr) - count;  // one a second, the newest now
    std::string block;
    for (int n = 0; n < count; ++n) {
        pugi::xml_document doc;
        std::string xml = payload(n);
        if (!doc.load_buffer(xml.data(), xml.size()))
            throw std::runtime_error("a payload is not well-formed XML");
        std::time_t when = now + n;
        char stamp[32];
        std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&when));
        block = "item(";
        write_element(block, doc.document_element(), "",
                      "[\"with\"] = " + lua_string(publisher) +
                          ";\n[\"key\"] = " + lua_string(id_prefix + std::to_string(n)) +
                          ";\n[\"when\"] = " + std::to_string(when) + ";\n",
                      "[\"stamp\"] = " + lua_string(stamp) + ";\n");
        block += ");\n";
        file << block;
    }
    file.close();
    if (!file) throw std::runtime_error("cannot write " + path.string());
    give_to_prosody(path);
}

}  // namespace roost::bench
