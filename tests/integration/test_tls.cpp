// SPDX-License-Identifier: MIT
// TLS against real Prosody and ejabberd servers with certificates the test makes: trust by a
// CA file or a pin, refusals that say why (unknown issuer, self-signed, expired, name
// mismatch), a server without STARTTLS refused before any login, direct TLS, and what
// `roost profile list` shows of it all.
#include "src/reactor/Reactor.hpp"
#include "src/xmpp/Connection.hpp"
#include "src/xmpp/XmppContext.hpp"
#include "tests/support/CacheClient.hpp"
#include "tests/support/ClientSettings.hpp"
#include "tests/support/Daemon.hpp"
#include "tests/support/EjabberdServer.hpp"
#include "tests/support/ProsodyServer.hpp"
#include "tests/support/RecordingRelay.hpp"
#include "tests/support/RunUntil.hpp"
#include "tests/support/TestCertificates.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

using namespace std::chrono_literals;
using namespace roost;
using roost::test::TestCertificate;
using roost::test::TestCertificates;
using roost::xmpp::CertificatePin;
using roost::xmpp::ConnectionState;

namespace {

// How one connection attempt ended: connected (with its security), or the reason it failed.
struct Attempt {
    bool connected = false;
    std::string reason;
    xmpp::StreamSecurity security;
};

struct Harness {
    test::TempDir temp;
    TestCertificates certificates{temp / "certs"};
    reactor::Reactor reactor;
    xmpp::XmppContext context{reactor};

    // alice's account on `server` at `port`, TLS required, trusting nothing but the system.
    xmpp::ConnectionSettings settings(const test::XmppServer& server, int port) {
        auto s = test::client_settings(server, "alice", "tls");
        s.allow_plaintext = false;
        s.port = static_cast<std::uint16_t>(port);
        s.config_table = "[profiles.alice]";
        return s;
    }

    Attempt attempt(const xmpp::ConnectionSettings& settings) {
        xmpp::Connection connection(context, settings);
        Attempt result;
        bool down = false;
        connection.on_state([&](ConnectionState state, const std::string& reason) {
            if (state != ConnectionState::Disconnected) return;
            down = true;
            result.reason = reason;
        });
        connection.connect();
        test::run_until(
            reactor, [&] { return down || connection.state() == ConnectionState::Connected; }, 15s);
        result.connected = connection.state() == ConnectionState::Connected;
        result.security = connection.security();
        connection.disconnect();
        test::run_until(
            reactor, [&] { return connection.state() == ConnectionState::Disconnected; }, 5s);
        return result;
    }

    xmpp::ConnectionSettings trusting_ca(xmpp::ConnectionSettings s) {
        s.trust.ca_file = certificates.ca().cert.string();
        return s;
    }
};

CertificatePin certificate_pin(const TestCertificate& certificate) {
    return {CertificatePin::Kind::Certificate, certificate.sha256_fingerprint};
}

// The one line a refused certificate gets: why, its fingerprint, the line that would pin it.
void check_refusal(const Attempt& attempt, const std::string& why,
                   const TestCertificate& certificate) {
    INFO(attempt.reason);
    CHECK_FALSE(attempt.connected);
    CHECK(attempt.reason.starts_with("certificate refused: " + why));
    CHECK(attempt.reason.find("SHA-256 fingerprint " + certificate.sha256_fingerprint) !=
          std::string::npos);
    CHECK(attempt.reason.find("add to [profiles.alice]: tls_pins = [\"cert-sha256:" +
                              certificate.sha256_fingerprint + "\"]") != std::string::npos);
}

template <class Server>
test::XmppServerOptions with_certificate(const TestCertificate& certificate,
                                         bool direct_tls = false) {
    test::XmppServerOptions options;
    options.users = {"alice"};
    options.tls = test::ServerTls{.certificate = certificate.cert,
                                  .key = certificate.key,
                                  .require_encryption = true,
                                  .direct_tls = direct_tls};
    return options;
}

template <class Server>
void check_ca_signed_certificate() {
    Harness h;
    TestCertificate served = h.certificates.signed_for("localhost");
    Server server(with_certificate<Server>(served, true));
    test::RecordingRelay relay(server.client_port());
    auto starttls = h.settings(server, relay.port());

    INFO("the CA file makes the certificate trusted");
    auto trusted = h.attempt(h.trusting_ca(starttls));
    INFO(trusted.reason);
    REQUIRE(trusted.connected);
    CHECK(trusted.security.tls);
    CHECK_FALSE(trusted.security.direct_tls);
    CHECK(trusted.security.trusted_by == "CA file");
    CHECK(trusted.security.certificate_sha256 == served.sha256_fingerprint);
    CHECK(trusted.security.sasl_mechanism.starts_with("SCRAM-SHA-"));
    std::string wire = relay.client_bytes();
    CHECK(wire.find("<starttls") != std::string::npos);
    CHECK(wire.find("<auth") == std::string::npos);  // the login went inside TLS

    INFO("without it the issuer is unknown");
    check_refusal(h.attempt(starttls), "unknown issuer", served);

    INFO("a pin of the certificate or of its key trusts it instead; a wrong pin does not");
    auto pinned = starttls;
    pinned.trust.pins = {certificate_pin(served)};
    auto by_pin = h.attempt(pinned);
    CHECK(by_pin.connected);
    CHECK(by_pin.security.trusted_by == "pin");
    pinned.trust.pins = {{CertificatePin::Kind::PublicKey, served.spki_sha256}};
    CHECK(h.attempt(pinned).connected);
    pinned.trust.pins = {certificate_pin(h.certificates.ca()),
                         {CertificatePin::Kind::PublicKey, served.sha256_fingerprint}};
    check_refusal(h.attempt(pinned), "unknown issuer", served);

    INFO("direct TLS on its own port, from the first byte");
    auto direct = h.trusting_ca(h.settings(server, server.direct_tls_port()));
    direct.direct_tls = true;
    auto direct_attempt = h.attempt(direct);
    INFO(direct_attempt.reason);
    CHECK(direct_attempt.connected);
    CHECK(direct_attempt.security.direct_tls);
    CHECK(direct_attempt.security.trusted_by == "CA file");
}

template <class Server>
void check_refused_certificates() {
    Harness h;
    {
        TestCertificate self_signed = h.certificates.self_signed("localhost");
        Server server(with_certificate<Server>(self_signed));
        auto settings = h.trusting_ca(h.settings(server, server.client_port()));
        check_refusal(h.attempt(settings), "self-signed", self_signed);
        settings.trust.pins = {certificate_pin(self_signed)};
        auto pinned = h.attempt(settings);
        INFO(pinned.reason);
        CHECK(pinned.connected);
        CHECK(pinned.security.trusted_by == "pin");
    }
    {
        TestCertificate expired = h.certificates.expired("localhost");
        Server server(with_certificate<Server>(expired));
        check_refusal(h.attempt(h.trusting_ca(h.settings(server, server.client_port()))),
                      "expired on ", expired);
    }
    {
        TestCertificate wrong_name = h.certificates.signed_for("wrong.example");
        Server server(with_certificate<Server>(wrong_name));
        check_refusal(h.attempt(h.trusting_ca(h.settings(server, server.client_port()))),
                      "name mismatch: not valid for localhost", wrong_name);
    }
}

// A server that offers no STARTTLS: refused before anything of the login is sent.
template <class Server>
void check_no_starttls() {
    Harness h;
    Server server({.users = {"alice"}});
    test::RecordingRelay relay(server.client_port());
    auto refused = h.attempt(h.trusting_ca(h.settings(server, relay.port())));
    INFO(refused.reason);
    CHECK_FALSE(refused.connected);
    CHECK(refused.reason ==
          "the server offers no STARTTLS and TLS is required: refused before logging in");
    std::string wire = relay.client_bytes();
    CHECK(wire.find("<stream:stream") != std::string::npos);
    CHECK(wire.find("<auth") == std::string::npos);
    CHECK(wire.find(server.account("alice").password) == std::string::npos);
}

}  // namespace

TEST_CASE("prosody: a CA-signed certificate is trusted by the CA file or a pin, also on direct "
          "TLS") {
    check_ca_signed_certificate<test::ProsodyServer>();
}

TEST_CASE("prosody: self-signed, expired and wrong-name certificates are refused, saying why") {
    check_refused_certificates<test::ProsodyServer>();
}

TEST_CASE("prosody: a server without STARTTLS is refused and sees no login") {
    check_no_starttls<test::ProsodyServer>();
}

TEST_CASE("ejabberd: a CA-signed certificate is trusted by the CA file or a pin, also on direct "
          "TLS") {
    check_ca_signed_certificate<test::EjabberdServer>();
}

TEST_CASE("ejabberd: self-signed, expired and wrong-name certificates are refused, saying why") {
    check_refused_certificates<test::EjabberdServer>();
}

TEST_CASE("ejabberd: a server without STARTTLS is refused and sees no login") {
    check_no_starttls<test::EjabberdServer>();
}

TEST_CASE("roost profile list shows a refused certificate as the last error, and how TLS is "
          "trusted once connected") {
    test::TempDir temp;
    TestCertificates certificates(temp / "certs");
    TestCertificate self_signed = certificates.self_signed("localhost");
    test::ProsodyServer server({.users = {"alice", "bob"},
                                .tls = test::ServerTls{.certificate = self_signed.cert,
                                                       .key = self_signed.key,
                                                       .require_encryption = true}});
    auto profile = [&](const std::string& user, const std::string& extra) {
        const auto& account = server.account(user);
        return "[profiles." + user + "]\njid = \"" + account.jid + "\"\npassword = \"" +
               account.password +
               "\"\nhost = \"127.0.0.1\"\nport = " + std::to_string(server.client_port()) + "\n" +
               extra;
    };
    std::string pin = "cert-sha256:" + self_signed.sha256_fingerprint;
    test::Daemon daemon(profile("alice", "") + profile("bob", "tls_pins = [\"" + pin + "\"]\n"));
    nlohmann::json profiles;
    test::poll_until(15s, [&] {
        profiles = nlohmann::json::parse(daemon.roost({"--json", "profile", "list"}).out);
        return profiles[0]["last_error"] != "" && profiles[1]["state"] == "connected";
    });
    INFO(profiles.dump(2));
    CHECK(profiles[0]["state"] != "connected");
    CHECK(profiles[0]["last_error"].get<std::string>().starts_with(
        "certificate refused: self-signed"));
    CHECK(profiles[0]["last_error"].get<std::string>().find("add to [profiles.alice]: tls_pins = "
                                                            "[\"" +
                                                            pin + "\"]") != std::string::npos);
    CHECK(profiles[0]["security"].is_null());
    CHECK(profiles[1]["security"]["tls"] == true);
    CHECK(profiles[1]["security"]["trusted_by"] == "pin");
    CHECK(profiles[1]["security"]["certificate_sha256"] == self_signed.sha256_fingerprint);

    auto human = daemon.roost({"profile", "list"});
    CHECK(human.out.find("bob  bob@localhost  connected  TLS (pin), SCRAM-SHA-") !=
          std::string::npos);
    CHECK(human.out.find("alice  alice@localhost  ") != std::string::npos);
    CHECK(human.out.find("(certificate refused: self-signed") != std::string::npos);
}
