// SPDX-License-Identifier: MIT
// The JSON of a post as blog.get answers it, and the params blog.post accepts.
#include "plugins/xep_0277/PostJson.hpp"
#include "plugins/xep_0277/PostParams.hpp"
#include "roost/Ipc.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

using namespace roost::xep0277;
using nlohmann::json;

namespace {

const roost::pubsub::Item kPost{
    "p1",
    "<item id='p1'><entry xmlns='http://www.w3.org/2005/Atom' xml:lang='fr'>"
    "<title>Bonjour</title><id>tag:example.org,2024-01-02:posts-p1</id>"
    "<published>2024-01-02T10:00:00Z</published><updated>2024-01-03T10:00:00Z</updated>"
    "<author><name>alice</name><uri>xmpp:alice@example.org</uri></author>"
    "<content type='text'>plain</content>"
    "<content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'><p onclick='x()'>rich"
    "<script>bad()</script></p></div></content>"
    "<link rel='replies' title='comments' "
    "href='xmpp:pubsub.example.org?;node=urn%3Axmpp%3Amicroblog%3A0%3Acomments%2Fp1'/>"
    "</entry></item>",
    "alice@example.org"};

int error_code(const json& params) {
    try {
        post_input(params, true, false);
    } catch (const roost::RpcError& error) {
        return error.code;
    }
    return 0;
}

}  // namespace

TEST_CASE("a post's JSON has its fields, where it lives, its comments node and language") {
    json post = post_json(kPost, "alice@example.org", "urn:xmpp:microblog:0");
    CHECK(post["item_id"] == "p1");
    CHECK(post["service"] == "alice@example.org");
    CHECK(post["node"] == "urn:xmpp:microblog:0");
    CHECK(post["publisher"] == "alice@example.org");
    CHECK(post["title"] == "Bonjour");
    CHECK(post["content"] == "plain");
    CHECK(post["language"] == "fr");
    CHECK(post["published"] == "2024-01-02T10:00:00Z");
    CHECK(post["author"]["jid"] == "alice@example.org");
    CHECK(post["comments"] ==
          json({{"service", "pubsub.example.org"}, {"node", "urn:xmpp:microblog:0:comments/p1"}}));
    CHECK(post["comment_count"].is_null());
}

TEST_CASE("a post's XHTML is returned as received, with a sanitised copy beside it") {
    json post = post_json(kPost, "alice@example.org", "urn:xmpp:microblog:0");
    std::string received = post["content_xhtml"];
    CHECK(received.find("onclick") != std::string::npos);
    CHECK(received.find("<script>") != std::string::npos);
    CHECK(post["content_xhtml_sanitised"] ==
          "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>rich</p></div>");
}

TEST_CASE("an item that is no Atom entry gives its parse error, not a failure") {
    json post = post_json({"x", "<item id='x'><note xmlns='urn:n'/></item>", ""}, "s", "n");
    CHECK(post["item_id"] == "x");
    CHECK(post["parse_error"].get<std::string>().find("not an Atom entry") != std::string::npos);
}

TEST_CASE("posts sort newest first by published time, undated last") {
    json posts = json::array({{{"item_id", "old"}, {"published_ts", 10}},
                              {{"item_id", "undated"}},
                              {{"item_id", "new"}, {"published_ts", 20}}});
    sort_newest_first(posts);
    CHECK(posts[0]["item_id"] == "new");
    CHECK(posts[1]["item_id"] == "old");
    CHECK(posts[2]["item_id"] == "undated");
}

TEST_CASE("post params: bad ones are invalid params naming the field; XHTML is sanitised") {
    CHECK(error_code({{"content", "no title"}}) == roost::rpc_error::kInvalidParams);
    CHECK(error_code({{"title", 3}}) == roost::rpc_error::kInvalidParams);
    CHECK(error_code({{"title", "t"}, {"tags", "one"}}) == roost::rpc_error::kInvalidParams);
    CHECK(error_code({{"title", "t"}, {"access_model", "everyone"}}) ==
          roost::rpc_error::kInvalidParams);
    CHECK(error_code({{"title", "t"}, {"access_model", "roster"}}) ==
          roost::rpc_error::kInvalidParams);
    CHECK(error_code({{"title", "t"}, {"groups", {"friends"}}}) ==
          roost::rpc_error::kInvalidParams);
    CHECK(error_code({{"title", "t"}, {"language", "en_GB"}}) == roost::rpc_error::kInvalidParams);
    CHECK(error_code({{"title", "t"}, {"id", "a b"}}) == roost::rpc_error::kInvalidParams);
    CHECK(error_code({{"title", "t"}, {"content_xhtml", "<p>open"}}) ==
          roost::rpc_error::kInvalidParams);

    auto in = post_input({{"title", "t"},
                          {"content_xhtml", "<p onclick='x()'>hi</p>"},
                          {"access_model", "roster"},
                          {"groups", {"friends", "family"}},
                          {"language", "pt-BR"}},
                         true, false);
    CHECK(*in.content_xhtml == "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>hi</p></div>");
    auto fields = access_fields(in);
    CHECK(fields["pubsub#access_model"] == std::vector<std::string>{"roster"});
    CHECK(fields["pubsub#roster_groups_allowed"] == std::vector<std::string>{"friends", "family"});
}
