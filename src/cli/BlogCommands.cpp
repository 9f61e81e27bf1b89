// SPDX-License-Identifier: MIT
// BlogCommands: command-line options to blog.* params; posts print as PostOutput shows them.
#include "src/cli/BlogCommands.hpp"

#include "src/cli/PostOutput.hpp"

#include <iostream>
#include <memory>
#include <optional>

namespace roost::cli {
namespace {

using nlohmann::json;

// What the options of one command fill in; shared by its callback.
struct Options {
    std::string profile, jid, id, title, content, xhtml, language, access, service, node, item;
    std::vector<std::string> tags, groups;
    std::optional<int> max;
    std::optional<std::string> before, after;
    bool keep_comments = false;

    json params() const {
        json out = json::object();
        if (!profile.empty()) out["profile"] = profile;
        return out;
    }
};

void add_post_options(CLI::App& command, Options& o, bool title_required) {
    command.add_option("--profile", o.profile, kProfileHelp);
    auto* title = command.add_option("--title", o.title, "the title");
    if (title_required) title->required();
    command.add_option("--xhtml", o.xhtml, "rich content (XHTML, sanitised before publishing)");
    command.add_option("--tag", o.tags, "a tag (repeatable)");
    command.add_option("--lang", o.language, "the language, e.g. en");
    command.add_option("CONTENT", o.content, "the text; - for stdin");
}

json post_params(const Options& o, bool edit) {
    json params = o.params();
    if (!o.title.empty()) params["title"] = o.title;
    if (o.content == "-")
        params["content"] = read_stdin();
    else if (!o.content.empty() || !edit)
        params["content"] = o.content;
    if (!o.xhtml.empty()) params["content_xhtml"] = o.xhtml;
    if (!o.tags.empty()) params["tags"] = o.tags;
    if (!o.language.empty()) params["language"] = o.language;
    if (!o.access.empty()) params["access_model"] = o.access;
    if (!o.groups.empty()) params["groups"] = o.groups;
    if (!o.id.empty()) params["id"] = o.id;
    return params;
}

void add_paging(CLI::App& command, Options& o) {
    command.add_option("--max", o.max, "at most this many (the newest, without --before/--after)");
    command.add_option("--before", o.before, "the page before this RSM key (older items)");
    command.add_option("--after", o.after, "the page after this RSM key (newer items)");
}

void put_paging(const Options& o, json& params) {
    if (o.max) params["max"] = *o.max;
    if (o.before) params["before"] = *o.before;
    if (o.after) params["after"] = *o.after;
}

void add_write(CLI::App& blog, const CliContext& context, int& exit_code, bool edit) {
    auto o = std::make_shared<Options>();
    auto* command = edit ? blog.add_subcommand("edit", "edit one of your posts (what is given)")
                         : blog.add_subcommand("post", "publish a post on your blog");
    add_post_options(*command, *o, !edit);
    auto* id =
        command->add_option("--id", o->id, edit ? "the post's id" : "item id (default: new)");
    if (edit) id->required();
    command->add_option("--access", o->access, "open, presence, roster or whitelist")
        ->check(CLI::IsMember({"open", "presence", "roster", "whitelist"}));
    command->add_option("--group", o->groups, "a roster group allowed (with --access roster)");
    command->callback([&context, &exit_code, o, edit] {
        exit_code = run_command([&] {
            context.print(context.call(edit ? "blog.edit" : "blog.post", post_params(*o, edit)),
                          [edit](const json& r) {
                              std::cout << (edit ? "edited " : "posted ")
                                        << r["id"].get<std::string>() << "\n";
                          });
        });
    });
}

void add_delete(CLI::App& blog, const CliContext& context, int& exit_code) {
    auto o = std::make_shared<Options>();
    auto* command = blog.add_subcommand("delete", "retract one of your posts and its comments");
    command->add_option("--profile", o->profile, kProfileHelp);
    command->add_option("--id", o->id, "the post's id")->required();
    command->add_flag("--keep-comments", o->keep_comments, "leave its comments node");
    command->callback([&context, &exit_code, o] {
        exit_code = run_command([&] {
            json params = o->params();
            params["id"] = o->id;
            if (o->keep_comments) params["keep_comments"] = true;
            context.print(context.call("blog.retract", params), [](const json& r) {
                std::cout << "retracted " << r["id"].get<std::string>()
                          << (r["comments_node_deleted"] == true ? " and its comments" : "")
                          << "\n";
            });
        });
    });
}

void add_get(CLI::App& blog, const CliContext& context, int& exit_code) {
    auto o = std::make_shared<Options>();
    auto* command = blog.add_subcommand("get", "read a blog, newest first");
    command->add_option("--profile", o->profile, kProfileHelp);
    command->add_option("--jid", o->jid, "whose blog (default: yours)");
    add_paging(*command, *o);
    command->callback([&context, &exit_code, o] {
        exit_code = run_command([&] {
            json params = o->params();
            if (!o->jid.empty()) params["jid"] = o->jid;
            put_paging(*o, params);
            context.print(context.call("blog.get", params), [](const json& r) {
                if (r["posts"].empty()) std::cout << "no posts\n";
                for (const auto& post : r["posts"]) print_post(post, true);
            });
        });
    });
}

// Which comments: --node (and --service), or the post --item of --jid's blog.
void add_comments_target(CLI::App& command, Options& o) {
    command.add_option("--profile", o.profile, kProfileHelp);
    command.add_option("--service", o.service, "the comments node's service");
    command.add_option("--node", o.node, "the comments node");
    command.add_option("--item", o.item, "the post whose comments (instead of --node)");
    command.add_option("--jid", o.jid, "whose post --item is (default: yours)");
}

json comments_params(const Options& o) {
    json params = o.params();
    for (auto [name, value] : {std::pair{"service", &o.service}, std::pair{"node", &o.node},
                               std::pair{"item", &o.item}, std::pair{"jid", &o.jid}})
        if (!value->empty()) params[name] = *value;
    return params;
}

void add_comments(CLI::App& blog, const CliContext& context, int& exit_code) {
    auto* comments = blog.add_subcommand("comments", "a post's comments: get, post, delete")
                         ->require_subcommand(1);

    auto g = std::make_shared<Options>();
    auto* get = comments->add_subcommand("get", "the comments, oldest first");
    add_comments_target(*get, *g);
    add_paging(*get, *g);
    get->callback([&context, &exit_code, g] {
        exit_code = run_command([&] {
            json params = comments_params(*g);
            put_paging(*g, params);
            context.print(context.call("blog.comments.get", params), [](const json& r) {
                if (r["comments"].empty()) std::cout << "no comments\n";
                for (const auto& comment : r["comments"]) print_post(comment, false);
            });
        });
    });

    auto p = std::make_shared<Options>();
    auto* post = comments->add_subcommand("post", "comment on a post");
    add_comments_target(*post, *p);
    post->add_option("--title", p->title, "the title (default: the text's first line)");
    post->add_option("--xhtml", p->xhtml, "rich content (XHTML, sanitised before publishing)");
    post->add_option("CONTENT", p->content, "the text; - for stdin")->required();
    post->callback([&context, &exit_code, p] {
        exit_code = run_command([&] {
            json params = comments_params(*p);
            params.update(post_params(*p, false));
            context.print(context.call("blog.comments.post", params), [](const json& r) {
                std::cout << "commented " << r["id"].get<std::string>() << "\n";
            });
        });
    });

    auto d = std::make_shared<Options>();
    auto* remove = comments->add_subcommand("delete", "retract a comment");
    add_comments_target(*remove, *d);
    remove->add_option("--id", d->id, "the comment's id")->required();
    remove->callback([&context, &exit_code, d] {
        exit_code = run_command([&] {
            json params = comments_params(*d);
            params["id"] = d->id;
            context.print(context.call("blog.comments.retract", params), [](const json& r) {
                std::cout << "retracted comment " << r["id"].get<std::string>() << "\n";
            });
        });
    });
}

// One line per followed blog: who, why, and what the cache holds of it.
void print_followed(const json& blog) {
    std::cout << blog["jid"].get<std::string>() << "  " << blog["followed"].get<std::string>();
    if (!blog["active"].get<bool>())
        std::cout << ", stopped: " << blog["reason"].get<std::string>() << "\n";
    else
        std::cout << ", "
                  << (blog["sync_state"].is_null() ? "not synced"
                                                   : blog["sync_state"].get<std::string>())
                  << ", " << blog["items"].get<int>() << " post(s)\n";
}

void add_follow(CLI::App& blog, const CliContext& context, int& exit_code) {
    for (bool follow : {true, false}) {
        auto o = std::make_shared<Options>();
        auto* command = blog.add_subcommand(
            follow ? "follow" : "unfollow",
            follow ? "keep someone's blog in the cache" : "stop keeping someone's blog current");
        command->add_option("--profile", o->profile, kProfileHelp);
        command->add_option("JID", o->jid, "whose blog")->required();
        command->callback([&context, &exit_code, o, follow] {
            exit_code = run_command([&] {
                json params = o->params();
                params["jid"] = o->jid;
                context.print(context.call(follow ? "blog.follow" : "blog.unfollow", params),
                              print_followed);
            });
        });
    }
    auto o = std::make_shared<Options>();
    auto* command = blog.add_subcommand("following", "the blogs followed and their cache state");
    command->add_option("--profile", o->profile, kProfileHelp);
    command->callback([&context, &exit_code, o] {
        exit_code = run_command([&] {
            context.print(context.call("blog.following", o->params()), [](const json& r) {
                if (r["blogs"].empty()) std::cout << "no blogs followed\n";
                for (const auto& followed : r["blogs"]) print_followed(followed);
            });
        });
    });
}

}  // namespace

void add_blog_commands(CLI::App& app, const CliContext& context, int& exit_code) {
    auto* blog =
        app.add_subcommand("blog", "XEP-0277 microblog: posts and comments")->require_subcommand(1);
    add_write(*blog, context, exit_code, false);
    add_write(*blog, context, exit_code, true);
    add_delete(*blog, context, exit_code);
    add_get(*blog, context, exit_code);
    add_comments(*blog, context, exit_code);
    add_follow(*blog, context, exit_code);
}

}  // namespace roost::cli
