// SPDX-License-Identifier: MIT
// XMPP as plugins see it: each profile's client (IQ requests, stanzas), incoming
// messages, and the features the daemon announces (XEP-0115 +notify).
#pragma once

#include <pugixml.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roost {

// Why a request got no result: the server's stanza error (RFC 6120 condition, type,
// text), no answer in time, a lost connection, or an answer we could not read.
struct XmppError {
    enum class Kind { Remote, Timeout, Disconnected, Malformed };
    Kind kind = Kind::Remote;
    std::string condition;  // e.g. "item-not-found", for Kind::Remote
    std::string type;       // "cancel", "modify", "auth", "wait", "continue"
    std::string text;       // the server's <text/>, or our explanation
    std::string request;    // what was asked: "get items of n at pubsub.example"

    // One line for users: "get items of n at pubsub.example: item-not-found (cancel)".
    std::string message() const {
        std::string out = request.empty() ? std::string("request") : request;
        switch (kind) {
            case Kind::Timeout: return out + ": no answer in time";
            case Kind::Disconnected: return out + ": connection lost (" + text + ")";
            case Kind::Malformed: return out + ": unreadable answer (" + text + ")";
            case Kind::Remote: break;
        }
        out += ": " + condition;
        if (!type.empty()) out += " (" + type + ")";
        if (!text.empty()) out += ": " + text;
        return out;
    }
};

// An answer to an IQ request: the <iq type="result"/> document, or the error.
struct IqAnswer {
    std::shared_ptr<const pugi::xml_document> document;
    std::optional<XmppError> error;

    bool ok() const { return !error; }
    pugi::xml_node iq() const { return document ? document->document_element() : pugi::xml_node(); }
};

using IqCallback = std::function<void(IqAnswer)>;
inline constexpr std::chrono::milliseconds kDefaultIqTimeout{std::chrono::seconds(60)};

// One profile's account. Reactor thread only.
class XmppClient {
public:
    virtual ~XmppClient() = default;
    virtual const std::string& profile() const = 0;
    virtual const std::string& bare_jid() const = 0;
    virtual bool connected() const = 0;
    // Whether this connection resumed the session that dropped (XEP-0198 stream
    // management): the server kept it through the outage and delivered what it held,
    // so no message, event or roster push was missed and nothing needs fetching again.
    // False for a new session: after an outage longer than the server keeps a session,
    // a server restart, or a daemon start.
    virtual bool resumed() const = 0;

    // Sends <iq type=.. to=.. id=..>payload</iq> (to "" = our own account/server)
    // and calls `callback` exactly once: result, server error, timeout or lost
    // connection. `request` describes it for error messages. A connection lost with a
    // session that may resume keeps the request waiting: resumed, it gets its answer;
    // otherwise it fails once the next attempt shows no resume.
    virtual void send_iq(std::string_view type, std::string_view to, std::string_view payload,
                         std::string request, IqCallback callback,
                         std::chrono::milliseconds timeout = kDefaultIqTimeout) = 0;
    // Sends a whole stanza; throws std::runtime_error when not connected.
    virtual void send(std::string_view xml) = 0;
    // Answers an incoming <iq type='get'|'set'/> with a result carrying `payload` (none
    // when empty), or with an error of RFC 6120 §8.3 `type` and `condition`.
    virtual void answer_iq(pugi::xml_node request, std::string_view payload = {}) = 0;
    virtual void refuse_iq(pugi::xml_node request, std::string_view type,
                           std::string_view condition) = 0;
};

using XmppHandlerId = std::uint64_t;

// Reactor thread only.
class Xmpp {
public:
    virtual ~Xmpp() = default;
    // A profile's client: nullptr until it first connects (see profiles()).
    virtual XmppClient* client(const std::string& profile) = 0;
    virtual std::vector<XmppClient*> clients() = 0;
    // Every profile of the config, connected or not, in the config's order: what a
    // request may name (roost/ProfileParam.hpp).
    virtual std::vector<std::string> profiles() = 0;

    // Every incoming <message/> of every profile.
    using MessageHandler = std::function<void(XmppClient&, pugi::xml_node message)>;
    virtual XmppHandlerId on_message(MessageHandler handler) = 0;
    // Every incoming <presence/> of every profile.
    using PresenceHandler = std::function<void(XmppClient&, pugi::xml_node presence)>;
    virtual XmppHandlerId on_presence(PresenceHandler handler) = 0;
    // Incoming requests (<iq type='get'|'set'/>) whose payload is in `payload_namespace`:
    // the handler answers each (XmppClient::answer_iq or refuse_iq). One handler per
    // namespace; taking a taken one throws std::invalid_argument. The daemon answers
    // disco#info itself and refuses what no handler takes (service-unavailable).
    using IqRequestHandler = std::function<void(XmppClient&, pugi::xml_node iq)>;
    virtual XmppHandlerId on_iq_request(const std::string& payload_namespace,
                                        IqRequestHandler handler) = 0;
    // A client came up (connected == true) or went down.
    using ConnectionHandler = std::function<void(XmppClient&, bool connected)>;
    virtual XmppHandlerId on_connection(ConnectionHandler handler) = 0;
    virtual void remove_handler(XmppHandlerId id) = 0;

    // A disco#info feature the daemon announces, e.g. "urn:xmpp:microblog:0+notify"
    // so that PEP nodes push their items (XEP-0163, XEP-0115).
    virtual void add_feature(const std::string& feature) = 0;
};

}  // namespace roost
