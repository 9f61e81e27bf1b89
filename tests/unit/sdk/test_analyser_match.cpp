// SPDX-License-Identifier: MIT
#include "roost/Analyser.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using roost::pubsub::Analyser;
using roost::pubsub::glob_match;
using roost::pubsub::match_analyser;

namespace {

constexpr const char* kAtom = "http://www.w3.org/2005/Atom";

Analyser analyser(std::string name, std::string node, std::string payload_namespace,
                  int priority = 0, std::string service = "") {
    Analyser out;
    out.name = std::move(name);
    out.node = std::move(node);
    out.payload_namespace = std::move(payload_namespace);
    out.priority = priority;
    out.service = std::move(service);
    return out;
}

// The name of the analyser chosen, "" for none.
std::string chosen(const std::vector<Analyser>& analysers, const char* service, const char* node,
                   const char* payload_namespace) {
    const Analyser* found = match_analyser(analysers, service, node, payload_namespace);
    return found ? found->name : "";
}

}  // namespace

TEST_CASE("glob_match without wildcards is an exact comparison") {
    CHECK(glob_match("urn:xmpp:microblog:0", "urn:xmpp:microblog:0"));
    CHECK_FALSE(glob_match("urn:xmpp:microblog:0", "urn:xmpp:microblog:01"));
    CHECK_FALSE(glob_match("urn:xmpp:microblog:0", "urn:xmpp:microblog:"));
    CHECK_FALSE(glob_match("Node", "node"));
    CHECK(glob_match("", ""));
    CHECK_FALSE(glob_match("", "x"));
}

TEST_CASE("glob_match: * matches any run of characters, even none and slashes") {
    CHECK(glob_match("*", ""));
    CHECK(glob_match("*", "anything/at all"));
    CHECK(glob_match("urn:xmpp:microblog:0*", "urn:xmpp:microblog:0"));
    CHECK(glob_match("urn:xmpp:microblog:0*", "urn:xmpp:microblog:0:comments/abc"));
    CHECK(glob_match("urn:xmpp:microblog:0:comments/*", "urn:xmpp:microblog:0:comments/a/b"));
    CHECK_FALSE(glob_match("urn:xmpp:microblog:0:comments/*", "urn:xmpp:microblog:0"));
    CHECK(glob_match("*.example.org", "pubsub.example.org"));
    CHECK_FALSE(glob_match("*.example.org", "example.org"));
    CHECK(glob_match("a**b", "ab"));
}

TEST_CASE("glob_match backtracks when a * took too little") {
    CHECK(glob_match("a*b*c", "aXbYbZc"));
    CHECK(glob_match("*ab", "aab"));
    CHECK(glob_match("*a*a*a", "aaa"));
    CHECK_FALSE(glob_match("*a*a*a", "aa"));
    CHECK_FALSE(glob_match("a*b*c", "aXbYbZ"));
}

TEST_CASE("glob_match: ? matches exactly one character") {
    CHECK(glob_match("node-?", "node-1"));
    CHECK_FALSE(glob_match("node-?", "node-"));
    CHECK_FALSE(glob_match("node-?", "node-12"));
    CHECK(glob_match("?*", "x"));
    CHECK_FALSE(glob_match("?*", ""));
}

TEST_CASE("a node name match wins over a payload namespace match of higher priority") {
    std::vector<Analyser> analysers = {
        analyser("by_namespace", "", kAtom, 100),
        analyser("by_node", "urn:xmpp:microblog:0*", "", -5),
    };
    CHECK(chosen(analysers, "", "urn:xmpp:microblog:0", kAtom) == "by_node");
    CHECK(chosen(analysers, "", "other", kAtom) == "by_namespace");
}

TEST_CASE("among node matches the highest priority wins, then the first registered") {
    std::vector<Analyser> analysers = {
        analyser("blog", "urn:xmpp:microblog:0*", kAtom, 0),
        analyser("comments", "urn:xmpp:microblog:0:comments/*", kAtom, 1),
        analyser("blog_again", "urn:xmpp:microblog:0*", kAtom, 0),
    };
    CHECK(chosen(analysers, "", "urn:xmpp:microblog:0:comments/123", kAtom) == "comments");
    CHECK(chosen(analysers, "", "urn:xmpp:microblog:0", kAtom) == "blog");
}

TEST_CASE("among namespace matches the highest priority wins, then the first registered") {
    std::vector<Analyser> analysers = {
        analyser("first", "", kAtom, 0),
        analyser("high", "", kAtom, 3),
        analyser("also_high", "", kAtom, 3),
        analyser("other_namespace", "", "urn:example:other", 10),
    };
    CHECK(chosen(analysers, "", "n", kAtom) == "high");
    CHECK(chosen(analysers, "", "n", "urn:example:other") == "other_namespace");
}

TEST_CASE("an analyser naming nodes is not chosen for other nodes by their payload") {
    std::vector<Analyser> analysers = {
        analyser("comments", "urn:xmpp:microblog:0:comments/*", kAtom)};
    CHECK(chosen(analysers, "", "some-node", kAtom) == "");
}

TEST_CASE("a node without items matches by name only") {
    std::vector<Analyser> analysers = {
        analyser("by_namespace", "", kAtom),
        analyser("by_node", "events", ""),
    };
    CHECK(chosen(analysers, "", "events", "") == "by_node");
    CHECK(chosen(analysers, "", "empty", "") == "");
}

TEST_CASE("an analyser's service, exact or glob, must match the node's") {
    std::vector<Analyser> analysers = {
        analyser("exact", "n", "", 0, "pubsub.example.org"),
        analyser("glob", "n", "", 0, "*.example.net"),
    };
    CHECK(chosen(analysers, "pubsub.example.org", "n", "") == "exact");
    CHECK(chosen(analysers, "groups.example.net", "n", "") == "glob");
    CHECK(chosen(analysers, "pubsub.example.com", "n", "") == "");
    CHECK(chosen(analysers, "", "n", "") == "");
}

TEST_CASE("an analyser naming neither node nor namespace covers its service, last") {
    std::vector<Analyser> analysers = {
        analyser("whole_service", "", "", 50, "news.example.org"),
        analyser("by_namespace", "", kAtom),
    };
    CHECK(chosen(analysers, "news.example.org", "n", kAtom) == "by_namespace");
    CHECK(chosen(analysers, "news.example.org", "n", "urn:example:other") == "whole_service");
    CHECK(chosen(analysers, "news.example.org", "n", "") == "whole_service");
    CHECK(chosen(analysers, "other.example.org", "n", "urn:example:other") == "");
}

TEST_CASE("no analysers, no match") {
    CHECK(match_analyser({}, "", "urn:xmpp:microblog:0", kAtom) == nullptr);
}
