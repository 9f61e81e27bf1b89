// SPDX-License-Identifier: MIT
// XmppServer: what every real XMPP server a test runs on loopback has in common: a temp dir
// owned by the server's user, a free client port, accounts, start/stop/kill, cleanup.
#pragma once

#include "tests/support/ServerProcess.hpp"
#include "tests/support/TempDir.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace roost::test {

struct XmppAccount {
    std::string jid;  // bare JID, "alice@localhost"
    std::string password;
};

// TLS for a test server (tests/support/TestCertificates.hpp makes certificates). The server
// serves exactly this certificate, whatever its name or dates, and offers STARTTLS on
// client_port().
struct ServerTls {
    std::filesystem::path certificate;  // PEM; copied into the server's directory
    std::filesystem::path key;          // PEM, unencrypted; copied too
    // No stream features but STARTTLS before TLS (Prosody c2s_require_encryption, ejabberd
    // starttls_required).
    bool require_encryption = false;
    // One more client port that speaks TLS from the first byte (XEP-0368): direct_tls_port().
    bool direct_tls = false;
};

struct XmppServerOptions {
    // Registered at start, each with the password "secret-<user>".
    std::vector<std::string> users = {"alice", "bob"};
    // Server admins. On Prosody 0.12 only they may create nodes on the pubsub component.
    std::vector<std::string> admins = {};
    // Cap on items per node, pubsub and PEP (Prosody: pubsub_max_items and pep_max_items;
    // ejabberd: max_items_node). Node defaults stay the servers' own.
    int pubsub_max_items = 10000;
    std::string domain = "localhost";
    // Prosody only: the pubsub component keeps its nodes in memory, lost on restart
    // (its file storage rewrites a node's whole file on every publish: thousands of
    // publications take minutes).
    bool pubsub_in_memory = false;
    // Without it the server is plaintext only: no certificate, no STARTTLS offered.
    std::optional<ServerTls> tls = std::nullopt;
};

// The derived classes (ProsodyServer, EjabberdServer) write their config and call boot(); the
// server then runs, accepts connections on 127.0.0.1:client_port() and knows the accounts.
// The destructor always stops it and removes the directory (kept when ROOST_KEEP_SERVER_DIR=1).
class XmppServer {
public:
    virtual ~XmppServer();
    XmppServer(const XmppServer&) = delete;
    XmppServer& operator=(const XmppServer&) = delete;

    const std::string& name() const { return name_; }  // "prosody", "ejabberd"
    const std::string& domain() const { return options_.domain; }
    int client_port() const { return client_port_; }
    // The direct TLS port; throws unless the options asked for one (tls->direct_tls).
    int direct_tls_port() const;
    std::string pubsub_service() const { return "pubsub." + options_.domain; }

    // The account of a user given in the options or added since; throws for an unknown one.
    const XmppAccount& account(const std::string& user) const;
    std::vector<XmppAccount> accounts() const;
    // Registers one more account with the server's own tool (the server may be running).
    const XmppAccount& add_account(const std::string& user, std::string password = {});

    // start() brings a stopped server back on the same port with the same data; stop() ends
    // it cleanly (SIGTERM, SIGKILL after a timeout); kill() ends it at once (SIGKILL).
    void start();
    void stop();
    void kill();
    bool running();
    pid_t pid() const;  // the process we started while running, -1 otherwise
    // Every live process of the running server (for ejabberd: ejabberdctl's shell and the VM).
    std::vector<pid_t> processes() const;

    const std::filesystem::path& dir() const { return dir_; }  // config, data, logs
    virtual std::filesystem::path log_path() const = 0;
    // The end of the server's log and console output, for failure messages.
    std::string log_tail(std::size_t lines = 40) const;

protected:
    XmppServer(std::string name, std::string server_user, XmppServerOptions options);

    // For the derived constructor once its config is written: hands the directory to the
    // server's user, starts the server and registers the accounts of the options.
    void boot();

    virtual ProcessSpec launch_spec() const = 0;
    virtual void register_accounts(const std::vector<XmppAccount>& accounts) = 0;
    // How long start() waits for the client port to accept connections.
    virtual std::chrono::seconds start_timeout() const { return std::chrono::seconds(60); }

    const XmppServerOptions& options() const { return options_; }
    // With options().tls: the server's copies of its certificate and key, and both in one
    // file (cert then key), all in dir() / "tls".
    std::filesystem::path tls_certificate() const { return dir_ / "tls" / "cert.pem"; }
    std::filesystem::path tls_key() const { return dir_ / "tls" / "key.pem"; }
    std::filesystem::path tls_combined() const { return dir_ / "tls" / "combined.pem"; }
    const std::string& server_user() const { return server_user_; }
    // Runs the commands concurrently; throws with their output when one fails.
    void run_all(const std::vector<std::vector<std::string>>& commands,
                 const std::string& what) const;
    // A name unique to this instance across processes, e.g. "roost-1234-1".
    const std::string& instance_id() const { return instance_id_; }

private:
    // Moves the server's directory out of the TempDir before it is removed, when asked to.
    struct Keeper {
        const XmppServer& server;
        ~Keeper();
    };

    void wait_until_ready();

    std::string name_;
    std::string server_user_;
    XmppServerOptions options_;
    std::string instance_id_;
    TempDir temp_;
    std::filesystem::path dir_;
    int client_port_ = 0;
    int direct_tls_port_ = 0;  // 0: none
    std::map<std::string, XmppAccount> accounts_;
    Keeper keeper_{*this};
    std::optional<ServerProcess> process_;  // last: destroyed (stopped) first
};

// A line for a config file: `text` as a double-quoted Lua/YAML string.
std::string quoted(const std::string& text);

}  // namespace roost::test
