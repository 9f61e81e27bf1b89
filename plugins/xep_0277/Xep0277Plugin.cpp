// SPDX-License-Identifier: MIT
// Xep0277Plugin: XEP-0277 microblogging. Teaches the pubsub cache which nodes hold
// microblogs and how to read their Atom entries, asks PEP to push new posts, and offers
// the blog.* methods (BlogMethods) when the xep_0060 plugin is there.
#include "AtomParser.hpp"
#include "BlogMethods.hpp"
#include "ContactBlogs.hpp"
#include "roost/Analyser.hpp"
#include "roost/Host.hpp"
#include "roost/Jid.hpp"
#include "roost/Plugin.hpp"
#include "roost/PubsubCache.hpp"
#include "roost/PubsubWrite.hpp"
#include "roost/Roster.hpp"

#include <spdlog/spdlog.h>

#include <memory>
#include <stdexcept>
#include <vector>

namespace roost::xep0277 {
namespace {

constexpr const char* kNotifyFeature = "urn:xmpp:microblog:0+notify";

// [plugins.xep_0277] comments_service: where new posts' comments nodes go ("" = PEP).
std::string comments_service_setting(const nlohmann::json& settings) {
    auto value = settings.find("comments_service");
    if (value == settings.end()) return "";
    if (!value->is_string())
        throw std::runtime_error("[plugins.xep_0277] comments_service must be a JID string, not " +
                                 value->dump());
    std::string service = value->get<std::string>();
    if (auto problem = service.empty() ? std::nullopt : jid_problem(service))
        throw std::runtime_error("[plugins.xep_0277] comments_service \"" + service +
                                 "\" is not a valid JID: " + *problem);
    return service;
}

std::vector<pubsub::Analyser> microblog_analysers() {
    pubsub::Analyser blog;
    blog.name = "xep_0277";
    blog.type = "blog";
    blog.node = "urn:xmpp:microblog:0*";
    blog.payload_namespace = kAtomNamespace;
    blog.to_sync = true;
    blog.parser = parse_atom_item;
    // What a reader filters posts by: when, by whom, under which categories.
    blog.indexed_fields = {{"published", pubsub::FieldIndexKind::DateTime},
                           {"updated", pubsub::FieldIndexKind::DateTime},
                           {"author.jid", pubsub::FieldIndexKind::Value},
                           {"categories", pubsub::FieldIndexKind::List}};

    // Comment nodes match the blog's pattern too: a higher priority picks them out.
    pubsub::Analyser comments = blog;
    comments.name = "xep_0277_comments";
    comments.priority = 1;
    comments.subtype = "comment";
    comments.node = "urn:xmpp:microblog:0:comments/*";

    // Atom entries on nodes named otherwise: blogs on pubsub services (groups, communities).
    pubsub::Analyser atom = blog;
    atom.name = "xep_0277_atom";
    atom.node = "";
    return {comments, blog, atom};
}

class Xep0277Plugin final : public Plugin {
public:
    void start(Host& host) override {
        start_blog(host);
        registry_ = host.plugin_as<pubsub::AnalyserRegistry>(pubsub::kCachePluginName);
        if (registry_ == nullptr) {
            host.log().info("no {} plugin: microblog nodes are neither recognised nor cached",
                            pubsub::kCachePluginName);
            return;
        }
        for (auto& analyser : microblog_analysers()) {
            names_.push_back(analyser.name);
            registry_->add_analyser(std::move(analyser));
        }
        host.xmpp().add_feature(kNotifyFeature);
        start_contacts(host);
    }

    // The parsers are code of this library, which may be unloaded after stop().
    void stop() override {
        if (contacts_) unregister_follow_methods(*blog_);
        contacts_.reset();
        if (blog_) unregister_blog_methods(*blog_);
        blog_.reset();
        if (registry_ == nullptr) return;
        for (const auto& name : names_) registry_->remove_analyser(name);
        names_.clear();
        registry_ = nullptr;
    }

private:
    void start_blog(Host& host) {
        auto* pubsub = host.plugin_as<pubsub::PubsubApi>(pubsub::kPluginName);
        auto* write = host.plugin_as<pubsub::PubsubWriteApi>(pubsub::kPluginName);
        if (pubsub == nullptr || write == nullptr) {
            host.log().info("no {} plugin with PubsubWriteApi: no blog.* methods",
                            pubsub::kPluginName);
            return;
        }
        blog_ = std::make_unique<Blog>(
            Blog{.host = host,
                 .pubsub = *pubsub,
                 .write = *write,
                 .comments_service = comments_service_setting(host.settings())});
        register_blog_methods(*blog_);
    }

    // Contacts' blogs need the cache to keep them and the blog methods' xep_0060.
    void start_contacts(Host& host) {
        auto* cache = host.plugin_as<pubsub::CacheSyncApi>(pubsub::kCachePluginName);
        if (cache == nullptr || !blog_) return;
        auto* roster = host.plugin_as<roster::RosterApi>(roster::kPluginName);
        if (roster == nullptr)
            host.log().info("no {} plugin: every blog seen through a notification is followed",
                            roster::kPluginName);
        contacts_ = std::make_unique<ContactBlogs>(host, blog_->pubsub, *cache, roster);
        blog_->contacts = contacts_.get();
        register_follow_methods(*blog_);
    }

    std::unique_ptr<Blog> blog_;
    std::unique_ptr<ContactBlogs> contacts_;
    pubsub::AnalyserRegistry* registry_ = nullptr;
    std::vector<std::string> names_;
};

}  // namespace
}  // namespace roost::xep0277

ROOST_PLUGIN(roost::xep0277::Xep0277Plugin, "xep_0277", "0.1.0", (),
             ("xep_0060", "pubsub_cache", "roster"));
