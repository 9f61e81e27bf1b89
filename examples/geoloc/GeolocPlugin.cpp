// SPDX-License-Identifier: MIT
// geoloc: an example of a plugin written outside Roost's tree. It teaches the pubsub
// cache to keep users' locations (XEP-0080, PEP node http://jabber.org/protocol/geoloc)
// and to read them into JSON: {"lat", "lon", "locality", "country", "text", "timestamp"}.
#include <pugixml.hpp>
#include <roost/Analyser.hpp>
#include <roost/Host.hpp>
#include <roost/Plugin.hpp>
#include <spdlog/spdlog.h>

#include <stdexcept>
#include <string>

namespace {

constexpr const char* kGeoloc = "http://jabber.org/protocol/geoloc";

// <geoloc xmlns='http://jabber.org/protocol/geoloc'><lat>45.44</lat><lon>12.33</lon>...
roost::pubsub::ParsedItem parse_geoloc(pugi::xml_node item) {
    pugi::xml_node geoloc = item.child("geoloc");
    if (!geoloc) throw std::runtime_error("no <geoloc/> in the item");
    roost::pubsub::ParsedItem parsed;
    parsed.data = nlohmann::json::object();
    for (const char* field : {"lat", "lon"}) {
        pugi::xml_node value = geoloc.child(field);
        if (!value) continue;
        try {
            parsed.data[field] = std::stod(value.text().get());
        } catch (const std::exception&) {
            throw std::runtime_error(std::string("<") + field +
                                     "/> is not a number: " + value.text().get());
        }
    }
    for (const char* field : {"locality", "country", "text", "timestamp"}) {
        if (pugi::xml_node value = geoloc.child(field)) parsed.data[field] = value.text().get();
    }
    for (const char* field : {"locality", "country", "text"}) {
        if (parsed.data.contains(field))
            parsed.search_text += parsed.data[field].get<std::string>() + " ";
    }
    return parsed;
}

class GeolocPlugin final : public roost::Plugin {
public:
    void start(roost::Host& host) override {
        registry_ =
            host.plugin_as<roost::pubsub::AnalyserRegistry>(roost::pubsub::kCachePluginName);
        if (registry_ == nullptr) throw std::runtime_error("needs the pubsub_cache plugin");
        roost::pubsub::Analyser analyser;
        analyser.name = "geoloc";
        analyser.type = "geoloc";
        analyser.node = kGeoloc;
        analyser.payload_namespace = kGeoloc;
        analyser.to_sync = true;
        analyser.parser = parse_geoloc;
        registry_->add_analyser(std::move(analyser));
        host.xmpp().add_feature(std::string(kGeoloc) + "+notify");  // PEP pushes locations
        host.log().info("caching locations (XEP-0080)");
    }

    // The parser is code of this library, which is unloaded after stop().
    void stop() override {
        if (registry_ != nullptr) registry_->remove_analyser("geoloc");
        registry_ = nullptr;
    }

private:
    roost::pubsub::AnalyserRegistry* registry_ = nullptr;
};

}  // namespace

ROOST_PLUGIN(GeolocPlugin, "geoloc", "0.1.0", ("pubsub_cache"), ());
