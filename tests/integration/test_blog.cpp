// SPDX-License-Identifier: MIT
// Blogs through Roost, on Prosody and ejabberd: a post made with `roost blog post` is
// a valid XEP-0277 entry for a raw client and for another account's Roost; edits keep
// published and the comments link; retractions reach the other account's cache;
// comments are counted and listed; unsafe XHTML never reaches the server; a presence
// blog stays hidden from a non-contact. One server and one roostd per server for all.
#include "tests/support/CacheFixture.hpp"
#include "tests/support/CanonicalXml.hpp"
#include "tests/support/EjabberdServer.hpp"
#include "tests/support/ProsodyServer.hpp"
#include "tests/support/RawXmppClient.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace roost::test;
using nlohmann::json;

namespace {

constexpr const char* kUnsafeXhtml =
    "<p onclick='steal()'>Hi <script>evil()</script><a href=' JavaScript:alert(1)'>link</a> "
    "<strong style='background: url(x)'>there</strong><iframe src='https://e.org'>x</iframe>"
    "</p>";

// Alice's and carol's blogs; bob reads them and is nobody's contact.
template <class Server>
struct Fixture : CacheFixture<Server> {
    Fixture() : CacheFixture<Server>({.users = {"alice", "bob", "carol"}, .admins = {"alice"}}) {
        this->daemon = this->start_daemon(profile_toml(this->server, "carol"));
        this->roost = std::make_unique<CacheClient>(*this->daemon);
        REQUIRE(this->roost->wait_connected(3));
    }

    std::string jid(const std::string& user) { return user + "@" + this->server.domain(); }

    // `roost --json ARGS... --profile PROFILE`: the exit code and the JSON it printed.
    std::pair<int, json> roost_as(const std::string& profile, std::vector<std::string> args) {
        args.insert(args.begin(), "--json");
        args.insert(args.end(), {"--profile", profile});
        auto result = this->daemon->roost(args);
        INFO(result.err);
        INFO(result.out);
        return {result.exit_code, result.out.empty() ? json() : json::parse(result.out)};
    }

    json ok(const std::string& profile, std::vector<std::string> args) {
        auto [code, answer] = roost_as(profile, std::move(args));
        REQUIRE(code == 0);
        return answer;
    }

    // `blog get` of `owner`'s blog as `reader`: its posts by item id.
    std::map<std::string, json> posts(const std::string& reader, const std::string& owner) {
        std::map<std::string, json> out;
        json answer = ok(reader, {"blog", "get", "--jid", jid(owner)});
        for (const json& post : answer["posts"]) out[post["item_id"].get<std::string>()] = post;
        return out;
    }
};

Fixture<ProsodyServer>& prosody() {
    static auto instance = std::make_unique<Fixture<ProsodyServer>>();
    return *instance;
}

Fixture<EjabberdServer>& ejabberd() {
    static auto instance = std::make_unique<Fixture<EjabberdServer>>();
    return *instance;
}

// What a client that is not Roost reads of `owner`'s item `id`: the canonical payload,
// or "" when the server gives none (retracted, forbidden...).
std::string raw_read(RawXmppClient& raw, const std::string& owner, const std::string& node,
                     const std::string& id, std::string* bytes = nullptr) {
    static int request = 0;
    std::string iq_id = "raw-" + std::to_string(++request);
    std::string request_xml = "<iq type='get' id='" + iq_id + "' to='" + owner +
                              "'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='" +
                              node + "'><item id='" + id + "'/></items></pubsub></iq>";
    std::string answer;
    try {
        answer = raw.request(iq_id, request_xml);
    } catch (const std::runtime_error& error) {
        // An error answer (item-not-found, forbidden): no payload.
        if (bytes != nullptr) *bytes = error.what();
        return "";
    }
    if (bytes != nullptr) *bytes = answer;
    auto payloads = canonical_payloads(answer);
    auto found = payloads.find(id);
    return found == payloads.end() ? "" : found->second;
}

// XEP-0277's "Publishing a post" entry as blog.post writes it, for alice's post `id`.
std::string expected_entry(const std::string& domain, const std::string& id, const json& post,
                           const std::string& title, const std::string& text,
                           const std::string& xhtml) {
    std::string jid = "alice@" + domain;
    std::string published = post["published"];
    return "<entry xmlns='http://www.w3.org/2005/Atom' xml:lang='en'><title type='text'>" + title +
           "</title><id>tag:" + domain + "," + published.substr(0, 10) + ":posts-" + id +
           "</id><published>" + published + "</published><updated>" +
           post["updated"].get<std::string>() +
           "</updated><author><name>alice</name><uri>xmpp:" + jid +
           "</uri></author><content type='text'>" + text + "</content>" + xhtml +
           "<category term='birds'/><category term='spring'/><link rel='alternate' href='xmpp:" +
           jid + "?;node=urn%3Axmpp%3Amicroblog%3A0;item=" + id +
           "'/><link rel='replies' title='comments' href='xmpp:" + jid +
           "?;node=urn%3Axmpp%3Amicroblog%3A0%3Acomments%2F" + id + "'/></entry>";
}

template <class Server>
void post_edit_comment_retract(Fixture<Server>& f) {
    // Posted through the CLI, with markup a frontend should never get published.
    json posted = f.ok("alice", {"blog", "post", "--title", "Swallows are back", "--tag", "birds",
                                 "--tag", "spring", "--lang", "en", "--access", "open", "--xhtml",
                                 kUnsafeXhtml, "Saw the first swallows today."});
    std::string id = posted["id"];
    CHECK(posted["node"] == "urn:xmpp:microblog:0");
    CHECK(posted["service"] == f.jid("alice"));
    CHECK(posted["comments_node"] == "urn:xmpp:microblog:0:comments/" + id);
    // Every post stays: the blog node was made to keep them (a server's default PEP node
    // keeps one on Prosody 0.12).
    f.ok("alice", {"blog", "post", "--title", "Second", "--access", "open", "Two."});
    f.ok("alice", {"blog", "post", "--title", "Third", "--access", "open", "Three."});
    json on_server =
        f.ok("alice", {"pubsub", "get", "--no-cache", "--node", "urn:xmpp:microblog:0"});
    CHECK(on_server["items"].size() == 3);

    // Bob reads it through Roost (the first read goes to the server and syncs the node)...
    auto posts = f.posts("bob", "alice");
    REQUIRE(posts.count(id) == 1);
    json post = posts[id];
    CHECK(post["title"] == "Swallows are back");
    CHECK(post["content"] == "Saw the first swallows today.");
    CHECK(post["categories"] == json({"birds", "spring"}));
    CHECK(post["language"] == "en");
    CHECK(post["author"]["jid"] == f.jid("alice"));
    CHECK(post["published"] == post["updated"]);
    CHECK(post["comments"] ==
          json({{"service", f.jid("alice")}, {"node", posted["comments_node"]}}));
    std::string safe_xhtml =
        "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Hi <a>link</a> <strong>there</strong></p>"
        "</div>";
    CHECK(canonical_xml(post["content_xhtml_sanitised"].get<std::string>()) ==
          canonical_xml(safe_xhtml));

    // ...and a raw client reads a valid XEP-0277 entry, without the unsafe markup.
    RawXmppClient raw(f.server, "bob");
    std::string bytes;
    std::string held = raw_read(raw, f.jid("alice"), "urn:xmpp:microblog:0", id, &bytes);
    CHECK(held ==
          canonical_xml(expected_entry(f.server.domain(), id, post, "Swallows are back",
                                       "Saw the first swallows today.",
                                       "<content type='xhtml'>" + safe_xhtml + "</content>")));
    for (const char* unsafe : {"script", "evil", "onclick", "steal", "avascript", "url(", "iframe"})
        CHECK_MESSAGE(bytes.find(unsafe) == std::string::npos, unsafe, " reached the server");

    // Bob comments; both read it, and alice's post counts it.
    json comment = f.ok("bob", {"blog", "comments", "post", "--jid", f.jid("alice"), "--item", id,
                                "Welcome back, swallows!"});
    CHECK(comment["node"] == posted["comments_node"]);
    json listed = f.ok("alice", {"blog", "comments", "get", "--item", id});
    REQUIRE(listed["comments"].size() == 1);
    CHECK(listed["comments"][0]["content"] == "Welcome back, swallows!");
    CHECK(listed["comments"][0]["author"]["jid"] == f.jid("bob"));
    CHECK(listed["comments"][0]["item_id"] == comment["id"]);
    CHECK(poll_until(std::chrono::seconds(10),
                     [&] { return f.posts("alice", "alice")[id]["comment_count"] == 1; }));

    // People read the blog as a feed.
    auto feed = f.daemon->roost({"blog", "get", "--profile", "alice"});
    CHECK(feed.exit_code == 0);
    const std::vector<std::string> shown_lines = {
        "Swallows are back\n", "  alice <" + f.jid("alice") + ">, ",
        "  Saw the first swallows today.\n", "  #birds #spring\n", "  1 comment(s)\n"};
    for (const auto& shown : shown_lines)
        CHECK_MESSAGE(feed.out.find(shown) != std::string::npos, shown, " not in ", feed.out);

    // The edit keeps published and the comments link; updated moves (whole seconds).
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    json edited =
        f.ok("alice", {"blog", "edit", "--id", id, "--title", "Swallows and swifts", "Both."});
    CHECK(edited["published"] == post["published"]);
    CHECK(edited["updated"] != post["updated"]);
    json after_edit = post;
    after_edit["updated"] = edited["updated"];
    CHECK(raw_read(raw, f.jid("alice"), "urn:xmpp:microblog:0", id) ==
          canonical_xml(expected_entry(f.server.domain(), id, after_edit, "Swallows and swifts",
                                       "Both.", "")));
    CHECK(poll_until(std::chrono::seconds(10), [&] {
        return f.posts("bob", "alice")[id]["title"] == "Swallows and swifts";
    }));
    CHECK(f.posts("bob", "alice")[id]["comments"] == post["comments"]);

    // The retraction reaches the server, bob's cache, and takes the comments node along.
    json retracted = f.ok("alice", {"blog", "delete", "--id", id});
    CHECK(retracted["comments_node_deleted"] == true);
    CHECK(raw_read(raw, f.jid("alice"), "urn:xmpp:microblog:0", id).empty());
    CHECK(poll_until(std::chrono::seconds(10), [&] {
        json answer = f.ok("bob", {"blog", "get", "--jid", f.jid("alice")});
        bool gone = true;
        for (const auto& p : answer["posts"]) gone = gone && p["item_id"] != id;
        return gone && answer["from_cache"] == true;
    }));
}

template <class Server>
void presence_blog_hidden(Fixture<Server>& f) {
    json posted = f.ok("carol", {"blog", "post", "--title", "For my contacts", "--access",
                                 "presence", "Only contacts read this."});
    std::string id = posted["id"];
    CHECK(f.posts("carol", "carol").count(id) == 1);
    // Bob is not carol's contact: an error, or no post, whatever the server answers.
    auto [code, answer] = f.roost_as("bob", {"blog", "get", "--jid", f.jid("carol")});
    INFO(answer.dump());
    if (code == 0) {
        for (const auto& post : answer["posts"]) CHECK(post["item_id"] != id);
    } else {
        CHECK((code == 1 || code == 4));
    }
    RawXmppClient raw(f.server, "bob", "raw-carol");
    CHECK(raw_read(raw, f.jid("carol"), "urn:xmpp:microblog:0", id).empty());

    // Once bob has a presence subscription to carol (RFC 6121: he asks, she approves),
    // he reads it, raw and through Roost.
    raw.send("<presence to='" + f.jid("carol") + "' type='subscribe'/>");
    raw.request("ping", "<iq type='get' id='ping'><ping xmlns='urn:xmpp:ping'/></iq>");
    RawXmppClient carol(f.server, "carol", "raw");
    carol.send("<presence to='" + f.jid("bob") + "' type='subscribed'/>");
    CHECK(poll_until(std::chrono::seconds(10), [&] {
        return !raw_read(raw, f.jid("carol"), "urn:xmpp:microblog:0", id).empty();
    }));
    CHECK(poll_until(std::chrono::seconds(10), [&] {
        auto [read_code, read] = f.roost_as("bob", {"blog", "get", "--jid", f.jid("carol")});
        bool found = false;
        for (const auto& post : read["posts"]) found = found || post["item_id"] == id;
        return read_code == 0 && found;
    }));
}

}  // namespace

TEST_CASE("prosody: a blog post is read as XEP-0277 by others, edited, commented, retracted; "
          "unsafe XHTML never reaches the server") {
    post_edit_comment_retract(prosody());
}

TEST_CASE("prosody: a presence blog is hidden from a non-contact, read by a contact") {
    presence_blog_hidden(prosody());
}

TEST_CASE("ejabberd: a blog post is read as XEP-0277 by others, edited, commented, retracted; "
          "unsafe XHTML never reaches the server") {
    post_edit_comment_retract(ejabberd());
}

TEST_CASE("ejabberd: a presence blog is hidden from a non-contact, read by a contact") {
    presence_blog_hidden(ejabberd());
}
