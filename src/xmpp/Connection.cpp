// SPDX-License-Identifier: MIT
// Connection: libstrophe's connection object, its callbacks, and reconnection.
#include "src/xmpp/Connection.hpp"

#include "roost/Jid.hpp"
#include "src/xmpp/IqErrors.hpp"
#include "src/xmpp/Stanza.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <strophe.h>
#include <sys/socket.h>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <unordered_map>

namespace roost::xmpp {
namespace {

// Why requests fail and the profile went down after disconnect(), whenever it comes.
constexpr const char* kDisconnectedOnRequest = "disconnected on request";

// libstrophe's socket callback carries no user data: map its connections to ours.
std::unordered_map<xmpp_conn_t*, Connection*>& registry() {
    static std::unordered_map<xmpp_conn_t*, Connection*> connections;
    return connections;
}

// "stream error conflict: Replaced by new connection", from the <stream:error/>.
std::string stream_error_text(const xmpp_stream_error_t* error) {
    if (!error) return {};
    std::string condition;
    xmpp_stanza_t* child = error->stanza ? xmpp_stanza_get_children(error->stanza) : nullptr;
    for (; child && condition.empty(); child = xmpp_stanza_get_next(child)) {
        const char* name = xmpp_stanza_get_name(child);
        if (name && std::strcmp(name, "text") != 0) condition = name;
    }
    std::string text = "stream error " + (condition.empty() ? "undefined-condition" : condition);
    if (error->text && *error->text) text += std::string(": ") + error->text;
    return text;
}

}  // namespace

struct ConnectionCallbacks {
    static int on_socket(xmpp_conn_t* conn, void* socket) {
        xmpp_sockopt_cb_keepalive(conn, socket);
        int fd = *static_cast<int*>(socket);
        // libstrophe writes a stanza, its <r/> and its <a/>s separately: with Nagle
        // a small write waits for the server's (delayed) ACK of the one before.
        int on = 1;
        if (::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) != 0)
            spdlog::warn("cannot set TCP_NODELAY: {}", std::strerror(errno));
        auto found = registry().find(conn);
        if (found != registry().end()) found->second->watch_socket(fd);
        return 0;
    }

    static void on_event(xmpp_conn_t*, xmpp_conn_event_t event, int error,
                         xmpp_stream_error_t* stream_error, void* self) {
        auto* connection = static_cast<Connection*>(self);
        if (event == XMPP_CONN_CONNECT)
            connection->handle_up();
        else if (event == XMPP_CONN_DISCONNECT || event == XMPP_CONN_FAIL)
            connection->handle_down(
                connection->describe_failure(error, stream_error_text(stream_error)));
    }

    static int on_certificate_failure(const xmpp_tlscert_t* certificate, const char* const error) {
        // libstrophe 0.12 leaves the certificate's connection unset, but its context is
        // the connection's, and each Connection has a context of its own.
        xmpp_ctx_t* ctx = xmpp_tlscert_get_ctx(certificate);
        for (const auto& [conn, connection] : registry())
            if (connection->ctx_ == ctx) return connection->judge_certificate(certificate, error);
        return 0;
    }

    static int on_stanza(xmpp_conn_t*, xmpp_stanza_t* stanza, void* self) {
        auto* connection = static_cast<Connection*>(self);
        std::shared_ptr<const pugi::xml_document> received;
        try {
            received = Stanza::borrow(stanza).to_document();
        } catch (const StanzaError& e) {
            spdlog::warn("{}: dropped an unreadable stanza: {}", connection->bare_jid_, e.what());
            return 1;
        }
        pugi::xml_node element = received->document_element();
        bool is_answer = std::strcmp(element.name(), "iq") == 0 &&
                         (std::strcmp(element.attribute("type").value(), "result") == 0 ||
                          std::strcmp(element.attribute("type").value(), "error") == 0);
        if (is_answer && connection->iqs_.resolve(received, connection->bare_jid_)) return 1;
        if (connection->stanza_handler_) connection->stanza_handler_(std::move(received));
        return 1;  // keep the handler
    }
};

const char* to_string(ConnectionState state) {
    switch (state) {
        case ConnectionState::Disconnected: return "disconnected";
        case ConnectionState::Connecting: return "connecting";
        case ConnectionState::Connected: return "connected";
    }
    return "unknown";
}

Connection::Connection(XmppContext& context, ConnectionSettings settings)
    : context_(context),
      settings_(std::move(settings)),
      bare_jid_(roost::bare_jid(settings_.jid)),
      log_(bare_jid_),
      ctx_(xmpp_ctx_new(nullptr, log_.get())),
      conn_(ctx_ ? xmpp_conn_new(ctx_) : nullptr),
      iqs_(context.reactor()),
      backoff_(settings_.reconnect_base, settings_.reconnect_cap) {
    if (!conn_) {
        if (ctx_) xmpp_ctx_free(ctx_);
        throw std::bad_alloc();
    }
    registry()[conn_] = this;
    context_.add_connection(this);
    xmpp_conn_set_jid(conn_, settings_.jid.c_str());
    xmpp_conn_set_pass(conn_, settings_.password.c_str());
    // Mandatory TLS: libstrophe ends the attempt, before any SASL, when the server offers no
    // STARTTLS. A certificate OpenSSL cannot verify goes to judge_certificate().
    long flags = XMPP_CONN_FLAG_DISABLE_TLS;
    if (!settings_.allow_plaintext)
        flags =
            XMPP_CONN_FLAG_MANDATORY_TLS | (settings_.direct_tls ? XMPP_CONN_FLAG_LEGACY_SSL : 0);
    xmpp_conn_set_flags(conn_, flags);
    if (settings_.trust.ca_file) xmpp_conn_set_cafile(conn_, settings_.trust.ca_file->c_str());
    if (settings_.trust.ca_dir) xmpp_conn_set_capath(conn_, settings_.trust.ca_dir->c_str());
    xmpp_conn_set_certfail_handler(conn_, ConnectionCallbacks::on_certificate_failure);
    xmpp_conn_set_sockopt_callback(conn_, ConnectionCallbacks::on_socket);
    xmpp_handler_add(conn_, ConnectionCallbacks::on_stanza, nullptr, nullptr, nullptr, this);
}

Connection::~Connection() {
    wanted_ = false;
    state_handler_ = nullptr;
    stanza_handler_ = nullptr;
    if (retry_timer_) context_.reactor().cancel_timer(*retry_timer_);
    if (state_ != ConnectionState::Disconnected) {
        context_.remove_active();
        state_ = ConnectionState::Disconnected;  // release's own disconnect event is then a no-op
    }
    unwatch_socket();
    iqs_.fail_all("connection closed");
    context_.remove_connection(this);
    registry().erase(conn_);
    xmpp_conn_release(conn_);
    xmpp_ctx_free(ctx_);
}

std::string Connection::bound_jid() const {
    const char* jid = xmpp_conn_get_bound_jid(conn_);
    return jid ? jid : "";
}

void Connection::connect() {
    if (wanted_) return;
    wanted_ = true;
    backoff_.reset();
    start_attempt();
}

void Connection::disconnect() {
    wanted_ = false;
    if (retry_timer_) {
        context_.reactor().cancel_timer(*retry_timer_);
        retry_timer_.reset();
    }
    if (state_ != ConnectionState::Disconnected)
        xmpp_disconnect(conn_);
    else
        iqs_.fail_all(kDisconnectedOnRequest);  // held since a drop: no resume comes now
}

void Connection::run_once() {
    const auto turn_ends = std::chrono::steady_clock::now() + kTurnBudget;
    for (int round = 0; round < kMaxRounds; ++round) {
        bool input = has_input();
        xmpp_run_once(ctx_, 0);
        if (!input || std::chrono::steady_clock::now() >= turn_ends) break;
    }
    follow_socket();
}

void Connection::start_attempt() {
    retry_timer_.reset();
    problems_at_start_ = log_.problem_count();
    resumes_at_start_ = log_.resume_count();
    fresh_state_at_start_ = !resumable_ && xmpp_conn_is_disconnected(conn_);
    if (fresh_state_at_start_) discard_sm_state();
    certificate_refusal_.clear();
    pinned_ = false;
    set_state(ConnectionState::Connecting, "");
    context_.add_active();
    const char* host = settings_.host ? settings_.host->c_str() : nullptr;
    unsigned short port = settings_.port.value_or(0);
    if (xmpp_connect_client(conn_, host, port, ConnectionCallbacks::on_event, this) != XMPP_EOK)
        handle_down("cannot start connecting to " + (settings_.host ? *settings_.host : bare_jid_));
}

void Connection::discard_sm_state() { xmpp_free_sm_state(xmpp_conn_get_sm_state(conn_)); }

void Connection::handle_up() {
    backoff_.reset();
    problems_at_start_ = log_.problem_count();
    last_error_.clear();
    security_ = current_security();
    resumed_ = log_.resume_count() > resumes_at_start_;
    sound_state_ = resumed_ ? sound_state_ : fresh_state_at_start_;
    // Requests held since the drop: a resumed session gets their answers (the server
    // sends again what we missed, libstrophe what it did not take); a new one never will.
    if (!resumed_) iqs_.fail_all(IqTracker::kSessionNotResumed);
    set_state(ConnectionState::Connected, "");
}

void Connection::handle_down(std::string reason) {
    if (state_ == ConnectionState::Disconnected) return;
    unwatch_socket();
    context_.remove_active();
    if (!wanted_) reason = kDisconnectedOnRequest;
    last_error_ = wanted_ ? reason : "";
    security_ = {};
    resumed_ = false;
    // libstrophe 0.12 forgets the session's id after an attempt that fails: only the
    // first attempt after a drop can resume.
    resumable_ = wanted_ && state_ == ConnectionState::Connected && sound_state_;
    // A session that may resume holds its requests: failed now, one could still be
    // carried out once resumed, its caller told otherwise (a post published twice).
    if (!resumable_) iqs_.fail_all(reason);
    set_state(ConnectionState::Disconnected, reason);
    if (!wanted_) return;
    auto delay = backoff_.next();
    spdlog::info("{}: connection down ({}); retrying in {} ms", bare_jid_, reason, delay.count());
    retry_timer_ = context_.reactor().add_timer(delay, [this] { start_attempt(); });
}

int Connection::judge_certificate(const xmpp_tlscert_t* certificate, const char* openssl_error) {
    const char* pem = xmpp_tlscert_get_pem(certificate);
    CertificateFingerprints fingerprints;
    try {
        fingerprints = fingerprints_of(pem ? pem : "");
    } catch (const std::exception& e) {
        certificate_refusal_ = std::string("certificate refused: ") + e.what();
        return 0;
    }
    if (settings_.trust.pinned(fingerprints)) {
        pinned_ = true;
        return 1;
    }
    auto element = [&](xmpp_cert_element_t which) {
        const char* value = xmpp_tlscert_get_string(certificate, which);
        return std::string(value ? value : "?");
    };
    std::string domain = bare_jid_.substr(bare_jid_.find('@') + 1);
    CertificatePin pin{CertificatePin::Kind::Certificate, fingerprints.certificate_sha256};
    certificate_refusal_ =
        "certificate refused: " +
        certificate_problem(openssl_error ? openssl_error : "", domain,
                            element(XMPP_CERT_NOTBEFORE), element(XMPP_CERT_NOTAFTER)) +
        " (subject " + element(XMPP_CERT_SUBJECT) + "); SHA-256 fingerprint " +
        fingerprints.certificate_sha256 + "; to trust this certificate, add to " +
        settings_.config_table + ": tls_pins = [\"" + pin.to_string() + "\"]";
    return 0;
}

StreamSecurity Connection::current_security() const {
    StreamSecurity security;
    security.sasl_mechanism = log_.sasl_mechanism();
    if (!xmpp_conn_is_secured(conn_)) return security;
    security.tls = true;
    security.direct_tls = settings_.direct_tls;
    std::unique_ptr<xmpp_tlscert_t, decltype(&xmpp_tlscert_free)> peer(
        xmpp_conn_get_peer_cert(conn_), xmpp_tlscert_free);
    const char* pem = peer ? xmpp_tlscert_get_pem(peer.get()) : nullptr;
    try {
        if (pem) security.certificate_sha256 = fingerprints_of(pem).certificate_sha256;
        if (pinned_)
            security.trusted_by = "pin";
        else if (pem && settings_.trust.issued_by_configured_ca(pem))
            security.trusted_by = settings_.trust.ca_file ? "CA file" : "CA directory";
        else
            security.trusted_by = "system store";
    } catch (const std::exception& e) {
        spdlog::warn("{}: cannot read the server's certificate: {}", bare_jid_, e.what());
    }
    return security;
}

std::string Connection::describe_failure(int error, const std::string& stream_error) const {
    if (!stream_error.empty()) return stream_error;
    if (!certificate_refusal_.empty()) return certificate_refusal_;
    bool news = log_.problem_count() != problems_at_start_;
    // Before the stream is up, libstrophe's log knows best (a TLS failure comes with
    // OpenSSL's error code in `error`, which is no errno).
    if (state_ == ConnectionState::Connecting && news) {
        const std::string& problem = log_.last_problem();
        if (problem.find("authenticate") != std::string::npos)
            return "authentication failed: wrong password, or no SASL mechanism in common";
        return problem;
    }
    if (error)
        return (state_ == ConnectionState::Connected ? "connection lost: " : "cannot connect: ") +
               std::string(std::strerror(error));
    return news ? log_.last_problem() : "the server closed the connection";
}

void Connection::set_state(ConnectionState state, const std::string& reason) {
    state_ = state;
    if (state_handler_) state_handler_(state, reason);
}

void Connection::watch_socket(int fd) {
    unwatch_socket();
    socket_fd_ = fd;
    // Readiness only wakes the loop; the iteration hook lets libstrophe do the work.
    // Writable (or failed) once means the TCP connect is over.
    tcp_connecting_ = true;
    socket_events_ = POLLIN | POLLOUT;
    socket_watch_ = context_.reactor().watch(fd, socket_events_, [this](short revents) {
        if (revents & POLLNVAL) unwatch_socket();  // libstrophe closed it already
        if (revents & (POLLOUT | POLLERR | POLLHUP)) tcp_connecting_ = false;
    });
}

void Connection::follow_socket() {
    if (!socket_watch_) return;
    short wanted = POLLIN;
    if (tcp_connecting_ || xmpp_conn_send_queue_len(conn_) > 0) wanted |= POLLOUT;
    if (wanted == socket_events_) return;
    socket_events_ = wanted;
    context_.reactor().modify(*socket_watch_, wanted);
}

bool Connection::has_input() const {
    if (!socket_watch_) return false;
    pollfd ready{socket_fd_, POLLIN, 0};
    return ::poll(&ready, 1, 0) > 0 && (ready.revents & POLLIN);
}

void Connection::unwatch_socket() {
    if (!socket_watch_) return;
    context_.reactor().unwatch(*socket_watch_);
    socket_watch_.reset();
}

void Connection::send(std::string_view xml) {
    if (state_ != ConnectionState::Connected)
        throw std::runtime_error(bare_jid_ + ": not connected");
    // Parsed to refuse what is not one well-formed element (and to drop comments and
    // processing instructions, which XMPP forbids); sent as our own text, since
    // libstrophe's serialiser leaves newlines raw in attribute values.
    std::string text = Stanza::parse(ctx_, xml).to_xml();
    xmpp_send_raw(conn_, text.data(), text.size());
    context_.reactor().wake();  // the next iteration flushes it
}

void Connection::send_iq(std::string_view type, std::string_view to, std::string_view payload,
                         std::string request, IqCallback callback,
                         std::chrono::milliseconds timeout) {
    if (state_ != ConnectionState::Connected) {
        callback({nullptr, local_error(XmppError::Kind::Disconnected, std::move(request),
                                       last_error_.empty() ? "not connected" : last_error_)});
        return;
    }
    std::string id = iqs_.next_id();
    std::string xml = "<iq type='" + xml_escape(type) + "' id='" + id + "'";
    if (!to.empty()) xml += " to='" + xml_escape(to) + "'";
    xml += ">";
    xml += payload;
    xml += "</iq>";
    send(xml);
    iqs_.track(id, std::string(to), std::move(request), timeout, std::move(callback));
}

}  // namespace roost::xmpp
