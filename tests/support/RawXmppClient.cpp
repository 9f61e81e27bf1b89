// SPDX-License-Identifier: MIT
// RawXmppClient: POSIX sockets, expat for stanza boundaries, offsets into the bytes read.
#include "tests/support/RawXmppClient.hpp"

#include "tests/support/TimeScale.hpp"

#include <arpa/inet.h>
#include <expat.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace roost::test {
namespace {

// Stanzas request() passed over are kept for wait_for(), the latest this many: enough
// for what a test waits for, bounded when a node's events pour in.
constexpr std::size_t kPassedOverKept = 1000;

std::string base64(std::string_view in) {
    static constexpr char kDigits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < in.size(); i += 3) {
        unsigned n = static_cast<unsigned char>(in[i]) << 16;
        if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
        if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
        out += kDigits[(n >> 18) & 63];
        out += kDigits[(n >> 12) & 63];
        out += i + 1 < in.size() ? kDigits[(n >> 6) & 63] : '=';
        out += i + 2 < in.size() ? kDigits[n & 63] : '=';
    }
    return out;
}

const char* attribute(const char** attributes, const char* name) {
    for (int i = 0; attributes[i]; i += 2)
        if (std::strcmp(attributes[i], name) == 0) return attributes[i + 1];
    return "";
}

}  // namespace

RawXmppClient::RawXmppClient(const XmppServer& server)
    : domain_(server.domain()), parser_(nullptr, XML_ParserFree) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(server.client_port()));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
        throw std::runtime_error("raw client: cannot connect to " + server.name());
}

RawXmppClient::RawXmppClient(const XmppServer& server, const std::string& user,
                             const std::string& resource)
    : RawXmppClient(server) {
    open_stream();
    if (!log_in(server.account(user))) throw std::runtime_error("raw client: login refused");
    open_stream();
    bind(resource);
}

bool RawXmppClient::log_in(const XmppAccount& account) {
    std::string localpart = account.jid.substr(0, account.jid.find('@'));
    send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" +
         base64(std::string(1, '\0') + localpart + '\0' + account.password) + "</auth>");
    Received answer = next(std::chrono::steady_clock::now() + scaled(std::chrono::seconds(30)));
    if (answer.name != "success" && answer.name != "failure")
        throw std::runtime_error("raw client: SASL: " + answer.raw);
    return answer.name == "success";
}

void RawXmppClient::bind(const std::string& resource) {
    request("bind", "<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                    "<resource>" +
                        resource + "</resource></bind></iq>");
}

RawXmppClient::~RawXmppClient() {
    if (fd_ < 0) return;
    static constexpr std::string_view kClose = "</stream:stream>";
    (void)::send(fd_, kClose.data(), kClose.size(), MSG_NOSIGNAL);
    ::close(fd_);
}

std::string RawXmppClient::request(const std::string& id, std::string_view stanza,
                                   std::chrono::seconds timeout) {
    send(stanza);
    auto deadline = std::chrono::steady_clock::now() + scaled(timeout);
    for (;;) {
        Received received = next(deadline);
        if (received.name != "iq" || received.id != id) {  // events, presences
            passed_over_.push_back(std::move(received));
            if (passed_over_.size() > kPassedOverKept) passed_over_.pop_front();
            continue;
        }
        if (received.type == "error")
            throw std::runtime_error("raw client: error answer: " + received.raw);
        return received.raw;
    }
}

RawXmppClient::Received RawXmppClient::wait_for(const std::string& name, const std::string& type,
                                                std::chrono::seconds timeout) {
    auto matches = [&](const Received& r) {
        return r.name == name && (type.empty() || r.type == type);
    };
    for (auto it = passed_over_.begin(); it != passed_over_.end(); ++it) {
        if (!matches(*it)) continue;
        Received received = std::move(*it);
        passed_over_.erase(it);
        return received;
    }
    auto deadline = std::chrono::steady_clock::now() + scaled(timeout);
    for (;;) {
        Received received = next(deadline);
        if (matches(received)) return received;
    }
}

void RawXmppClient::send(std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent <= 0) throw std::runtime_error("raw client: send failed");
        bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
}

std::string RawXmppClient::open_stream() {
    reset_parser();
    send("<?xml version='1.0'?><stream:stream to='" + domain_ +
         "' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>");
    auto deadline = std::chrono::steady_clock::now() + scaled(std::chrono::seconds(30));
    for (;;) {
        Received received = next(deadline);
        if (received.name == "stream:features") return received.raw;
    }
}

void RawXmppClient::reset_parser() {
    // Without namespace processing: names as written; only boundaries matter here.
    parser_.reset(XML_ParserCreate("UTF-8"));
    bytes_.clear();
    depth_ = 0;
    ready_.clear();
    XML_SetUserData(parser_.get(), this);
    XML_SetElementHandler(
        parser_.get(),
        [](void* data, const XML_Char* name, const XML_Char** attributes) {
            auto* self = static_cast<RawXmppClient*>(data);
            if (self->depth_++ != 1) return;
            XML_Parser parser = self->parser_.get();
            self->stanza_start_ = XML_GetCurrentByteIndex(parser);
            self->start_tag_end_ = self->stanza_start_ + XML_GetCurrentByteCount(parser);
            self->current_ = {name, attribute(attributes, "id"), attribute(attributes, "type"), {}};
        },
        [](void* data, const XML_Char*) {
            auto* self = static_cast<RawXmppClient*>(data);
            if (--self->depth_ != 1) return;
            XML_Parser parser = self->parser_.get();
            // An empty-element tag's end event has no bytes of its own.
            long count = XML_GetCurrentByteCount(parser);
            long end = count > 0 ? XML_GetCurrentByteIndex(parser) + count : self->start_tag_end_;
            self->current_.raw =
                self->bytes_.substr(static_cast<std::size_t>(self->stanza_start_),
                                    static_cast<std::size_t>(end - self->stanza_start_));
            self->ready_.push_back(std::move(self->current_));
        });
}

RawXmppClient::Received RawXmppClient::next(std::chrono::steady_clock::time_point deadline) {
    while (ready_.empty()) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd ready{fd_, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&ready, 1, static_cast<int>(left.count())) <= 0)
            throw std::runtime_error("raw client: no answer in time; last bytes: " +
                                     bytes_.substr(bytes_.size() > 300 ? bytes_.size() - 300 : 0));
        char buffer[65536];
        ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
        if (got <= 0) throw std::runtime_error("raw client: the server closed the stream");
        bytes_.append(buffer, static_cast<std::size_t>(got));
        if (XML_Parse(parser_.get(), buffer, static_cast<int>(got), XML_FALSE) == XML_STATUS_ERROR)
            throw std::runtime_error(std::string("raw client: the server sent bad XML: ") +
                                     XML_ErrorString(XML_GetErrorCode(parser_.get())));
    }
    Received received = std::move(ready_.front());
    ready_.pop_front();
    return received;
}

}  // namespace roost::test
