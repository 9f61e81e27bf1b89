// SPDX-License-Identifier: MIT
// CliHelp: reading CLI11's --help output, section by section.
#include "tests/support/CliHelp.hpp"

#include "tests/support/Run.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>

#include <sstream>

namespace roost::test {
namespace {

// CLI11 writes "Options:", "Subcommands:", "Positionals:" at column 0, then one entry
// per line indented by two: "  --node TEXT REQUIRED    node name", "  -h,--help  ...".
// A type right after the names ("--node TEXT") means the option takes a value; a long
// description may go on the next line, indented further.
CommandHelp parse_help(std::vector<std::string> path, const std::string& help) {
    CommandHelp command;
    command.path = std::move(path);
    std::istringstream lines(help);
    std::string line, section;
    while (std::getline(lines, line)) {
        if (!line.empty() && line[0] != ' ' && line.back() == ':') {
            section = line.substr(0, line.size() - 1);
            continue;
        }
        if (!line.starts_with("  ") || line.size() < 3 || line[2] == ' ') continue;
        std::string entry = line.substr(2);
        std::string names = entry.substr(0, entry.find(' '));
        std::string rest = entry.substr(names.size());
        if (section == "Subcommands") {
            command.subcommands.push_back(names);
        } else if (section == "Options") {
            bool takes_value =
                rest.size() > 1 && rest[0] == ' ' && rest[1] >= 'A' && rest[1] <= 'Z';
            std::vector<std::string> choices;
            if (auto open = rest.find(":{"); takes_value && open != std::string::npos) {
                std::istringstream list(rest.substr(open + 2, rest.find('}', open) - open - 2));
                for (std::string choice; std::getline(list, choice, ',');)
                    choices.push_back(choice);
            }
            std::istringstream forms(names);
            std::string form;
            while (std::getline(forms, form, ','))
                if (form.starts_with("--")) {
                    command.options.push_back(form);
                    if (takes_value) command.value_options.push_back(form);
                    if (!choices.empty()) command.choices[form] = choices;
                }
        }
    }
    return command;
}

void walk(const std::string& name, const std::vector<std::string>& path,
          std::vector<CommandHelp>& tree) {
    std::vector<std::string> argv{built_program(name).string()};
    argv.insert(argv.end(), path.begin(), path.end());
    argv.push_back("--help");
    RunResult result = run(argv);
    CommandHelp command = parse_help(path, result.out);
    REQUIRE_MESSAGE(result.exit_code == 0, command.command_line(name), " --help: ", result.err);
    tree.push_back(std::move(command));
    std::vector<std::string> subcommands = tree.back().subcommands;
    for (const auto& subcommand : subcommands) {
        std::vector<std::string> sub_path = path;
        sub_path.push_back(subcommand);
        walk(name, sub_path, tree);
    }
}

}  // namespace

std::string CommandHelp::command_line(const std::string& program) const {
    std::string line = program;
    for (const auto& word : path) line += " " + word;
    return line;
}

std::filesystem::path built_program(const std::string& name) {
    return build_dir() / (name == "roostd" ? "src/daemon" : "src/cli") / name;
}

std::vector<CommandHelp> help_tree(const std::string& name) {
    std::vector<CommandHelp> tree;
    walk(name, {}, tree);
    return tree;
}

}  // namespace roost::test
