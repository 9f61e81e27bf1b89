// SPDX-License-Identifier: MIT
// ProsodyServer: a real Prosody 0.12 on 127.0.0.1 for one test, with plaintext c2s (or TLS:
// options.tls), PEP and a pubsub component, run as the `prosody` user in the foreground from
// a temp dir.
#pragma once

#include "tests/support/Run.hpp"
#include "tests/support/XmppServer.hpp"

namespace roost::test {

// ProsodyServer server({.users = {"alice", "bob"}, .admins = {"alice"}});
// Facts tests rely on: no RSM on pubsub items; nodes keep 20 items by default (PEP: 1), up to
// options.pubsub_max_items; only admins may create nodes on pubsub_service().
class ProsodyServer : public XmppServer {
public:
    explicit ProsodyServer(XmppServerOptions options = {});
    ~ProsodyServer() override = default;

    std::filesystem::path config_path() const { return dir() / "prosody.cfg.lua"; }
    std::filesystem::path log_path() const override { return dir() / "prosody.log"; }

    // Runs `prosodyctl --config <ours> args...` as the prosody user.
    RunResult prosodyctl(const std::vector<std::string>& args) const;

protected:
    ProcessSpec launch_spec() const override;
    void register_accounts(const std::vector<XmppAccount>& accounts) override;

private:
    void write_config() const;
    std::vector<std::string> prosodyctl_command(const std::vector<std::string>& args) const;
};

}  // namespace roost::test
