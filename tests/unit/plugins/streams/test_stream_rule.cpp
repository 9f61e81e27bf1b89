// SPDX-License-Identifier: MIT
// Stream rules as clients write them: every selector read and written back the same, and
// each mistake refused with what is wrong (invalid params).
#include "plugins/streams/StreamRule.hpp"

#include <doctest/doctest.h>

#include <string>

using nlohmann::json;
using roost::RpcError;
using roost::streams::StreamRule;

namespace {

std::string refusal(const json& rule) {
    try {
        StreamRule::from_json(rule);
    } catch (const RpcError& e) {
        CHECK(e.code == roost::rpc_error::kInvalidParams);
        return e.message;
    }
    FAIL("accepted: " << rule.dump());
    return {};
}

}  // namespace

TEST_CASE("every selector reads and writes back as given") {
    json rule = {{"feeds",
                  {{{"node", {{"service", "pubsub.example.org"}, {"node", "news"}}}},
                   {{"node", {{"service", ""}, {"node", "urn:xmpp:microblog:0"}}}},
                   {{"blog", "alice@example.org"}},
                   {{"group", "Friends"}},
                   {{"contacts", true}},
                   {{"type", "blog"}}}},
                 {"query", "hello world"}};
    auto parsed = StreamRule::from_json(rule);
    CHECK(parsed.feeds.size() == 6);
    CHECK(parsed.query == "hello world");
    CHECK(parsed.to_json() == rule);
    CHECK(parsed.dynamic());
    CHECK_FALSE(StreamRule::from_json({{"feeds", {{{"blog", "a@b.org"}}}}}).dynamic());
}

TEST_CASE("bad rules are refused saying what is wrong") {
    CHECK(refusal(json::array()).find("must be an object") != std::string::npos);
    CHECK(refusal(json::object()).find("needs \"feeds\"") != std::string::npos);
    CHECK(refusal({{"feeds", json::array()}}).find("non-empty array") != std::string::npos);
    CHECK(
        refusal({{"feeds", {{{"blog", "a@b.org"}}}}, {"sort", "x"}}).find("unknown key \"sort\"") !=
        std::string::npos);
    CHECK(refusal({{"feeds", {{{"blog", "a@b.org"}, {"group", "x"}}}}})
              .find("feeds[0] must be an object with one selector") != std::string::npos);
    CHECK(refusal({{"feeds", {{{"blog", "@@"}}}}}).find("feeds[0].blog is not a valid JID") !=
          std::string::npos);
    CHECK(refusal({{"feeds", {{{"blog", "a@b.org/phone"}}}}}).find("bare JID") !=
          std::string::npos);
    CHECK(refusal({{"feeds", {{{"node", {{"service", "a@@b"}, {"node", "n"}}}}}}})
              .find("feeds[0].node.service is not a valid JID") != std::string::npos);
    CHECK(refusal({{"feeds", {{{"node", {{"service", "a.org"}}}}}}})
              .find("feeds[0].node.node must be a non-empty string") != std::string::npos);
    CHECK(refusal({{"feeds", {{{"contacts", "yes"}}}}}).find("contacts must be true") !=
          std::string::npos);
    CHECK(refusal({{"feeds", {{{"group", ""}}}}}).find("group must be a non-empty string") !=
          std::string::npos);
    CHECK(refusal({{"feeds", {{{"stream", "news"}}}}}).find("a stream cannot name a stream") !=
          std::string::npos);
    CHECK(refusal({{"feeds", {{{"planet", "x"}}}}}).find("unknown selector \"planet\"") !=
          std::string::npos);
    CHECK(refusal({{"feeds", {{{"type", "blog"}}}}, {"query", 3}})
              .find("\"query\" must be a string") != std::string::npos);
}
