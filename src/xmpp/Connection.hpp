// SPDX-License-Identifier: MIT
// Connection: one XMPP account's client stream over libstrophe: connect with SASL
// (TLS unless plaintext is allowed), reconnect with backoff, IQ requests, stanzas.
#pragma once

#include "src/xmpp/Backoff.hpp"
#include "src/xmpp/IqTracker.hpp"
#include "src/xmpp/XmppContext.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

struct _xmpp_conn_t;

namespace roost::xmpp {

struct ConnectionSettings {
    std::string jid;
    std::string password;
    std::optional<std::string> host;  // default: DNS SRV of the JID's domain
    std::optional<std::uint16_t> port;
    // Plaintext only for a server on loopback; otherwise TLS is mandatory.
    bool allow_plaintext = false;
    std::chrono::milliseconds reconnect_base{std::chrono::seconds(1)};
    std::chrono::milliseconds reconnect_cap{std::chrono::seconds(60)};
};

enum class ConnectionState { Disconnected, Connecting, Connected };
const char* to_string(ConnectionState state);

// Reactor thread only.
class Connection {
public:
    using StateHandler = std::function<void(ConnectionState, const std::string& reason)>;
    using StanzaHandler = std::function<void(std::shared_ptr<const pugi::xml_document>)>;

    Connection(XmppContext& context, ConnectionSettings settings);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Connects, and keeps reconnecting with backoff after any loss until disconnect().
    void connect();
    void disconnect();

    ConnectionState state() const { return state_; }
    const std::string& last_error() const { return last_error_; }
    const std::string& bare_jid() const { return bare_jid_; }
    std::string bound_jid() const;  // full JID once connected

    // Called on every state change (reason: why it went down, or empty).
    void on_state(StateHandler handler) { state_handler_ = std::move(handler); }
    // Messages, presences, and IQs that are not answers to ours.
    void on_stanza(StanzaHandler handler) { stanza_handler_ = std::move(handler); }

    // Sends one stanza given as XML; throws StanzaError if it is not well-formed
    // and std::runtime_error when not connected.
    void send(std::string_view xml);

    // Sends <iq type=.. to=.. id=..>payload</iq> and calls `callback` once with the
    // result or a typed error (server error, timeout, connection lost). `request`
    // describes it for error messages.
    void send_iq(std::string_view type, std::string_view to, std::string_view payload,
                 std::string request, IqCallback callback,
                 std::chrono::milliseconds timeout = kDefaultIqTimeout);

    std::size_t pending_iqs() const { return iqs_.pending(); }

    // For XmppContext after each libstrophe run: wake for writing only while a TCP
    // connect is under way or stanzas wait in libstrophe's send queue.
    void follow_socket();
    // For XmppContext: bytes wait on the socket (libstrophe reads 4 KB a call).
    bool has_input() const;

private:
    friend struct ConnectionCallbacks;  // libstrophe's C callbacks, in Connection.cpp

    void start_attempt();
    void handle_up();
    void handle_down(std::string reason);
    std::string describe_failure(int error, const std::string& stream_error) const;
    void set_state(ConnectionState state, const std::string& reason);
    void watch_socket(int fd);
    void unwatch_socket();

    XmppContext& context_;
    ConnectionSettings settings_;
    std::string bare_jid_;
    _xmpp_conn_t* conn_;
    IqTracker iqs_;
    Backoff backoff_;
    ConnectionState state_ = ConnectionState::Disconnected;
    std::string last_error_;
    bool wanted_ = false;  // connect() called, disconnect() not
    std::optional<reactor::WatchId> socket_watch_;
    int socket_fd_ = -1;  // libstrophe's; valid while socket_watch_ is set
    short socket_events_ = 0;
    bool tcp_connecting_ = false;
    std::uint64_t problems_at_start_ = 0;  // context_.problem_count() when the attempt began
    std::optional<reactor::TimerId> retry_timer_;
    StateHandler state_handler_;
    StanzaHandler stanza_handler_;
};

}  // namespace roost::xmpp
