// SPDX-License-Identifier: MIT
// roost::jid_problem: which strings are JIDs (RFC 7622), and what a user is told when
// one is not.
#include "roost/Jid.hpp"

#include <doctest/doctest.h>

#include <string>

using roost::jid_problem;

TEST_CASE("jid: domains, bare JIDs and full JIDs are valid") {
    for (const char* jid :
         {"localhost", "pubsub.example.org", "alice@example.org", "alice@example.org/phone",
          "alice@example.org/a resource/with @ and /", "example.org/res", "[::1]",
          "alice@[2001:db8::1]/x", "example.org.", "jürgen@bücher.example", "127.0.0.1"}) {
        INFO(jid);
        CHECK_FALSE(jid_problem(jid));
    }
}

TEST_CASE("jid: an empty part next to its separator is refused") {
    CHECK(jid_problem("") == "empty JID");
    CHECK(jid_problem("@example.org") == "empty localpart before '@'");
    CHECK(jid_problem("alice@") == "empty domainpart");
    CHECK(jid_problem("alice@/res") == "empty domainpart");
    CHECK(jid_problem("/res") == "empty domainpart");
    CHECK(jid_problem("alice@example.org/") == "empty resourcepart after '/'");
    CHECK(jid_problem("example.org/") == "empty resourcepart after '/'");
}

TEST_CASE("jid: more than one '@' before the '/' is refused, but not after it") {
    CHECK(jid_problem("a@@b/") == "more than one '@' before the '/'");
    CHECK(jid_problem("a@b@c") == "more than one '@' before the '/'");
    CHECK_FALSE(jid_problem("a@b/c@d"));
}

TEST_CASE("jid: a localpart holds none of \"&'/:<>@, whitespace or controls") {
    for (char c : std::string("\"&':<>")) {
        std::string jid = std::string("al") + c + "ice@example.org";
        INFO(jid);
        CHECK(jid_problem(jid) == std::string("'") + c + "' is not allowed in the localpart");
    }
    CHECK(jid_problem("al ice@example.org") == "whitespace or control character in the localpart");
    CHECK(jid_problem("al\tice@example.org") == "whitespace or control character in the localpart");
    CHECK(jid_problem(std::string("al\x7f") + "ice@example.org") ==
          "whitespace or control character in the localpart");
}

TEST_CASE("jid: a domainpart has no empty label and no whitespace") {
    CHECK(jid_problem("example..org") == "empty label in the domainpart");
    CHECK(jid_problem(".example.org") == "empty label in the domainpart");
    CHECK(jid_problem("example.org..") == "empty label in the domainpart");
    CHECK(jid_problem(".") == "empty domainpart");
    CHECK(jid_problem("alice@exa mple.org") == "whitespace or control character in the domainpart");
    CHECK(jid_problem("alice@example.org\n") ==
          "whitespace or control character in the domainpart");
}

TEST_CASE("jid: a resourcepart may hold spaces but no control characters") {
    CHECK_FALSE(jid_problem("alice@example.org/my phone"));
    CHECK(jid_problem("alice@example.org/a\nb") == "control character in the resourcepart");
}

TEST_CASE("jid: each part is at most 1023 bytes") {
    const std::string ok(1023, 'a');
    const std::string long_part(1024, 'a');
    CHECK_FALSE(jid_problem(ok + "@" + ok + "/" + ok));
    CHECK(jid_problem(long_part + "@example.org") == "localpart longer than 1023 bytes");
    CHECK(jid_problem("alice@" + long_part) == "domainpart longer than 1023 bytes");
    CHECK(jid_problem("alice@example.org/" + long_part) == "resourcepart longer than 1023 bytes");
}
