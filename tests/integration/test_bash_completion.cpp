// SPDX-License-Identifier: MIT
// completion/roost.bash in a real bash, as bash-completion calls it: COMP_WORDS and
// COMP_CWORD set, the completion function called, COMPREPLY read. Its tables must offer
// exactly what each command's --help lists.
#include "src/storage/Database.hpp"
#include "src/storage/SqlitePubsubStore.hpp"
#include "tests/support/CliHelp.hpp"
#include "tests/support/Daemon.hpp"
#include "tests/support/Run.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <sstream>

using namespace roost::test;
using Words = std::vector<std::string>;
using Reply = std::set<std::string>;

// Failed checks show the words: {"alice", "bob"}.
template <>
struct doctest::StringMaker<Reply> {
    static doctest::String convert(const Reply& reply) {
        std::string text = "{";
        for (const auto& word : reply) text += (text.size() > 1 ? ", \"" : "\"") + word + "\"";
        return (text + "}").c_str();
    }
};

namespace {

std::string quoted(const std::string& word) {
    std::string out = "'";
    for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// COMPREPLY for each command line (the last word is the one being completed), from one
// bash that sources the script in an empty directory, so that file names offer nothing.
std::vector<Reply> complete_all(const std::vector<Words>& lines,
                                const std::map<std::string, std::string>& env = {}) {
    TempDir cwd;
    std::string script = "cd " + quoted(cwd.path().string()) + " || exit 1\nsource " +
                         quoted((source_dir() / "completion" / "roost.bash").string()) +
                         " || exit 1\n";
    for (const auto& words : lines) {
        script += "COMP_WORDS=(";
        for (const auto& word : words) script += quoted(word) + " ";
        script += ")\nCOMP_CWORD=" + std::to_string(words.size() - 1) +
                  "\nCOMPREPLY=()\n_roost_complete || echo 'returned non-zero'\n"
                  "printf '%s\\t' \"${COMPREPLY[@]}\"; echo\n";
    }
    // No config and no daemon unless the test gives them.
    std::map<std::string, std::string> full_env = {{"HOME", cwd.path().string()},
                                                   {"XDG_CONFIG_HOME", (cwd / "none").string()},
                                                   {"XDG_RUNTIME_DIR", (cwd / "none").string()}};
    for (const auto& [name, value] : env) full_env[name] = value;
    RunResult result = run({"/bin/bash", "--norc", "-c", script}, full_env);
    REQUIRE_MESSAGE(result.exit_code == 0, result.err);
    CHECK_MESSAGE(result.err.empty(), result.err);
    std::vector<Reply> replies;
    std::istringstream out(result.out);
    std::string line;
    while (std::getline(out, line)) {
        Reply reply;
        std::istringstream words(line);
        std::string word;
        while (std::getline(words, word, '\t'))
            if (!word.empty()) reply.insert(word);
        replies.push_back(reply);
    }
    REQUIRE(replies.size() == lines.size());
    return replies;
}

Reply complete(const Words& words, const std::map<std::string, std::string>& env = {}) {
    return complete_all({words}, env).front();
}

// A config with the profiles alice and bob, and a plugin table that is not a profile.
std::map<std::string, std::string> alice_and_bob(const TempDir& home) {
    write_file(home / "config" / "roost" / "roost.toml",
               "log_level = \"info\"\n\n[profiles.alice]\njid = \"alice@localhost\"\n"
               "password = \"a\"\n\n  [profiles.bob]  # the other one\njid = \"bob@localhost\"\n"
               "password = \"b\"\n\n[plugins.pubsub_cache]\nmax_items_per_node = 0\n");
    return {{"XDG_CONFIG_HOME", (home / "config").string()}};
}

// Checks the completion of every command of `program` against its --help: after the
// command, its subcommands; after `-`, its options; after an option that takes a value,
// its choices where --help lists them, and never a subcommand or option (the value is
// the word being completed); after a flag, the subcommands again.
void check_against_help(const std::string& program) {
    std::vector<CommandHelp> tree = help_tree(program);
    struct Case {
        std::string what;
        Reply expected;
        bool only_values = false;  // then `expected` holds what must not be offered
    };
    std::vector<Words> lines;
    std::vector<Case> cases;
    for (const CommandHelp& command : tree) {
        Words words{built_program(program).string()};  // as `build/src/cli/roost` runs
        words.insert(words.end(), command.path.begin(), command.path.end());
        Reply subcommands(command.subcommands.begin(), command.subcommands.end());
        Reply options(command.options.begin(), command.options.end());
        if (program == "roost" && !command.path.empty())
            options.insert({"--socket", "--json"});  // fallthrough: roost's own, anywhere
        Reply words_of_command = subcommands;
        words_of_command.insert(options.begin(), options.end());
        std::string line = command.command_line(program);
        auto add = [&](Words last, Case c) {
            lines.push_back(words);
            lines.back().insert(lines.back().end(), last.begin(), last.end());
            cases.push_back(std::move(c));
        };
        add({""}, {line + " <TAB>", subcommands});
        add({"-"}, {line + " -<TAB>", options});
        for (const auto& option : command.options) {
            std::string what = line + " " + option + " <TAB>";
            if (auto choices = command.choices.find(option); choices != command.choices.end())
                add({option, ""}, {what, Reply(choices->second.begin(), choices->second.end())});
            else if (std::ranges::count(command.value_options, option) > 0)
                add({option, ""}, {what, words_of_command, true});
            else if (!command.subcommands.empty())
                add({option, ""}, {what, subcommands});
        }
    }
    std::vector<Reply> replies = complete_all(lines);
    for (size_t i = 0; i < lines.size(); ++i) {
        CAPTURE(cases[i].what);
        if (cases[i].only_values) {
            for (const auto& word : replies[i])
                CHECK_MESSAGE(!cases[i].expected.contains(word), word,
                              ": completion/roost.bash misses that the option takes a value");
        } else {
            CHECK_MESSAGE(replies[i] == cases[i].expected,
                          "completion/roost.bash offers what --help does not list, or misses "
                          "what it lists");
        }
    }
}

}  // namespace

TEST_CASE("roost ro<TAB> completes the command roster") {
    CHECK(complete({"roost", "ro"}) == Reply{"roster"});
    CHECK(complete({"roost", "pubsub", "cache", "s"}) == Reply{"search", "stats", "sync"});
}

TEST_CASE("roost pubsub get --pro<TAB> completes the option --profile") {
    CHECK(complete({"roost", "pubsub", "get", "--pro"}) == Reply{"--profile"});
    CHECK(complete({"roost", "--json", "pubsub", "get", "--node", "x", "--no"}) ==
          Reply{"--node", "--no-cache"});
}

TEST_CASE("a profile name completes from the profiles of roost.toml") {
    TempDir home;
    auto env = alice_and_bob(home);
    CHECK(complete({"roost", "roster", "list", "--profile", ""}, env) == Reply{"alice", "bob"});
    CHECK(complete({"roost", "roster", "list", "--profile", "b"}, env) == Reply{"bob"});
    CHECK(complete({"roost", "roster", "list", "--profile", "=", ""}, env) ==
          Reply{"alice", "bob"});
    CHECK(complete({"roost", "profile", "connect", ""}, env) == Reply{"alice", "bob"});
    // No config: no names, and no error.
    CHECK(complete({"roost", "roster", "list", "--profile", ""}) == Reply{});
}

TEST_CASE("option values complete from their choices") {
    CHECK(complete({"roostd", "--log-level", "d"}) == Reply{"debug"});
    CHECK(complete({"roost", "blog", "post", "--access", "r"}) == Reply{"roster"});
    CHECK(complete({"roost", "pubsub", "cache", "get", "--order-by", ""}) ==
          Reply{"creation", "modification"});
}

TEST_CASE("roost's completion offers what roost --help lists, for every command") {
    check_against_help("roost");
}

TEST_CASE("roost-migrate's and roostd's completion offers what their --help lists") {
    check_against_help("roost-migrate");
    check_against_help("roostd");
}

TEST_CASE("a node name completes from the daemon's cache, and to nothing without a daemon") {
    TempDir nowhere;
    std::string roost = built_program("roost").string();
    // No daemon: nothing, at once and silently (complete_all checks stderr).
    CHECK(complete({roost, "--socket", (nowhere / "roostd.sock").string(), "pubsub", "get",
                    "--node", ""}) == Reply{});

    Daemon daemon("[profiles.alice]\njid = \"alice@localhost\"\npassword = \"a\"\n"
                  "autoconnect = false\n\n[profiles.bob]\njid = \"bob@localhost\"\n"
                  "password = \"b\"\nautoconnect = false\n");
    REQUIRE(daemon.terminate() == 0);
    {
        roost::storage::Database db(daemon.database().string());
        roost::storage::SqlitePubsubStore store(db);
        store.set_node({"alice", "pubsub.localhost", "news"}, "", "", "");
        store.set_node({"alice", "alice@localhost", "urn:xmpp:microblog:0"}, "", "", "");
        store.set_node({"bob", "pubsub.localhost", "notes"}, "", "", "");
    }
    daemon.restart();
    auto env = daemon.env();
    CHECK(complete({roost, "pubsub", "get", "--node", ""}, env) ==
          Reply{"news", "urn:xmpp:microblog:0", "notes"});
    CHECK(complete({roost, "pubsub", "get", "--profile", "bob", "--node", ""}, env) ==
          Reply{"notes"});
    CHECK(complete({roost, "pubsub", "cache", "sync", "--node", "n"}, env) ==
          Reply{"news", "notes"});
}
