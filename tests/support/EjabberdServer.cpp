// SPDX-License-Identifier: MIT
// EjabberdServer: the config it writes and the ejabberdctl command lines. Every ejabberdctl
// call sources our own ejabberdctl.cfg (--config-dir), never Debian's in /etc/ejabberd.
#include "tests/support/EjabberdServer.hpp"

#include "tests/support/Loopback.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <random>
#include <sstream>
#include <stdexcept>

namespace roost::test {

namespace {

std::string log_level() {
    const char* level = std::getenv("ROOST_SERVER_LOG_LEVEL");
    return level && *level ? level : "info";
}

std::string random_cookie() {
    std::random_device random;
    std::ostringstream out;
    out << "roost" << std::hex << random() << random() << random();
    return out.str();
}

}  // namespace

EjabberdServer::EjabberdServer(XmppServerOptions options)
    : XmppServer("ejabberd", "ejabberd", std::move(options)),
      node_(instance_id() + "@localhost"),
      distribution_port_(pick_free_port()),
      cookie_(random_cookie()) {
    if (!std::filesystem::exists("/usr/sbin/ejabberdctl"))
        throw std::runtime_error("ejabberd is not installed: apt-get install ejabberd");
    passwd* me = ::getpwuid(::geteuid());
    if (!running_as_root() && !(me && std::string(me->pw_name) == server_user()))
        throw std::runtime_error("EjabberdServer needs root or the ejabberd user: ejabberdctl "
                                 "refuses anyone else");
    write_config();
    boot();
}

void EjabberdServer::write_config() const {
    const auto& o = options();
    std::filesystem::create_directories(dir() / "logs");
    std::filesystem::create_directories(dir() / "spool");
    // ejabberdctl runs erl as a child, not through exec: this wrapper makes the VM get SIGTERM
    // when that shell dies (stop(), or a crashed test whose SIGKILL reaches only the shell).
    auto erl = dir() / "erl-with-pdeathsig";
    write_file(
        erl, "#!/bin/sh\n# Written by roost::test::EjabberdServer: the VM stops with its parent.\n"
             "exec /usr/bin/setpriv --pdeathsig TERM -- /usr/bin/erl \"$@\"\n");
    std::filesystem::permissions(
        erl, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                 std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                 std::filesystem::perms::others_exec);
    // With ERL_DIST_PORT the node listens on that port and the ctl nodes connect to it
    // directly: no epmd shared with other instances, and the cookie keeps them apart.
    write_file(dir() / "ejabberdctl.cfg",
               "# Written by roost::test::EjabberdServer for one test run.\n"
               "ERL=" +
                   erl.string() +
                   "\n"
                   "ERL_DIST_PORT=" +
                   std::to_string(distribution_port_) +
                   "\n"
                   "ERL_OPTIONS=\"-env ERL_CRASH_DUMP_BYTES 0 -kernel inet_dist_use_interface "
                   "{127,0,0,1} -setcookie " +
                   cookie_ + "\"\n");
    write_file(dir() / "inetrc",
               "{lookup,[\"file\",\"native\"]}.\n{host,{127,0,0,1}, [\"localhost\"]}.\n");
    std::ostringstream admins;
    for (const auto& admin : o.admins) admins << "\n      - " << quoted(admin + "@" + o.domain);
    // TLS only when asked for: our certificate the only one ejabberd knows (certfiles).
    const auto& tls = o.tls;
    std::ostringstream c;
    c << "# Written by roost::test::EjabberdServer for one test run.\n"
      << "hosts: [" << quoted(o.domain) << "]\n"
      << "loglevel: " << log_level() << "\n"
      << "hide_sensitive_log_data: false\n"
      << "certfiles: [" << (tls ? quoted(tls_combined().string()) : "") << "]\n"
      << "acme:\n  auto: false\n"
      << "listen:\n"
      << "  - port: " << client_port() << "\n"
      << "    ip: \"127.0.0.1\"\n"
      << "    module: ejabberd_c2s\n"
      << (tls ? "    starttls: true\n" : "")
      << "    starttls_required: " << (tls && tls->require_encryption ? "true" : "false") << "\n"
      << "    max_stanza_size: 16777216\n"
      << "    shaper: none\n";
    if (tls && tls->direct_tls)  // the same listener, TLS from the first byte
        c << "  - port: " << direct_tls_port() << "\n"
          << "    ip: \"127.0.0.1\"\n"
          << "    module: ejabberd_c2s\n"
          << "    tls: true\n"
          << "    max_stanza_size: 16777216\n"
          << "    shaper: none\n";
    c << "auth_method: internal\n"
      << "auth_password_format: plain\n"
      << "acl:\n"
      << "  local:\n    user_regexp: \"\"\n"
      << (o.admins.empty() ? "" : "  admin:\n    user:" + admins.str() + "\n") << "access_rules:\n"
      << "  local:\n    allow: local\n"
      << "  c2s:\n    allow: all\n"
      << (o.admins.empty() ? "" : "  configure:\n    allow: admin\n")
      << "  pubsub_createnode:\n    allow: local\n"
      << "shaper_rules:\n"
      << "  max_user_sessions: 100\n"
      << "  max_user_offline_messages: 5000\n"
      << "  c2s_shaper: none\n"
      << "modules:\n"
      << "  mod_caps: {}\n"
      << "  mod_carboncopy: {}\n"
      << "  mod_disco: {}\n"
      << "  mod_mam: {}\n"
      << "  mod_ping: {}\n"
      << "  mod_private: {}\n"
      << "  mod_roster: {}\n"
      << "  mod_stream_mgmt: {}\n"
      << "  mod_version: {}\n"
      << "  mod_pubsub:\n"
      << "    access_createnode: pubsub_createnode\n"
      << "    plugins: [\"flat\", \"pep\"]\n"
      << "    max_items_node: " << o.pubsub_max_items << "\n";
    write_file(config_path(), c.str());
}

std::vector<std::string> EjabberdServer::ejabberdctl_argv(
    const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {"/usr/sbin/ejabberdctl",
                                     "--config-dir",
                                     dir().string(),
                                     "--logs",
                                     (dir() / "logs").string(),
                                     "--spool",
                                     (dir() / "spool").string(),
                                     "--node",
                                     node_};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

RunResult EjabberdServer::ejabberdctl(const std::vector<std::string>& args) const {
    return run(command_as(server_user(), ejabberdctl_argv(args)));
}

ProcessSpec EjabberdServer::launch_spec() const {
    // `foreground` keeps ejabberdctl's shell as the parent of the VM, in one process group.
    return {.argv = ejabberdctl_argv({"foreground"}),
            .user = server_user(),
            .working_dir = dir() / "spool",
            .output = dir() / "console.log",
            .env = {}};
}

void EjabberdServer::register_accounts(const std::vector<XmppAccount>& accounts) {
    std::vector<std::vector<std::string>> commands;
    for (const auto& a : accounts) {
        auto at = a.jid.find('@');
        commands.push_back(command_as(
            server_user(),
            ejabberdctl_argv({"register", a.jid.substr(0, at), a.jid.substr(at + 1), a.password})));
    }
    run_all(commands, "registering accounts with ejabberdctl");
}

}  // namespace roost::test
