// SPDX-License-Identifier: MIT
// ParseErrors: one-line parse errors instead of CLI11's two ("... / Run with --help").
#include "src/cli/ParseErrors.hpp"

#include <iostream>

namespace roost::cli {

std::string parse_error_line(std::string_view program, const CLI::Error& error) {
    std::string line(program);
    line += ": ";
    // Scripts and people read one line per failure; CLI11 may wrap a long message.
    for (char c : std::string_view(error.what())) line += c == '\n' ? ' ' : c;
    while (line.back() == ' ') line.pop_back();
    return line;
}

int report_parse_error(const CLI::App& app, const CLI::ParseError& error, std::string_view program,
                       int usage_exit) {
    if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(error);
    std::cerr << parse_error_line(program, error) << "\n";
    return usage_exit;
}

}  // namespace roost::cli
