// SPDX-License-Identifier: MIT
// Publisher: IQs sent from the test's thread, the reactor run until they are answered.
#include "tests/support/Publisher.hpp"

#include "src/xmpp/Stanza.hpp"
#include "tests/support/ClientSettings.hpp"
#include "tests/support/RunUntil.hpp"

#include <memory>
#include <optional>
#include <stdexcept>

namespace roost::test {
namespace {

constexpr const char* kPubsubNs = "http://jabber.org/protocol/pubsub";

}  // namespace

Publisher::Publisher(const XmppServer& server, const std::string& user)
    : connection_(context_, client_settings(server, user, "publisher")) {
    connection_.connect();
    wait_connected();
}

void Publisher::wait_connected() {
    // A lost connection is noticed, and retried with backoff, only while the loop runs.
    run_for(reactor_, std::chrono::milliseconds(50));
    if (!run_until(
            reactor_, [&] { return connection_.state() == xmpp::ConnectionState::Connected; },
            std::chrono::seconds(90)))
        throw std::runtime_error("publisher " + connection_.bare_jid() +
                                 " cannot connect: " + connection_.last_error());
}

void Publisher::create_node(const std::string& service, const std::string& node, int max_items) {
    std::string payload = std::string("<pubsub xmlns='") + kPubsubNs + "'><create node='" +
                          xmpp::xml_escape(node) +
                          "'/><configure><x xmlns='jabber:x:data' type='submit'>"
                          "<field var='FORM_TYPE' type='hidden'><value>" +
                          kPubsubNs +
                          "#node_config</value></field>"
                          "<field var='pubsub#max_items'><value>" +
                          std::to_string(max_items) + "</value></field></x></configure></pubsub>";
    wait_connected();
    // Shared with the callback, which may outlive this call (no answer in time).
    auto answer = std::make_shared<std::optional<IqAnswer>>();
    connection_.send_iq("set", service, payload, "create " + node,
                        [answer](IqAnswer a) { *answer = std::move(a); });
    if (!run_until(
            reactor_, [&] { return answer->has_value(); }, std::chrono::seconds(30)))
        throw std::runtime_error("create " + node + ": no answer");
    if (!(*answer)->ok()) throw std::runtime_error((*answer)->error->message());
}

void Publisher::publish_all(const std::string& service, const std::string& node,
                            const std::vector<PublishItem>& items, int in_flight,
                            std::chrono::milliseconds limit) {
    wait_connected();
    // Shared with the callbacks, which may outlive this call when it throws.
    struct Progress {
        std::size_t answered = 0;
        int waiting = 0;
        std::string failure;
    };
    auto progress = std::make_shared<Progress>();
    std::size_t next = 0;
    auto deadline = reactor::Reactor::Clock::now() + limit;
    while (progress->answered < items.size() && progress->failure.empty()) {
        for (; progress->waiting < in_flight && next < items.size(); ++next, ++progress->waiting) {
            const PublishItem& item = items[next];
            std::string payload = std::string("<pubsub xmlns='") + kPubsubNs + "'><publish node='" +
                                  xmpp::xml_escape(node) + "'><item id='" +
                                  xmpp::xml_escape(item.id) + "'>" + item.payload +
                                  "</item></publish></pubsub>";
            connection_.send_iq("set", service, payload, "publish " + item.id,
                                [progress](IqAnswer a) {
                                    --progress->waiting;
                                    ++progress->answered;
                                    if (!a.ok() && progress->failure.empty())
                                        progress->failure = a.error->message();
                                });
        }
        if (reactor::Reactor::Clock::now() > deadline)
            throw std::runtime_error("publishing to " + node +
                                     " took too long: " + std::to_string(progress->answered) +
                                     " of " + std::to_string(items.size()) + " answered");
        reactor_.run_once(std::chrono::milliseconds(20));
    }
    if (!progress->failure.empty()) throw std::runtime_error(progress->failure);
}

}  // namespace roost::test
