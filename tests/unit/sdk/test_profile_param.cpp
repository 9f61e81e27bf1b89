// SPDX-License-Identifier: MIT
// ipc_params::profile_param: the one rule for which profile a request acts on.
#include "roost/ProfileParam.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using nlohmann::json;
using roost::RpcError;
using roost::ipc_params::profile_param;
namespace rpc_error = roost::rpc_error;

namespace {

// Configured profiles and nothing else: the rule reads no more.
class ProfilesOnly final : public roost::Xmpp {
public:
    explicit ProfilesOnly(std::vector<std::string> names) : names_(std::move(names)) {}
    roost::XmppClient* client(const std::string&) override { return nullptr; }
    std::vector<roost::XmppClient*> clients() override { return {}; }
    std::vector<std::string> profiles() override { return names_; }
    roost::XmppHandlerId on_message(MessageHandler) override { return 0; }
    roost::XmppHandlerId on_presence(PresenceHandler) override { return 0; }
    roost::XmppHandlerId on_iq_request(const std::string&, IqRequestHandler) override { return 0; }
    roost::XmppHandlerId on_connection(ConnectionHandler) override { return 0; }
    void remove_handler(roost::XmppHandlerId) override {}
    void add_feature(const std::string&) override {}

private:
    std::vector<std::string> names_;
};

RpcError error_of(roost::Xmpp& xmpp, const json& params) {
    try {
        profile_param(xmpp, params);
    } catch (const RpcError& e) {
        return e;
    }
    FAIL("no error for " << params.dump());
    return {};
}

}  // namespace

TEST_CASE("profile param: a named profile must be configured, connected or not") {
    ProfilesOnly xmpp({"alice", "bob"});
    CHECK(profile_param(xmpp, {{"profile", "bob"}}) == "bob");
    auto unknown = error_of(xmpp, {{"profile", "nosuch"}});
    CHECK(unknown.code == rpc_error::kNotFound);
    CHECK(unknown.message == "no profile named 'nosuch' (see roost profile list)");
}

TEST_CASE("profile param: without one, the only configured profile") {
    ProfilesOnly xmpp({"alice"});
    CHECK(profile_param(xmpp, json::object()) == "alice");
    CHECK(profile_param(xmpp, {{"profile", nullptr}}) == "alice");
    CHECK(profile_param(xmpp, {{"profile", ""}}) == "alice");
}

TEST_CASE("profile param: without one and several configured, the error lists them") {
    ProfilesOnly xmpp({"alice", "bob"});
    auto ambiguous = error_of(xmpp, json::object());
    CHECK(ambiguous.code == rpc_error::kInvalidParams);
    CHECK(ambiguous.message ==
          "several profiles are configured (alice, bob): choose one with --profile");
}

TEST_CASE("profile param: without any profile configured, the error says to add one") {
    ProfilesOnly xmpp({});
    auto none = error_of(xmpp, json::object());
    CHECK(none.code == rpc_error::kNotFound);
    CHECK(none.message == "no profile is configured (add one to roost.toml)");
    CHECK(error_of(xmpp, {{"profile", "default"}}).code == rpc_error::kNotFound);
}
