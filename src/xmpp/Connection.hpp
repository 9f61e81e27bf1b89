// SPDX-License-Identifier: MIT
// Connection: one XMPP account's client stream over libstrophe: connect with SASL
// over TLS (unless plaintext is allowed), reconnect with backoff, IQ requests, stanzas.
#pragma once

#include "src/xmpp/Backoff.hpp"
#include "src/xmpp/IqTracker.hpp"
#include "src/xmpp/StropheLog.hpp"
#include "src/xmpp/TlsTrust.hpp"
#include "src/xmpp/XmppContext.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

struct _xmpp_conn_t;
struct _xmpp_ctx_t;
struct _xmpp_tlscert_t;

namespace roost::xmpp {

struct ConnectionSettings {
    std::string jid;
    std::string password;
    std::optional<std::string> host;  // default: DNS SRV of the JID's domain
    std::optional<std::uint16_t> port;
    // Plaintext only for a server on loopback; otherwise TLS is mandatory.
    bool allow_plaintext = false;
    // TLS from the first byte (XEP-0368's direct TLS, port 5223 style) instead of STARTTLS.
    bool direct_tls = false;
    TlsTrustSettings trust;  // besides the system's CA store
    // Where the user would add a pin, for refusal messages: "[profiles.home]".
    std::string config_table = "the profile";
    std::chrono::milliseconds reconnect_base{std::chrono::seconds(1)};
    std::chrono::milliseconds reconnect_cap{std::chrono::seconds(60)};
};

enum class ConnectionState { Disconnected, Connecting, Connected };
const char* to_string(ConnectionState state);

// How the stream of a connected account is protected. libstrophe 0.12 does not tell the
// TLS protocol version it negotiated (OpenSSL's minimum is TLS 1.2 on Debian).
struct StreamSecurity {
    bool tls = false;
    bool direct_tls = false;
    std::string trusted_by;  // "system store", "CA file", "pin"; empty without TLS
    std::string certificate_sha256;
    std::string sasl_mechanism;  // "SCRAM-SHA-1", "PLAIN", ...
};

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
    // Of the current connection; empty while not connected.
    const StreamSecurity& security() const { return security_; }
    const std::string& bare_jid() const { return bare_jid_; }
    std::string bound_jid() const;  // full JID once connected
    // Whether the current stream resumed the session that dropped (XEP-0198): the server
    // kept it through the outage and delivers what it held, so nothing received was lost.
    // False for a new session (and after disconnect(), whose session ends).
    bool resumed() const { return resumed_; }

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

    // For XmppContext, once per loop iteration: lets libstrophe read, write and run its
    // timers without waiting.
    void run_once();

private:
    friend struct ConnectionCallbacks;  // libstrophe's C callbacks, in Connection.cpp

    // Rounds of libstrophe per loop iteration (4 KB read each), so that a large
    // answer is read in few turns yet IPC and timers still get theirs: at most
    // kMaxRounds, and none begun after kTurnBudget (a flood of events is stored as it
    // is read: 64 rounds of them kept a `status` call waiting 230 ms at p99).
    static constexpr int kMaxRounds = 64;
    static constexpr std::chrono::milliseconds kTurnBudget{10};

    void start_attempt();
    // Frees libstrophe's stream management state (a new one is made at connect).
    void discard_sm_state();
    void handle_up();
    void handle_down(std::string reason);
    // libstrophe's certificate-failure handler: 1 to go on (a pinned certificate).
    int judge_certificate(const _xmpp_tlscert_t* certificate, const char* openssl_error);
    StreamSecurity current_security() const;
    // Wake for writing only while a TCP connect is under way or stanzas wait in
    // libstrophe's send queue.
    void follow_socket();
    bool has_input() const;  // bytes wait on the socket (libstrophe reads 4 KB a call)
    std::string describe_failure(int error, const std::string& stream_error) const;
    void set_state(ConnectionState state, const std::string& reason);
    void watch_socket(int fd);
    void unwatch_socket();

    XmppContext& context_;
    ConnectionSettings settings_;
    std::string bare_jid_;
    StropheLog log_;
    _xmpp_ctx_t* ctx_;  // a context per connection: its log is about it alone
    _xmpp_conn_t* conn_;
    IqTracker iqs_;
    Backoff backoff_;
    ConnectionState state_ = ConnectionState::Disconnected;
    std::string last_error_;
    StreamSecurity security_;
    std::string certificate_refusal_;  // of this attempt
    bool pinned_ = false;              // this attempt's certificate was trusted by a pin
    bool wanted_ = false;              // connect() called, disconnect() not
    std::optional<reactor::WatchId> socket_watch_;
    int socket_fd_ = -1;  // libstrophe's; valid while socket_watch_ is set
    short socket_events_ = 0;
    bool tcp_connecting_ = false;
    std::uint64_t problems_at_start_ = 0;  // log_.problem_count() when the attempt began
    std::uint64_t resumes_at_start_ = 0;   // log_.resume_count() when the attempt began
    bool resumed_ = false;
    // Stream management state (XEP-0198) that libstrophe 0.12 keeps in the connection.
    // It numbers the stanzas it keeps for a resumption on from the last session's count
    // and keeps that session's unacknowledged ones (both fixed in 0.13): a new session
    // bound on a used state would, once resumed, send all of them again (old requests,
    // publishes). So a session may resume only if it began on a fresh state (or resumed
    // such a one), and every other attempt starts from a fresh state.
    bool fresh_state_at_start_ = false;  // this attempt discarded the last session's state
    bool sound_state_ = false;           // the current session's state counts as the server's
    bool resumable_ = false;             // the session that dropped may be resumed

    std::optional<reactor::TimerId> retry_timer_;
    StateHandler state_handler_;
    StanzaHandler stanza_handler_;
};

}  // namespace roost::xmpp
