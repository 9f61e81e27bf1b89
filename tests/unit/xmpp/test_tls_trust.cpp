// SPDX-License-Identifier: MIT
// TlsTrust: pins as users write them, and OpenSSL's refusals in a user's words.
#include "src/xmpp/TlsTrust.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

using roost::xmpp::certificate_problem;
using roost::xmpp::CertificateFingerprints;
using roost::xmpp::CertificatePin;
using roost::xmpp::TlsTrustSettings;

TEST_CASE("a pin reads in any case, with or without colons, and prints as OpenSSL does") {
    std::string hex(64, 'a');
    auto pin = CertificatePin::parse("key-sha256:" + hex);
    CHECK(pin.kind == CertificatePin::Kind::PublicKey);
    CHECK(pin.sha256.size() == 95);
    CHECK(pin.sha256.starts_with("AA:AA:"));
    CHECK(CertificatePin::parse(pin.to_string()) == pin);
    CHECK_THROWS_WITH_AS(CertificatePin::parse("AA:BB"), doctest::Contains("cert-sha256:"),
                         std::invalid_argument);
    CHECK_THROWS_AS(CertificatePin::parse("cert-sha256:" + hex + "00"), std::invalid_argument);
}

TEST_CASE("a certificate pin matches the certificate's fingerprint, a key pin the key's") {
    CertificateFingerprints seen{"AA:01", "BB:02"};
    CHECK(seen.match({CertificatePin::Kind::Certificate, "AA:01"}));
    CHECK_FALSE(seen.match({CertificatePin::Kind::PublicKey, "AA:01"}));
    CHECK(seen.match({CertificatePin::Kind::PublicKey, "BB:02"}));
    TlsTrustSettings trust;
    CHECK_FALSE(trust.pinned(seen));
    trust.pins = {{CertificatePin::Kind::Certificate, "CC:03"},
                  {CertificatePin::Kind::PublicKey, "BB:02"}};
    CHECK(trust.pinned(seen));
}

TEST_CASE("OpenSSL's verification errors become the reasons a user acts on") {
    auto problem = [](const char* error) {
        return certificate_problem(error, "example.org", "Jan  1 00:00:00 2020 GMT",
                                   "Jan  1 00:00:00 2021 GMT");
    };
    CHECK(problem("self-signed certificate") == "self-signed");
    CHECK(problem("unable to get local issuer certificate") == "unknown issuer");
    CHECK(problem("self-signed certificate in certificate chain")
              .starts_with("issued by an unknown authority"));
    CHECK(problem("hostname mismatch") == "name mismatch: not valid for example.org");
    CHECK(problem("certificate has expired") == "expired on Jan  1 00:00:00 2021 GMT");
    CHECK(problem("certificate is not yet valid") ==
          "not yet valid: valid from Jan  1 00:00:00 2020 GMT");
    CHECK(problem("certificate revoked") == "certificate revoked");
}

TEST_CASE("a certificate that is no PEM is an error, not a match") {
    CHECK_THROWS_AS(roost::xmpp::fingerprints_of("not a certificate"), std::runtime_error);
}
