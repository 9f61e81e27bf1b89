// SPDX-License-Identifier: MIT
// ProsodyServer: the config it writes and the prosody/prosodyctl command lines.
#include "tests/support/ProsodyServer.hpp"

#include <cstdlib>
#include <sstream>

namespace roost::test {

namespace {

std::string log_level() {
    const char* level = std::getenv("ROOST_SERVER_LOG_LEVEL");
    return level && *level ? level : "info";
}

}  // namespace

ProsodyServer::ProsodyServer(XmppServerOptions options)
    : XmppServer("prosody", "prosody", std::move(options)) {
    write_config();
    boot();
}

void ProsodyServer::write_config() const {
    const auto& o = options();
    std::filesystem::create_directories(dir() / "data");
    std::filesystem::create_directories(dir() / "certs");  // empty: no TLS, no warning
    std::ostringstream admins;
    for (const auto& admin : o.admins) admins << quoted(admin + "@" + o.domain) << ", ";
    // TLS only when asked for: mod_tls (STARTTLS) loaded, the global `ssl` naming our files.
    // certmanager applies the global `ssl` last, over what it finds itself (certs/ is empty
    // anyway), so STARTTLS, the direct TLS port and its SNI contexts all serve this one
    // certificate.
    const auto& tls = o.tls;
    std::ostringstream c;
    c << "-- Written by roost::test::ProsodyServer for one test run.\n"
      << "pidfile = " << quoted((dir() / "prosody.pid").string()) << "\n"
      << "data_path = " << quoted((dir() / "data").string()) << "\n"
      << "certificates = " << quoted((dir() / "certs").string()) << "\n"
      << "log = { { levels = { min = " << quoted(log_level())
      << " }, to = \"file\", filename = " << quoted(log_path().string())
      << " } }\n"
      // Loopback only; s2s off so nothing listens on 5269.
      << "interfaces = { \"127.0.0.1\" }\n"
      << "c2s_ports = { " << client_port() << " }\n"
      << "c2s_direct_tls_ports = { "
      << (tls && tls->direct_tls ? std::to_string(direct_tls_port()) + " " : "") << "}\n"
      << "legacy_ssl_ports = { }\n"
      << "modules_disabled = { \"s2s\", \"s2s_bidi\", \"s2s_auth_certs\" }\n"
      << "modules_enabled = { \"roster\", \"saslauth\", \"disco\", \"pep\", \"ping\", "
         "\"carbons\",\n"
      << "    \"smacks\", \"mam\", \"private\", \"time\", \"version\", \"posix\""
      << (tls ? ", \"tls\"" : "") << " }\n"
      << "admins = { " << admins.str() << "}\n"
      << "c2s_require_encryption = " << (tls && tls->require_encryption ? "true" : "false") << "\n"
      << "allow_unencrypted_plain_auth = true\n"
      << "allow_registration = false\n"
      << "authentication = \"internal_plain\"\n"
      << "storage = \"internal\"\n"
      << "c2s_stanza_size_limit = 16 * 1024 * 1024\n"  // large publishes in bulk tests
      << "pep_max_items = " << o.pubsub_max_items << "\n";
    if (tls)
        c << "ssl = { certificate = " << quoted(tls_certificate().string())
          << ", key = " << quoted(tls_key().string()) << " }\n";
    c << "VirtualHost " << quoted(o.domain) << "\n"
      << "Component " << quoted(pubsub_service()) << " \"pubsub\"\n"
      << "    pubsub_max_items = " << o.pubsub_max_items << "\n";
    if (o.pubsub_in_memory)  // memory storage keeps 1000 items unless told otherwise
        c << "    storage = \"memory\"\n    storage_archive_item_limit = " << o.pubsub_max_items
          << "\n";
    write_file(config_path(), c.str());
}

ProcessSpec ProsodyServer::launch_spec() const {
    return {.argv = {"/usr/bin/prosody", "--config", config_path().string(), "-F"},
            .user = server_user(),
            .working_dir = dir(),
            .output = dir() / "console.log",
            .env = {}};
}

std::vector<std::string> ProsodyServer::prosodyctl_command(
    const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {"/usr/bin/prosodyctl", "--config", config_path().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return command_as(server_user(), argv);
}

RunResult ProsodyServer::prosodyctl(const std::vector<std::string>& args) const {
    return run(prosodyctl_command(args));
}

void ProsodyServer::register_accounts(const std::vector<XmppAccount>& accounts) {
    std::vector<std::vector<std::string>> commands;
    for (const auto& a : accounts) {
        auto at = a.jid.find('@');
        commands.push_back(prosodyctl_command(
            {"register", a.jid.substr(0, at), a.jid.substr(at + 1), a.password}));
    }
    run_all(commands, "registering accounts with prosodyctl");
}

}  // namespace roost::test
