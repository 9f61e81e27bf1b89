// SPDX-License-Identifier: MIT
// roost: the command-line client of roostd; talks JSON-RPC over the daemon's
// socket. Human output by default, --json for scripts (doc/cli.md).
#include "src/cli/BlogCommands.hpp"
#include "src/cli/CacheCommands.hpp"
#include "src/cli/CliContext.hpp"
#include "src/cli/CoreCommands.hpp"
#include "src/cli/ParseErrors.hpp"
#include "src/cli/PubsubCommands.hpp"
#include "src/cli/RosterCommands.hpp"
#include "src/cli/StreamCommands.hpp"
#include "src/common/XdgPaths.hpp"

#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
    using namespace roost::cli;
    CLI::App app{"roost: control the Roost XMPP backend daemon (roostd)"};
    app.require_subcommand(1);
    app.fallthrough();  // `roost status --json` as well as `roost --json status`
    CliContext context;
    try {
        context.socket = roost::common::XdgPaths::from_environment().socket();
    } catch (const std::exception&) {
        // No XDG or HOME: --socket is then the only way.
    }
    app.add_option("--socket", context.socket, "the daemon's socket")->capture_default_str();
    app.add_flag("--json", context.json, "print results as JSON, for scripts");
    app.set_version_flag("--version", ROOST_VERSION);

    int exit_code = kOk;
    add_core_commands(app, context, exit_code);
    add_pubsub_commands(app, context, exit_code);
    add_cache_commands(app, context, exit_code);
    add_roster_commands(app, context, exit_code);
    add_blog_commands(app, context, exit_code);
    add_stream_commands(app, context, exit_code);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return report_parse_error(app, e, "roost", kUsage);
    }
    return exit_code;
}
