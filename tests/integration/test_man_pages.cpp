// SPDX-License-Identifier: MIT
// The built man pages against the built programs: every command and option that --help
// lists is in the page, and --version prints the version the pages carry.
#include "tests/support/CliHelp.hpp"
#include "tests/support/Run.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>

#include <regex>
#include <sstream>

using namespace roost::test;

namespace {

// The generated roff, not the scdoc source: it is what gets installed, and scdoc's
// markup (`*`, `_`, `\`) could turn what the source says into something else.
std::string man_page(const std::string& page) {
    return read_file(build_dir() / "doc" / "man" / page);
}

// The page as text: no font changes, no `\&`, `\-` as `-`.
std::string plain(std::string roff) {
    static const std::regex kEscapes(R"(\\f[BIRP]|\\&)");
    roff = std::regex_replace(roff, kEscapes, "");
    return std::regex_replace(roff, std::regex(R"(\\-)"), "-");
}

// `--max` as a word of `text`, not the start of `--max-items`.
bool mentions_option(const std::string& text, const std::string& option) {
    for (auto at = text.find(option); at != std::string::npos; at = text.find(option, at + 1)) {
        auto end = at + option.size();
        bool word_before = at > 0 && (std::isalnum(text[at - 1]) || text[at - 1] == '-');
        bool word_after = end < text.size() && (std::isalnum(text[end]) || text[end] == '-');
        if (!word_before && !word_after) return true;
    }
    return false;
}

// The page's entries for one command: each starts with a line that begins with the
// command in bold (`*roost pubsub get* [*--profile* _NAME_]...` in scdoc) and runs to
// the next such line of any command of the program.
std::string entries_of(const std::string& roff, const std::string& program,
                       const std::string& command) {
    std::istringstream lines(roff);
    std::string line, entries;
    bool inside = false;
    while (std::getline(lines, line)) {
        if (line.starts_with("\\fB" + program + " "))
            inside = line.starts_with("\\fB" + command + "\\fR");
        if (inside) entries += line + "\n";
    }
    return plain(entries);
}

// Checks that the page names each command, and each option in the command's own entry
// (the program's options anywhere in the page).
void check_page(const std::string& program, const std::string& page) {
    std::string roff = man_page(page);
    std::string text = plain(roff);
    for (const CommandHelp& command : help_tree(program)) {
        std::string line = command.command_line(program);
        CAPTURE(line);
        std::string entries = command.path.empty() ? text : entries_of(roff, program, line);
        // A command with subcommands shows in its subcommands' entries.
        std::string heading = "\\fB" + line + (command.subcommands.empty() ? "\\fR" : " ");
        if (!command.path.empty())
            CHECK_MESSAGE(roff.find(heading) != std::string::npos, page, " has no entry for `",
                          line, "`: add one to doc/man/", page, ".scd");
        for (const auto& option : command.options) {
            if (option == "--help" && !command.path.empty()) continue;  // said once
            CHECK_MESSAGE(mentions_option(entries, option), page, " does not mention ", option,
                          " in the entry of `", line, "`: add it to doc/man/", page, ".scd");
        }
    }
}

}  // namespace

TEST_CASE("roost, roost-migrate and roostd print the project version") {
    for (std::string program : {"roost", "roost-migrate", "roostd"}) {
        CAPTURE(program);
        RunResult result = run({built_program(program).string(), "--version"});
        CHECK(result.exit_code == 0);
        CHECK(result.out == ROOST_VERSION "\n");
    }
}

TEST_CASE("every man page carries the project version") {
    for (std::string page : {"roost.1", "roost-migrate.1", "roostd.8", "roost.toml.5"}) {
        CAPTURE(page);
        CHECK(man_page(page).find("\"Roost " ROOST_VERSION "\"") != std::string::npos);
    }
}

TEST_CASE("roost(1) names every command and option of roost --help") {
    check_page("roost", "roost.1");
}

TEST_CASE("roost-migrate(1) names every command and option of roost-migrate --help") {
    check_page("roost-migrate", "roost-migrate.1");
}

TEST_CASE("roostd(8) names every option of roostd --help") { check_page("roostd", "roostd.8"); }
