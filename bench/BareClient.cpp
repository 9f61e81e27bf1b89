// SPDX-License-Identifier: MIT
// BareClient: raw pubsub requests over one xmpp::Connection.
#include "bench/BareClient.hpp"

#include "tests/support/ClientSettings.hpp"
#include "tests/support/RunUntil.hpp"

#include <optional>
#include <stdexcept>

namespace roost::bench {

namespace {

constexpr const char* kPubsubNs = "http://jabber.org/protocol/pubsub";

std::string pubsub(const std::string& inner) {
    return std::string("<pubsub xmlns='") + kPubsubNs + "'>" + inner + "</pubsub>";
}

}  // namespace

BareClient::BareClient(const test::XmppServer& server, const std::string& user)
    : connection_(context_, test::client_settings(server, user, "bench")) {
    connection_.connect();
    bool up = test::run_until(
        reactor_, [&] { return connection_.state() == xmpp::ConnectionState::Connected; },
        std::chrono::seconds(30));
    if (!up)
        throw std::runtime_error("bench client " + user +
                                 " did not connect: " + connection_.last_error());
}

IqAnswer BareClient::request(std::string_view type, const std::string& to,
                             const std::string& payload, std::chrono::milliseconds timeout) {
    std::optional<IqAnswer> answer;
    connection_.send_iq(
        type, to, payload, "bench request", [&](IqAnswer a) { answer = std::move(a); }, timeout);
    test::run_until(
        reactor_, [&] { return answer.has_value(); }, timeout + std::chrono::seconds(5));
    if (!answer) throw std::runtime_error("no answer to a bench request");
    if (!answer->ok()) throw std::runtime_error(answer->error->message());
    return std::move(*answer);
}

FetchResult BareClient::fetch_all(const std::string& service, const std::string& node, bool rsm,
                                  int page_size) {
    FetchResult fetched;
    std::string before;  // empty: the last page
    while (true) {
        std::string set;
        if (rsm)
            set = "<set xmlns='http://jabber.org/protocol/rsm'><max>" + std::to_string(page_size) +
                  "</max>" + (before.empty() ? "<before/>" : "<before>" + before + "</before>") +
                  "</set>";
        auto answer = request("get", service, pubsub("<items node='" + node + "'/>" + set));
        ++fetched.requests;
        auto answer_pubsub = answer.iq().child("pubsub");
        std::size_t page = 0;
        for (auto item = answer_pubsub.child("items").child("item"); item;
             item = item.next_sibling("item"))
            ++page;
        fetched.items += page;
        auto page_set = answer_pubsub.child("set");
        if (!rsm || !page_set || page == 0) return fetched;
        auto first = page_set.child("first");
        if (first.attribute("index").as_int(0) == 0) return fetched;
        before = first.text().get();
    }
}

}  // namespace roost::bench
