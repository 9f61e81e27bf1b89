// SPDX-License-Identifier: MIT
// The blog.* methods with the real xep_0060, pubsub_cache and xep_0277 plugins over a
// FakeXmpp: the requests a post makes, in order, and what a bad param or a refusal gives.
#include "roost/Ipc.hpp"
#include "src/core/PluginHost.hpp"
#include "tests/support/FakeXmpp.hpp"
#include "tests/support/TempDir.hpp"
#include "tests/support/TestHost.hpp"

#include <doctest/doctest.h>
#include <pugixml.hpp>

#include <string>

using namespace roost;
using namespace roost::test;

namespace {

constexpr const char* kAliceJid = "alice@example.org";

struct Blog {
    TempDir plugin_dir;
    TestBackend backend;
    FakeClient* alice = nullptr;

    Blog() {
        backend.start_built_plugins(plugin_dir.path(), {"xep_0060", "pubsub_cache", "xep_0277"});
        alice = &backend.xmpp.connect("alice", kAliceJid);
    }

    void settle() {
        for (int turn = 0; turn < 20; ++turn)
            backend.reactor.run_once(std::chrono::milliseconds(0));
    }
};

// The values of a data form's field in `iq`'s payload.
std::vector<std::string> field(const SentIq& iq, const char* var) {
    std::vector<std::string> values;
    pugi::xml_document document;
    REQUIRE(document.load_string(iq.payload.c_str()));
    auto found = document.find_node([var](pugi::xml_node node) {
        return std::string_view(node.name()) == "field" &&
               std::string_view(node.attribute("var").value()) == var;
    });
    for (auto value : found.children("value")) values.push_back(value.text().get());
    return values;
}

}  // namespace

TEST_CASE("blog.post creates the blog node keeping every post and the comments node like the "
          "post, then publishes the entry with the access model as publish-options") {
    Blog blog;
    auto reply = blog.backend.ipc.call("blog.post", {{"title", "Hello"},
                                                     {"content", "First post"},
                                                     {"id", "p1"},
                                                     {"access_model", "roster"},
                                                     {"groups", {"friends"}}});
    SentIq blog_node = blog.alice->next_iq("create");
    CHECK(blog_node.to == "");
    CHECK(blog_node.node() == "urn:xmpp:microblog:0");
    CHECK(field(blog_node, "pubsub#max_items") == std::vector<std::string>{"max"});
    CHECK(field(blog_node, "pubsub#access_model") == std::vector<std::string>{"roster"});
    CHECK_THROWS(blog.alice->next_iq());
    blog.alice->answer(blog_node);

    SentIq create = blog.alice->next_iq("create");
    CHECK(create.to == "");
    CHECK(create.node() == "urn:xmpp:microblog:0:comments/p1");
    CHECK(field(create, "pubsub#access_model") == std::vector<std::string>{"roster"});
    CHECK(field(create, "pubsub#roster_groups_allowed") == std::vector<std::string>{"friends"});
    CHECK(field(create, "pubsub#publish_model") == std::vector<std::string>{"open"});
    CHECK_THROWS(blog.alice->next_iq());  // nothing published before the node is there
    blog.alice->answer(create);

    SentIq publish = blog.alice->next_iq("publish");
    CHECK(publish.node() == "urn:xmpp:microblog:0");
    CHECK(publish.find("item").attribute("id").value() == std::string("p1"));
    CHECK(std::string(publish.find("entry").child("title").text().get()) == "Hello");
    CHECK(field(publish, "FORM_TYPE") ==
          std::vector<std::string>{"http://jabber.org/protocol/pubsub#publish-options"});
    CHECK(field(publish, "pubsub#access_model") == std::vector<std::string>{"roster"});
    REQUIRE_FALSE(reply->answered());
    blog.alice->answer(publish);
    REQUIRE(reply->answer);
    CHECK(*reply->answer ==
          nlohmann::json({{"service", kAliceJid},
                          {"node", "urn:xmpp:microblog:0"},
                          {"id", "p1"},
                          {"comments_service", kAliceJid},
                          {"comments_node", "urn:xmpp:microblog:0:comments/p1"}}));
}

TEST_CASE("blog.post takes a blog node and a comments node already there, and fails with the "
          "server's error on any other refusal, publishing nothing") {
    Blog blog;
    auto again = blog.backend.ipc.call("blog.post", {{"title", "Again"}, {"id", "p1"}});
    blog.alice->answer_error(blog.alice->next_iq("create"), "conflict", "cancel");  // the blog's
    blog.alice->answer_error(blog.alice->next_iq("create"), "conflict", "cancel");  // comments
    blog.alice->answer(blog.alice->next_iq("publish"));
    CHECK(again->answer);

    // The blog node is known now: a second post makes its comments node alone.
    auto refused = blog.backend.ipc.call("blog.post", {{"title", "No"}});
    blog.alice->answer_error(blog.alice->next_iq("create"), "forbidden", "auth");
    REQUIRE(refused->failure);
    CHECK(refused->failure->code == rpc_error::kRemoteError);
    CHECK(refused->failure->data["condition"] == "forbidden");
    CHECK_THROWS(blog.alice->next_iq());
}

TEST_CASE("blog methods refuse bad params with invalid params before any request") {
    Blog blog;
    for (const auto& params : {nlohmann::json{{"content", "no title"}},
                               nlohmann::json{{"title", "t"}, {"content_xhtml", "<p>unclosed"}},
                               nlohmann::json{{"title", "t"}, {"access_model", "friends-only"}}}) {
        CAPTURE(params.dump());
        auto reply = blog.backend.ipc.call("blog.post", params);
        REQUIRE(reply->failure);
        CHECK(reply->failure->code == rpc_error::kInvalidParams);
    }
    auto get = blog.backend.ipc.call("blog.get", {{"jid", "not a jid@"}});
    REQUIRE(get->failure);
    CHECK(get->failure->code == rpc_error::kInvalidParams);
    auto comments = blog.backend.ipc.call("blog.comments.get", nlohmann::json::object());
    REQUIRE(comments->failure);
    CHECK(comments->failure->code == rpc_error::kInvalidParams);
    CHECK(blog.alice->waiting() == 0);
}

TEST_CASE("blog.edit of a post the blog does not hold is not found") {
    Blog blog;
    auto reply = blog.backend.ipc.call("blog.edit", {{"id", "nope"}, {"title", "t"}});
    SentIq read = blog.alice->next_iq("items");
    blog.alice->answer(read, "<pubsub xmlns='http://jabber.org/protocol/pubsub'><items "
                             "node='urn:xmpp:microblog:0'/></pubsub>");
    blog.settle();
    REQUIRE(reply->failure);
    CHECK(reply->failure->code == rpc_error::kNotFound);
}
