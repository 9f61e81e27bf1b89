// SPDX-License-Identifier: MIT
// RawXmppClient: the tests' own XMPP client, plaintext on loopback with SASL PLAIN, that
// sends a stanza as the exact bytes it is given and returns the server's answer as the
// exact bytes the server sent: a witness of what a server holds that shares no code with
// Roost's XMPP layer (no libstrophe, no pugixml; expat only finds where stanzas end).
#pragma once

#include "tests/support/XmppServer.hpp"

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

struct XML_ParserStruct;

namespace roost::test {

class RawXmppClient {
public:
    // Connects; throws std::runtime_error when it cannot.
    explicit RawXmppClient(const XmppServer& server);
    // Connects, logs in as `user` and binds `resource`; throws when it cannot.
    RawXmppClient(const XmppServer& server, const std::string& user,
                  const std::string& resource = "raw");
    ~RawXmppClient();
    RawXmppClient(const RawXmppClient&) = delete;
    RawXmppClient& operator=(const RawXmppClient&) = delete;

    // Opens (or, after a login, restarts) the stream; returns its <stream:features/>.
    std::string open_stream();
    // SASL PLAIN without TLS, as the test servers allow on loopback; false when refused.
    bool log_in(const XmppAccount& account);
    void bind(const std::string& resource);

    // A received stanza: its name as written ("iq", "stream:features"), id, type, bytes.
    struct Received {
        std::string name, id, type, raw;
    };

    // Sends `stanza` as it is (an <iq/> with id='`id`') and returns the server's answer,
    // the whole <iq/> with that id as received; throws when none comes within `timeout`.
    std::string request(const std::string& id, std::string_view stanza,
                        std::chrono::seconds timeout = std::chrono::seconds(30));

    // Sends `bytes` as they are: a stanza that gets no answer, such as a <presence/>.
    void send(std::string_view bytes);
    // The next stanza named `name` (and of `type`, when given), counting those request()
    // passed over; throws when none comes within `timeout`.
    Received wait_for(const std::string& name, const std::string& type = {},
                      std::chrono::seconds timeout = std::chrono::seconds(30));

private:
    Received next(std::chrono::steady_clock::time_point deadline);
    void reset_parser();

    std::string domain_;
    int fd_ = -1;
    std::unique_ptr<XML_ParserStruct, void (*)(XML_ParserStruct*)> parser_;
    std::string bytes_;  // everything read since the stream (re)started: offsets index it
    int depth_ = 0;
    long stanza_start_ = 0, start_tag_end_ = 0;
    Received current_;
    std::deque<Received> ready_;
    std::deque<Received> passed_over_;  // by request(), for wait_for(); the latest kept
};

}  // namespace roost::test
