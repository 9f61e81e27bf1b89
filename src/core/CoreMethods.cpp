// SPDX-License-Identifier: MIT
// CoreMethods: what `roost status`, `roost plugins`, `roost profile ...` and
// `roost stop` ask the daemon.
#include "src/core/CoreMethods.hpp"

#include "src/core/Backend.hpp"

#include <unistd.h>

namespace roost::core {
namespace {

using nlohmann::json;

json security_json(const std::optional<xmpp::StreamSecurity>& security) {
    if (!security) return nullptr;
    return {{"tls", security->tls},
            {"direct_tls", security->direct_tls},
            {"trusted_by", security->trusted_by},
            {"certificate_sha256", security->certificate_sha256},
            {"sasl_mechanism", security->sasl_mechanism}};
}

json profiles_json(Clients& clients) {
    json profiles = json::array();
    for (const auto& s : clients.status())
        profiles.push_back({{"profile", s.profile},
                            {"jid", s.jid},
                            {"state", s.state},
                            {"last_error", s.last_error},
                            {"security", security_json(s.security)}});
    return profiles;
}

json plugins_json(const PluginHost& host) {
    json plugins = json::array();
    for (const auto& p : host.plugins())
        plugins.push_back({{"name", p.name},
                           {"version", p.version},
                           {"path", p.path.string()},
                           {"state", std::string(to_string(p.state))},
                           {"reason", p.reason}});
    return plugins;
}

std::string profile_param(const json& params) {
    if (!params.is_object() || !params.contains("profile") || !params["profile"].is_string())
        throw RpcError{rpc_error::kInvalidParams, "params must be {\"profile\": NAME}"};
    return params["profile"].get<std::string>();
}

// Runs `action` on the profile, turning an unknown profile into kNotFound.
template <class Action>
void on_profile(Backend& backend, const json& params, const std::shared_ptr<RpcReply>& reply,
                Action action) {
    std::string profile = profile_param(params);
    try {
        action(profile);
    } catch (const std::invalid_argument& e) {
        throw RpcError{rpc_error::kNotFound, e.what()};
    } catch (const std::exception& e) {
        throw RpcError{rpc_error::kUnavailable, "profile " + profile + ": " + e.what()};
    }
    for (const auto& status : backend.clients().status())
        if (status.profile == profile)
            reply->result({{"profile", profile}, {"state", status.state}});
}

}  // namespace

void register_core_methods(Backend& backend) {
    auto& ipc = backend.ipc();
    ipc.add_method("status", [&backend](const json&, std::shared_ptr<RpcReply> reply) {
        auto uptime = std::chrono::duration_cast<std::chrono::seconds>(backend.uptime());
        json plugins = plugins_json(backend.plugins());
        int failed = 0;
        for (const auto& p : plugins) failed += p["state"] == "failed";
        reply->result({
            {"version", ROOST_VERSION},
            {"pid", ::getpid()},
            {"uptime_seconds", uptime.count()},
            {"database",
             {{"path", backend.database().path().string()},
              {"schema_version", backend.schema_version()}}},
            {"socket", backend.ipc().socket_path().string()},
            {"profiles", profiles_json(backend.clients())},
            {"plugins", {{"total", plugins.size()}, {"failed", failed}}},
        });
    });
    ipc.add_method("plugins", [&backend](const json&, std::shared_ptr<RpcReply> reply) {
        reply->result(plugins_json(backend.plugins()));
    });
    ipc.add_method("profile.list", [&backend](const json&, std::shared_ptr<RpcReply> reply) {
        reply->result(profiles_json(backend.clients()));
    });
    ipc.add_method("profile.connect",
                   [&backend](const json& params, std::shared_ptr<RpcReply> reply) {
                       on_profile(backend, params, reply,
                                  [&](const std::string& p) { backend.clients().connect(p); });
                   });
    ipc.add_method("profile.disconnect",
                   [&backend](const json& params, std::shared_ptr<RpcReply> reply) {
                       on_profile(backend, params, reply,
                                  [&](const std::string& p) { backend.clients().disconnect(p); });
                   });
    ipc.add_method("daemon.stop", [&backend](const json&, std::shared_ptr<RpcReply> reply) {
        reply->result({{"stopping", true}});
        // After this iteration, so that the answer is written first.
        backend.reactor().post([&backend] { backend.reactor().stop(); });
    });
}

}  // namespace roost::core
