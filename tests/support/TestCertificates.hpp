// SPDX-License-Identifier: MIT
// TestCertificates: throwaway X.509 certificates for TLS tests, made with the `openssl`
// command line in a directory the caller owns: a CA, certificates it signs (for the right
// name, a wrong one, or expired) and self-signed ones. EC P-256 keys, unencrypted.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace roost::test {

struct TestCertificate {
    std::filesystem::path cert;      // PEM
    std::filesystem::path key;       // PEM, unencrypted
    std::filesystem::path combined;  // cert then key in one PEM (ejabberd's certfiles)
    // SHA-256 of the DER certificate and of its SubjectPublicKeyInfo (what a pin names), as
    // `openssl x509 -fingerprint -sha256` prints: upper-case hex pairs joined by ':'.
    std::string sha256_fingerprint;
    std::string spki_sha256;
};

// TestCertificates certs(temp / "certs");
// ServerTls{.certificate = certs.signed_for("localhost").cert, ...}; clients trust
// certs.ca().cert. A wrong-name certificate is signed_for("wrong.example").
class TestCertificates {
public:
    // Makes the CA in `dir` (created when missing). Every certificate lands in `dir` too.
    explicit TestCertificates(std::filesystem::path dir);

    // The CA: CN "Roost Test CA", valid ten years from now.
    const TestCertificate& ca() const { return ca_; }
    // Signed by the CA for `dns_name` (CN and subjectAltName DNS), valid ten years from now.
    TestCertificate signed_for(const std::string& dns_name);
    // The same, but signed by its own key: no CA vouches for it.
    TestCertificate self_signed(const std::string& dns_name);
    // Signed by the CA for `dns_name`, valid in 2020 only: expired, otherwise sound.
    TestCertificate expired(const std::string& dns_name);

    const std::filesystem::path& dir() const { return dir_; }

private:
    // A fresh key and request for `dns_name`, signed by the CA for the given dates (`openssl
    // ca` arguments: -days or -startdate/-enddate); files named `stem`.*.
    TestCertificate issue(const std::string& stem, const std::string& dns_name,
                          const std::vector<std::string>& validity);
    // Writes the combined PEM and computes the fingerprints of `cert`, `key` being made.
    TestCertificate finish(const std::string& stem);

    std::filesystem::path dir_;
    TestCertificate ca_;
};

// Upper-case hex pairs joined by ':' ("AB:CD:...") from hex digits in any case, with or
// without separators.
std::string colon_hex(const std::string& hex);

}  // namespace roost::test
