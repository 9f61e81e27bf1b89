// SPDX-License-Identifier: MIT
// TlsTrust: pins, fingerprints with OpenSSL's libcrypto (libstrophe's TLS library), and
// OpenSSL's verification errors in the words a user acts on.
#include "src/xmpp/TlsTrust.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <stdexcept>

namespace roost::xmpp {
namespace {

constexpr std::string_view kCertificatePrefix = "cert-sha256:";
constexpr std::string_view kPublicKeyPrefix = "key-sha256:";
constexpr std::size_t kSha256Bytes = 32;

template <typename T, void (*Free)(T*)>
struct Freer {
    void operator()(T* p) const { Free(p); }
};
using X509Ptr = std::unique_ptr<X509, Freer<X509, X509_free>>;
using StorePtr = std::unique_ptr<X509_STORE, Freer<X509_STORE, X509_STORE_free>>;
using StoreContextPtr = std::unique_ptr<X509_STORE_CTX, Freer<X509_STORE_CTX, X509_STORE_CTX_free>>;

std::string hex_pairs(const unsigned char* bytes, std::size_t size) {
    static constexpr char kDigits[] = "0123456789ABCDEF";
    std::string hex;
    for (std::size_t i = 0; i < size; ++i) {
        if (i) hex += ':';
        hex += kDigits[bytes[i] >> 4];
        hex += kDigits[bytes[i] & 0xf];
    }
    return hex;
}

X509Ptr read_certificate(std::string_view pem) {
    std::unique_ptr<BIO, Freer<BIO, BIO_free_all>> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    X509Ptr certificate(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!certificate) throw std::runtime_error("cannot read the server's certificate");
    return certificate;
}

std::string sha256_of(const unsigned char* data, std::size_t size) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(data, size, digest, &length, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
    return hex_pairs(digest, length);
}

}  // namespace

CertificatePin CertificatePin::parse(std::string_view text) {
    CertificatePin pin;
    std::string_view hex;
    if (text.starts_with(kCertificatePrefix)) {
        hex = text.substr(kCertificatePrefix.size());
    } else if (text.starts_with(kPublicKeyPrefix)) {
        pin.kind = Kind::PublicKey;
        hex = text.substr(kPublicKeyPrefix.size());
    } else {
        throw std::invalid_argument(
            "a pin is \"cert-sha256:\" or \"key-sha256:\" followed by a SHA-256 fingerprint");
    }
    std::string digits;
    for (char c : hex) {
        if (c == ':') continue;
        if (!std::isxdigit(static_cast<unsigned char>(c)))
            throw std::invalid_argument("a pin's fingerprint holds hex digits and ':' only");
        digits += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (digits.size() != 2 * kSha256Bytes)
        throw std::invalid_argument("a pin's SHA-256 fingerprint has 64 hex digits, not " +
                                    std::to_string(digits.size()));
    for (std::size_t i = 0; i < digits.size(); i += 2) {
        if (i) pin.sha256 += ':';
        pin.sha256 += digits.substr(i, 2);
    }
    return pin;
}

std::string CertificatePin::to_string() const {
    return std::string(kind == Kind::Certificate ? kCertificatePrefix : kPublicKeyPrefix) + sha256;
}

bool CertificateFingerprints::match(const CertificatePin& pin) const {
    return pin.sha256 ==
           (pin.kind == CertificatePin::Kind::Certificate ? certificate_sha256 : public_key_sha256);
}

CertificateFingerprints fingerprints_of(std::string_view pem) {
    X509Ptr certificate = read_certificate(pem);
    unsigned char* der = nullptr;
    int size = i2d_X509(certificate.get(), &der);
    if (size <= 0) throw std::runtime_error("cannot encode the server's certificate");
    CertificateFingerprints fingerprints;
    fingerprints.certificate_sha256 = sha256_of(der, static_cast<std::size_t>(size));
    OPENSSL_free(der);
    der = nullptr;
    size = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(certificate.get()), &der);
    if (size <= 0) throw std::runtime_error("cannot encode the server's public key");
    fingerprints.public_key_sha256 = sha256_of(der, static_cast<std::size_t>(size));
    OPENSSL_free(der);
    return fingerprints;
}

bool TlsTrustSettings::pinned(const CertificateFingerprints& fingerprints) const {
    return std::any_of(pins.begin(), pins.end(),
                       [&](const CertificatePin& pin) { return fingerprints.match(pin); });
}

bool TlsTrustSettings::issued_by_configured_ca(std::string_view pem) const {
    if (!ca_file && !ca_dir) return false;
    X509Ptr certificate = read_certificate(pem);
    StorePtr store(X509_STORE_new());
    StoreContextPtr context(X509_STORE_CTX_new());
    if (!store || !context) throw std::bad_alloc();
    if (X509_STORE_load_locations(store.get(), ca_file ? ca_file->c_str() : nullptr,
                                  ca_dir ? ca_dir->c_str() : nullptr) != 1)
        return false;
    // The CA file may hold an intermediate rather than a root.
    X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN);
    if (X509_STORE_CTX_init(context.get(), store.get(), certificate.get(), nullptr) != 1)
        return false;
    return X509_verify_cert(context.get()) == 1;
}

std::string certificate_problem(std::string_view openssl_error, std::string_view domain,
                                std::string_view not_before, std::string_view not_after) {
    // OpenSSL 3's X509_verify_cert_error_string() texts, the ones a server's set-up causes.
    if (openssl_error == "self-signed certificate" || openssl_error == "self signed certificate")
        return "self-signed";
    if (openssl_error.find("self-signed certificate in certificate chain") == 0 ||
        openssl_error.find("self signed certificate in certificate chain") == 0)
        return "issued by an unknown authority (its self-signed root is not trusted)";
    if (openssl_error == "unable to get local issuer certificate" ||
        openssl_error == "unable to get issuer certificate")
        return "unknown issuer";
    if (openssl_error == "hostname mismatch")
        return "name mismatch: not valid for " + std::string(domain);
    if (openssl_error == "certificate has expired") return "expired on " + std::string(not_after);
    if (openssl_error == "certificate is not yet valid")
        return "not yet valid: valid from " + std::string(not_before);
    return std::string(openssl_error);
}

}  // namespace roost::xmpp
