// SPDX-License-Identifier: MIT
// TlsTrust: what a profile trusts besides the system's CA store (a CA file or directory,
// pinned certificates), and the one-line reasons a server's certificate is refused.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roost::xmpp {

// A certificate trusted by its SHA-256 fingerprint, written in a profile as
// "cert-sha256:AB:CD:..." (the whole certificate, as `openssl x509 -fingerprint -sha256`
// prints it) or "key-sha256:AB:CD:..." (its SubjectPublicKeyInfo, which survives a renewal
// that keeps the key).
struct CertificatePin {
    enum class Kind { Certificate, PublicKey };
    Kind kind = Kind::Certificate;
    std::string sha256;  // 32 bytes as upper-case hex pairs joined by ':'

    // Takes either prefix and the hex with or without ':', in any case; throws
    // std::invalid_argument saying the expected form.
    static CertificatePin parse(std::string_view text);
    std::string to_string() const;
    bool operator==(const CertificatePin&) const = default;
};

// The two fingerprints a pin may name, of one certificate.
struct CertificateFingerprints {
    std::string certificate_sha256;
    std::string public_key_sha256;

    bool match(const CertificatePin& pin) const;
};

// Of a PEM certificate; throws std::runtime_error if it cannot be read.
CertificateFingerprints fingerprints_of(std::string_view pem);

struct TlsTrustSettings {
    std::optional<std::string> ca_file;  // PEM, one or more CA certificates
    std::optional<std::string> ca_dir;   // hashed directory, as `openssl rehash` makes
    std::vector<CertificatePin> pins;

    bool pinned(const CertificateFingerprints& fingerprints) const;
    // True when the PEM certificate chains to the CA file or directory alone (no system
    // store): tells "trusted by the CA file" from "trusted by the system".
    bool issued_by_configured_ca(std::string_view pem) const;
};

// "self-signed", "expired on Jan  1 00:00:00 2021 GMT", "not valid for example.org", ...
// from OpenSSL's verification error text, for a certificate presented for `domain`.
std::string certificate_problem(std::string_view openssl_error, std::string_view domain,
                                std::string_view not_before, std::string_view not_after);

}  // namespace roost::xmpp
