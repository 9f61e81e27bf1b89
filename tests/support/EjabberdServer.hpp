// SPDX-License-Identifier: MIT
// EjabberdServer: a real ejabberd 23.01 on 127.0.0.1 for one test, with plaintext c2s (or TLS:
// options.tls), PEP and mod_pubsub (RSM), run as the `ejabberd` user in the foreground from
// a temp dir.
#pragma once

#include "tests/support/Run.hpp"
#include "tests/support/XmppServer.hpp"

namespace roost::test {

// EjabberdServer server({.users = {"alice", "bob"}});
// Facts tests rely on: RSM on pubsub items; nodes keep creation order; any local user may
// create nodes; max_items_node = options.pubsub_max_items. Start-up takes a few seconds.
// Needs root (or the ejabberd user): ejabberdctl refuses anyone else.
class EjabberdServer : public XmppServer {
public:
    explicit EjabberdServer(XmppServerOptions options = {});
    ~EjabberdServer() override = default;

    // The Erlang node, unique per instance ("roost-1234-1@localhost"); it needs no epmd.
    const std::string& node() const { return node_; }
    std::filesystem::path config_path() const { return dir() / "ejabberd.yml"; }
    std::filesystem::path log_path() const override { return dir() / "logs" / "ejabberd.log"; }

    // Runs `ejabberdctl <our options> args...` against this node as the ejabberd user.
    RunResult ejabberdctl(const std::vector<std::string>& args) const;

protected:
    ProcessSpec launch_spec() const override;
    void register_accounts(const std::vector<XmppAccount>& accounts) override;
    std::chrono::seconds start_timeout() const override { return std::chrono::seconds(120); }

private:
    void write_config() const;
    std::vector<std::string> ejabberdctl_argv(const std::vector<std::string>& args) const;

    std::string node_;
    int distribution_port_;
    std::string cookie_;
};

}  // namespace roost::test
