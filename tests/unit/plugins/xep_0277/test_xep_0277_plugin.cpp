// SPDX-License-Identifier: MIT
// The xep_0277 plugin with the real pubsub_cache and xep_0060 plugins in a TestBackend
// (no network): the nodes its analysers make the cache keep, and what its parser stores.
#include "roost/Pubsub.hpp"
#include "src/core/PluginHost.hpp"
#include "tests/support/RunUntil.hpp"
#include "tests/support/TempDir.hpp"
#include "tests/support/TestHost.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

using namespace roost;
using roost::core::PluginState;
using roost::test::TempDir;
using roost::test::TestBackend;

namespace {

constexpr const char* kNotifyFeature = "urn:xmpp:microblog:0+notify";
constexpr const char* kService = "pubsub.example";
constexpr const char* kAtomItem =
    "<item id='1'><entry xmlns='http://www.w3.org/2005/Atom'><title>sample</title>"
    "<content>birds nest</content></entry></item>";

// A read of `node` as a client asks for it; the server's part answers with `items`
// (nothing reaches a network).
void read(TestBackend& backend, const std::string& node, std::vector<pubsub::Item> items = {}) {
    pubsub::GetItemsContext context;
    context.request.profile = "alice";
    context.request.service = kService;
    context.request.node = node;
    context.reply = [](pubsub::GetItemsAnswer) {};
    backend.triggers.dispatch(pubsub::kGetItems, context, [&] {
        pubsub::GetItemsAnswer answer;
        answer.page.items = std::move(items);
        context.reply(std::move(answer));
    });
}

pubsub::NodeInfo node_info(TestBackend& backend, const std::string& node) {
    auto info = backend.pubsub_store.node_state({"alice", kService, node});
    REQUIRE(info);
    return *info;
}

}  // namespace

TEST_CASE("xep_0277's analysers make the pubsub cache keep blogs, comments and Atom nodes") {
    TempDir dir;
    for (const char* plugin : {"xep_0060", "pubsub_cache", "xep_0277"})
        roost::test::install_built_plugin(dir.path(), plugin);
    TestBackend backend;
    backend.plugins.load({dir.path()});
    backend.plugins.start();
    for (const auto& plugin : backend.plugins.plugins()) {
        CAPTURE(plugin.name);
        CAPTURE(plugin.reason);
        CHECK(plugin.state == PluginState::Started);
    }
    CHECK(backend.xmpp.features.contains(kNotifyFeature));

    // A whole-node read of a node wanted by its name syncs it from the read's answer
    // (one fetch for both), stored on the next reactor turns.
    read(backend, "urn:xmpp:microblog:0");
    roost::test::run_for(backend.reactor, std::chrono::milliseconds(50));
    auto blog = node_info(backend, "urn:xmpp:microblog:0");
    CHECK(blog.sync_state == pubsub::SyncState::Completed);
    CHECK(blog.analyser == "xep_0277");
    CHECK(blog.type == "blog");
    CHECK(blog.subtype.empty());

    read(backend, "urn:xmpp:microblog:0:comments/first-post");
    auto comments = node_info(backend, "urn:xmpp:microblog:0:comments/first-post");
    CHECK(comments.analyser == "xep_0277_comments");
    CHECK(comments.subtype == "comment");

    // A node named otherwise is known by its first item's payload.
    read(backend, "news", {{"1", kAtomItem, "alice@example"}});
    CHECK(node_info(backend, "news").analyser == "xep_0277_atom");
    read(backend, "notes", {{"1", "<item id='1'><note xmlns='urn:example'/></item>", ""}});
    CHECK_FALSE(backend.pubsub_store.node_state({"alice", kService, "notes"}));

    // A publication on a cached node is parsed by xep_0277's parser as the cache stores it.
    pubsub::ItemsEvent event;
    event.profile = "alice";
    event.service = kService;
    event.node = "urn:xmpp:microblog:0";
    event.items = {{"1", kAtomItem, "alice@example"}};
    backend.triggers.dispatch(pubsub::kEventItems, event, [] {});
    pubsub::SearchQuery query;
    query.scope = pubsub::ProfileScope::only("alice");
    query.text = "nest";
    auto found = backend.pubsub_store.search(query);
    REQUIRE(found.hits.size() == 1);
    CHECK(found.hits[0].item.parsed["title"] == "sample");
    CHECK(found.hits[0].item.parse_error.empty());

    backend.plugins.stop();
}

TEST_CASE("xep_0277 without a pubsub cache starts and does nothing") {
    TempDir dir;
    roost::test::install_built_plugin(dir.path(), "xep_0277");
    TestBackend backend;
    backend.plugins.load({dir.path()});
    backend.plugins.start();
    REQUIRE(backend.plugins.plugins().size() == 1);
    CHECK(backend.plugins.plugins()[0].state == PluginState::Started);
    CHECK(backend.xmpp.features.empty());
    backend.plugins.stop();
}
