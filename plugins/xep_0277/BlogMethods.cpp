// SPDX-License-Identifier: MIT
// BlogMethods: each method checks its params, then chains PubsubApi reads and
// PubsubWriteApi writes; every answer or error goes out through the reply once.
#include "BlogMethods.hpp"

#include "AtomWriter.hpp"
#include "PostJson.hpp"
#include "PostParams.hpp"
#include "XmppUri.hpp"
#include "roost/IpcParams.hpp"
#include "roost/ProfileParam.hpp"
#include "roost/PubsubJson.hpp"
#include "roost/PubsubStore.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <functional>
#include <utility>

namespace roost::xep0277 {

Account account_param(Blog& blog, const nlohmann::json& params) {
    std::string profile = ipc_params::profile_param(blog.host.xmpp(), params);
    XmppClient* client = blog.host.xmpp().client(profile);
    if (client == nullptr || !client->connected())
        throw RpcError{rpc_error::kUnavailable,
                       "profile " + profile + " is not connected (see roost profile list)"};
    return {profile, client->bare_jid()};
}

bool same_jid(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

namespace {

using nlohmann::json;
using Reply = std::shared_ptr<RpcReply>;
using Handler = void (*)(Blog&, const json&, const Reply&);
using namespace ipc_params;

// The service as answers name it: the account's own PEP is its bare JID.
std::string shown_service(const Account& account, const std::string& service) {
    return service.empty() ? account.jid : service;
}

// The service as requests and the cache name it: "" for the account's own PEP.
std::string request_service(const Account& account, const std::string& service) {
    return same_jid(service, account.jid) ? "" : service;
}

std::string local_part(const std::string& jid) { return jid.substr(0, jid.find('@')); }

std::string now() { return xep0082_datetime(std::chrono::system_clock::now()); }

// The reply's error for a failed request, or nothing when it succeeded.
bool failed(const Reply& reply, const std::optional<XmppError>& error) {
    if (!error) return false;
    reply->error(ipc_params::to_rpc_error(*error));
    return true;
}

// What max, before and after ask of the node: the newest `max` items (XEP-0060
// max_items) alone, or an RSM page with either key.
void put_paging(pubsub::GetItemsRequest& request, const json& params) {
    auto max = int_param(params, "max");
    auto before = optional_string(params, "before");
    auto after = optional_string(params, "after");
    if (before && after) throw invalid("give \"before\" or \"after\", not both");
    if (!before && !after) {
        request.max_items = max;
        return;
    }
    request.rsm = pubsub::RsmRequest{max, after, before, std::nullopt};
}

json rsm_json(const pubsub::ItemsPage& page) {
    return pubsub::items_page_json(pubsub::ItemsPage{{}, page.rsm, page.from_cache})["rsm"];
}

// The cache's count of a comments node it holds whole; null otherwise. A node it does
// not know yet is read once in the background, which makes the cache sync it.
json comment_count(Blog& blog, const Account& account, const json& comments) {
    if (!comments.is_object()) return nullptr;
    pubsub::NodeKey key{account.profile,
                        request_service(account, comments["service"].get<std::string>()),
                        comments["node"].get<std::string>()};
    auto& store = blog.host.pubsub_store();
    auto node = store.node_state(key);
    if (!node) {
        pubsub::GetItemsRequest read{key.profile, key.service, key.node, {}, {}, {}, false, ""};
        blog.pubsub.get_items(std::move(read), [](pubsub::GetItemsAnswer) {});
        return nullptr;
    }
    if (node->sync_state != pubsub::SyncState::Completed) return nullptr;
    pubsub::ItemsQuery query;
    query.rsm = pubsub::RsmRequest{0, std::nullopt, std::nullopt, std::nullopt};
    auto answer = store.get_items(key, query);
    if (!answer.ok() || !answer.page.rsm || !answer.page.rsm->count) return nullptr;
    return *answer.page.rsm->count;
}

json entries_json(Blog& blog, const Account& account, const pubsub::ItemsPage& page,
                  const std::string& service, const std::string& node, bool count_comments) {
    json posts = json::array();
    for (const auto& item : page.items) {
        json post = post_json(item, shown_service(account, service), node);
        if (count_comments && post.contains("comments"))
            post["comment_count"] = comment_count(blog, account, post["comments"]);
        posts.push_back(std::move(post));
    }
    sort_newest_first(posts);
    return posts;
}

// One post of the account's own blog, read through the cache path.
void read_own_post(Blog& blog, const Account& account, const std::string& id,
                   std::function<void(json)> found, const Reply& reply) {
    pubsub::GetItemsRequest request{account.profile, "", kMicroblogNode, {id}, {}, {}, false, ""};
    blog.pubsub.get_items(std::move(request), [alive = blog.alive, account, id,
                                               found = std::move(found),
                                               reply](pubsub::GetItemsAnswer answer) {
        if (!*alive || failed(reply, answer.error)) return;
        for (const auto& item : answer.page.items) {
            if (item.id != id) continue;
            found(post_json(item, account.jid, kMicroblogNode));
            return;
        }
        reply->error({rpc_error::kNotFound, "no post '" + id + "' in the blog of " + account.jid});
    });
}

std::string first_line(const std::string& text) {
    constexpr std::size_t kLongest = 80;
    std::string line = text.substr(0, text.find('\n'));
    return line.size() > kLongest ? line.substr(0, kLongest) + "..." : line;
}

// A new post or comment by the account, published and updated now.
AtomEntry new_entry(const Account& account, const PostInput& in, const std::string& id,
                    const std::string& title) {
    AtomEntry entry;
    entry.updated = entry.published = now();
    entry.atom_id = tag_uri(account.jid, entry.published, id);
    entry.title = title;
    entry.content = in.content.value_or("");
    entry.content_xhtml = in.content_xhtml;
    entry.tags = in.tags.value_or(std::vector<std::string>{});
    entry.language = in.language.value_or("");
    entry.author_name = local_part(account.jid);
    entry.author_jid = account.jid;
    return entry;
}

// The comments node of a new post: readable as the post is; anyone who can read may
// comment (XEP-0277 §comments).
pubsub::FormFields comments_config(const PostInput& input) {
    pubsub::FormFields config = access_fields(input);
    config["pubsub#publish_model"] = {"open"};
    return config;
}

// The blog node: readable as the first post is, keeping as many posts as the server allows.
pubsub::FormFields blog_config(const PostInput& input) {
    pubsub::FormFields config = access_fields(input);
    config["pubsub#max_items"] = {"max"};
    return config;
}

void post(Blog& blog, const json& params, const Reply& reply) {
    Account account = account_param(blog, params);
    PostInput in = post_input(params, true, false);
    std::string id = in.id.value_or(new_item_id());
    std::string comments_node = comments_node_of(id);
    std::string comments_service =
        blog.comments_service.empty() ? account.jid : blog.comments_service;
    AtomEntry entry = new_entry(account, in, id, *in.title);
    entry.alternate_uri = pubsub_uri(account.jid, kMicroblogNode, id);
    entry.comments_uri = pubsub_uri(comments_service, comments_node);
    json answer = {{"service", account.jid},
                   {"node", kMicroblogNode},
                   {"id", id},
                   {"comments_service", comments_service},
                   {"comments_node", comments_node}};
    auto publish = [&blog, account, id, payload = atom_entry(entry), options = access_fields(in),
                    answer, reply]() mutable {
        blog.write.publish_item({account.profile, "", kMicroblogNode}, id, payload, options,
                                [answer, reply](std::string, std::optional<XmppError> error) {
                                    if (!failed(reply, error)) reply->result(answer);
                                });
    };
    // The comments node first: a post never links to a node that is not there. One left
    // by an earlier post of the same id is taken as it is.
    pubsub::NodeKey comments{account.profile, blog.comments_service, comments_node};
    auto with_comments = [&blog, comments, config = comments_config(in), reply,
                          publish = std::move(publish)]() mutable {
        blog.write.create_node_with(
            comments, config,
            [alive = blog.alive, reply,
             publish = std::move(publish)](std::optional<XmppError> error) mutable {
                if (!*alive || (error && error->condition != "conflict" && failed(reply, error)))
                    return;
                publish();
            });
    };
    if (blog.blog_node_ready.contains(account.profile)) {
        with_comments();
        return;
    }
    // The blog node before a first post: a server makes a PEP node on a first publish
    // with its defaults, and Prosody 0.12's keep one item (every post would replace the
    // last). A node already there is taken as it is.
    blog.write.create_node_with(
        {account.profile, "", kMicroblogNode}, blog_config(in),
        [&blog, alive = blog.alive, profile = account.profile, reply,
         with_comments = std::move(with_comments)](std::optional<XmppError> error) mutable {
            if (!*alive || (error && error->condition != "conflict" && failed(reply, error)))
                return;
            blog.blog_node_ready.insert(profile);
            with_comments();
        });
}

void edit(Blog& blog, const json& params, const Reply& reply) {
    Account account = account_param(blog, params);
    std::string id = string_param(params, "id", true);
    PostInput in = post_input(params, false, false);
    read_own_post(
        blog, account, id,
        [&blog, account, id, in, reply](json old) {
            auto links = old.value("links", json::array());
            auto comments = std::find_if(links.begin(), links.end(), [](const json& link) {
                return link.value("rel", "") == "replies";
            });
            AtomEntry entry;
            entry.atom_id = old.value("id", tag_uri(account.jid, now(), id));
            entry.title = in.title.value_or(old.value("title", ""));
            entry.content = in.content.value_or(old.value("content", ""));
            entry.content_xhtml = in.content_xhtml;
            if (!in.content && !in.content_xhtml && old.contains("content_xhtml_sanitised"))
                entry.content_xhtml = old["content_xhtml_sanitised"].get<std::string>();
            entry.tags = in.tags.value_or(old.value("categories", std::vector<std::string>{}));
            entry.language = in.language.value_or(old.value("language", ""));
            entry.published = old.value("published", now());
            entry.updated = now();
            entry.author_name = local_part(account.jid);
            entry.author_jid = account.jid;
            entry.alternate_uri = pubsub_uri(account.jid, kMicroblogNode, id);
            if (comments != links.end()) entry.comments_uri = comments->value("href", "");
            json answer = {{"service", account.jid},
                           {"node", kMicroblogNode},
                           {"id", id},
                           {"comments", old["comments"]},
                           {"published", entry.published},
                           {"updated", entry.updated}};
            blog.write.publish_item({account.profile, "", kMicroblogNode}, id, atom_entry(entry),
                                    access_fields(in),
                                    [answer, reply](std::string, std::optional<XmppError> error) {
                                        if (!failed(reply, error)) reply->result(answer);
                                    });
        },
        reply);
}

// Retracting a post deletes its comments node too when the account owns it (its own
// PEP, or the configured comments service): comments without their post are orphans
// nobody can reach. keep_comments: true leaves it.
void retract(Blog& blog, const json& params, const Reply& reply) {
    Account account = account_param(blog, params);
    std::string id = string_param(params, "id", true);
    if (params.contains("keep_comments") && !params["keep_comments"].is_boolean())
        throw invalid("\"keep_comments\" must be a boolean");
    bool keep_comments = params.value("keep_comments", false);
    read_own_post(
        blog, account, id,
        [&blog, account, id, keep_comments, reply](json old) {
            json comments = old["comments"];
            bool owned =
                comments.is_object() &&
                (same_jid(comments["service"].get<std::string>(), account.jid) ||
                 (!blog.comments_service.empty() &&
                  same_jid(comments["service"].get<std::string>(), blog.comments_service)));
            json answer = {{"service", account.jid},
                           {"node", kMicroblogNode},
                           {"id", id},
                           {"comments_node_deleted", false}};
            blog.write.retract_items(
                {account.profile, "", kMicroblogNode}, {id},
                [&blog, alive = blog.alive, account, comments, owned, keep_comments, answer,
                 reply](std::optional<XmppError> error) mutable {
                    if (!*alive || failed(reply, error)) return;
                    if (!owned || keep_comments) {
                        reply->result(answer);
                        return;
                    }
                    pubsub::NodeKey node{
                        account.profile,
                        request_service(account, comments["service"].get<std::string>()),
                        comments["node"].get<std::string>()};
                    blog.write.remove_node(node,
                                           [answer, reply](std::optional<XmppError> gone) mutable {
                                               answer["comments_node_deleted"] = !gone;
                                               reply->result(answer);
                                           });
                });
        },
        reply);
}

void get(Blog& blog, const json& params, const Reply& reply) {
    Account account = account_param(blog, params);
    std::string service = request_service(account, jid_param(params, "jid"));
    pubsub::GetItemsRequest request{account.profile, service, kMicroblogNode, {}, {}, {},
                                    false,           ""};
    put_paging(request, params);
    blog.pubsub.get_items(std::move(request), [&blog, alive = blog.alive, account, service,
                                               reply](pubsub::GetItemsAnswer answer) {
        if (!*alive || failed(reply, answer.error)) return;
        reply->result(
            {{"service", shown_service(account, service)},
             {"node", kMicroblogNode},
             {"posts", entries_json(blog, account, answer.page, service, kMicroblogNode, true)},
             {"rsm", rsm_json(answer.page)},
             {"from_cache", answer.page.from_cache}});
    });
}

// Where a post's comments are: "service" and "node" as given, or those its "item" (a
// post of "jid", default the account's own blog) links to.
using LocationFound = std::function<void(const pubsub::NodeKey&)>;

void with_comments_node(Blog& blog, const Account& account, const json& params, const Reply& reply,
                        LocationFound found) {
    std::string node = node_param(params, false);
    if (!node.empty()) {
        found({account.profile, request_service(account, jid_param(params, "service")), node});
        return;
    }
    std::string item = string_param(params, "item");
    if (item.empty())
        throw invalid("give the comments' \"node\" (and \"service\"), or the post's \"item\"");
    std::string blog_service = request_service(account, jid_param(params, "jid"));
    pubsub::GetItemsRequest request{
        account.profile, blog_service, kMicroblogNode, {item}, {}, {}, false, ""};
    blog.pubsub.get_items(
        std::move(request), [alive = blog.alive, account, blog_service, item, reply,
                             found = std::move(found)](pubsub::GetItemsAnswer answer) {
            if (!*alive || failed(reply, answer.error)) return;
            for (const auto& entry : answer.page.items) {
                if (entry.id != item) continue;
                json post = post_json(entry, shown_service(account, blog_service), kMicroblogNode);
                if (!post["comments"].is_object()) break;
                const json& comments = post["comments"];
                found({account.profile,
                       request_service(account, comments["service"].get<std::string>()),
                       comments["node"].get<std::string>()});
                return;
            }
            reply->error({rpc_error::kNotFound, "post '" + item + "' of " +
                                                    shown_service(account, blog_service) +
                                                    " has no comments node"});
        });
}

void comments_get(Blog& blog, const json& params, const Reply& reply) {
    Account account = account_param(blog, params);
    pubsub::GetItemsRequest request;
    put_paging(request, params);
    with_comments_node(
        blog, account, params, reply,
        [&blog, alive = blog.alive, account, request, reply](const pubsub::NodeKey& node) mutable {
            request.profile = node.profile;
            request.service = node.service;
            request.node = node.node;
            blog.pubsub.get_items(std::move(request), [&blog, alive, account, node,
                                                       reply](pubsub::GetItemsAnswer answer) {
                if (!*alive || failed(reply, answer.error)) return;
                json comments =
                    entries_json(blog, account, answer.page, node.service, node.node, false);
                std::reverse(comments.begin(), comments.end());
                reply->result({{"service", shown_service(account, node.service)},
                               {"node", node.node},
                               {"comments", comments},
                               {"rsm", rsm_json(answer.page)},
                               {"from_cache", answer.page.from_cache}});
            });
        });
}

void comments_post(Blog& blog, const json& params, const Reply& reply) {
    Account account = account_param(blog, params);
    PostInput in = post_input(params, false, true);
    if (in.access_model) throw invalid("a comment has no \"access_model\": its node's applies");
    with_comments_node(
        blog, account, params, reply, [&blog, account, in, reply](const pubsub::NodeKey& node) {
            std::string id = in.id.value_or(new_item_id());
            AtomEntry entry =
                new_entry(account, in, id, in.title.value_or(first_line(*in.content)));
            json answer = {{"service", shown_service(account, node.service)},
                           {"node", node.node},
                           {"id", id}};
            blog.write.publish_item(node, id, atom_entry(entry), {},
                                    [answer, reply](std::string, std::optional<XmppError> error) {
                                        if (!failed(reply, error)) reply->result(answer);
                                    });
        });
}

void comments_retract(Blog& blog, const json& params, const Reply& reply) {
    Account account = account_param(blog, params);
    std::string id = string_param(params, "id", true);
    with_comments_node(
        blog, account, params, reply, [&blog, account, id, reply](const pubsub::NodeKey& node) {
            json answer = {{"service", shown_service(account, node.service)},
                           {"node", node.node},
                           {"id", id}};
            blog.write.retract_items(node, {id}, [answer, reply](std::optional<XmppError> e) {
                if (!failed(reply, e)) reply->result(answer);
            });
        });
}

const std::pair<const char*, Handler> kMethods[] = {
    {"blog.post", post},
    {"blog.edit", edit},
    {"blog.retract", retract},
    {"blog.get", get},
    {"blog.comments.get", comments_get},
    {"blog.comments.post", comments_post},
    {"blog.comments.retract", comments_retract},
};

}  // namespace

void register_blog_methods(Blog& blog) { add_methods(blog.host.ipc(), blog, kMethods); }

void unregister_blog_methods(Blog& blog) {
    *blog.alive = false;
    remove_methods(blog.host.ipc(), kMethods);
}

}  // namespace roost::xep0277
