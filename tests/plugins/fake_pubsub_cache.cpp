// Test plugin "pubsub_cache" (file fake_pubsub_cache.so): an AnalyserRegistry that
// reports each analyser added or removed, and what its parser makes of a sample item,
// as IPC notifications on the topic "analysers".
#include "roost/Analyser.hpp"
#include "roost/Host.hpp"
#include "roost/Plugin.hpp"

#include <pugixml.hpp>

#include <string>

using namespace roost;

namespace {

constexpr const char* kSampleItem =
    "<item id='1'><entry xmlns='http://www.w3.org/2005/Atom'><title>sample</title></entry>"
    "</item>";

class FakePubsubCache final : public Plugin, public pubsub::AnalyserRegistry {
public:
    void start(Host& host) override { host_ = &host; }

    void add_analyser(pubsub::Analyser analyser) override {
        nlohmann::json report = {{"event", "add"},
                                 {"name", analyser.name},
                                 {"type", analyser.type},
                                 {"subtype", analyser.subtype},
                                 {"node", analyser.node},
                                 {"priority", analyser.priority},
                                 {"to_sync", analyser.to_sync},
                                 {"payload_namespace", analyser.payload_namespace}};
        if (analyser.parser) {
            pugi::xml_document item;
            item.load_string(kSampleItem);
            report["parsed"] = analyser.parser(item.document_element()).data;
        }
        host_->ipc().notify("analysers", report);
    }

    void remove_analyser(const std::string& name) override {
        host_->ipc().notify("analysers", {{"event", "remove"}, {"name", name}});
    }

private:
    Host* host_ = nullptr;
};

}  // namespace

ROOST_PLUGIN(FakePubsubCache, "pubsub_cache", "1.0", (), ());
