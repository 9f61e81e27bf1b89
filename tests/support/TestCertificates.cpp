// SPDX-License-Identifier: MIT
// TestCertificates: each certificate is a few `openssl` runs (OpenSSL 3.0 command line).
#include "tests/support/TestCertificates.hpp"

#include "tests/support/Run.hpp"
#include "tests/support/TempDir.hpp"

#include <cctype>
#include <stdexcept>

namespace roost::test {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kNewP256Key = {"-newkey", "ec", "-pkeyopt",
                                              "ec_paramgen_curve:P-256", "-nodes"};

// Runs `openssl args...`; returns its stdout, throws with its output when it fails.
std::string openssl(std::vector<std::string> args) {
    args.insert(args.begin(), program_on_path("openssl").string());
    RunResult r = run(args);
    if (r.exit_code != 0) {
        std::string command;
        for (const auto& arg : args) command += " " + arg;
        throw std::runtime_error("TestCertificates:" + command + " failed (exit code " +
                                 std::to_string(r.exit_code) + ")\n" + r.out + r.err);
    }
    return r.out;
}

}  // namespace

std::string colon_hex(const std::string& hex) {
    std::string out;
    int digits = 0;
    for (char c : hex) {
        if (!std::isxdigit(static_cast<unsigned char>(c))) continue;
        if (digits > 0 && digits % 2 == 0) out += ':';
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        ++digits;
    }
    return out;
}

TestCertificates::TestCertificates(fs::path dir) : dir_(std::move(dir)) {
    fs::create_directories(dir_ / "ca-db");
    // `openssl ca` rather than `x509 -req`: only it sets both validity dates (-startdate,
    // -enddate), which an expired certificate needs. It wants a database and a policy.
    write_file(dir_ / "ca-db" / "index.txt", "");
    write_file(dir_ / "ca-db" / "serial", "1000\n");
    write_file(dir_ / "ca.cnf",
               "# Written by roost::test::TestCertificates: a minimal CA for `openssl ca`.\n"
               "[ca]\ndefault_ca = test_ca\n"
               "[test_ca]\n"
               "database = " +
                   (dir_ / "ca-db" / "index.txt").string() +
                   "\n"
                   "new_certs_dir = " +
                   (dir_ / "ca-db").string() +
                   "\nserial = " + (dir_ / "ca-db" / "serial").string() +
                   "\n"
                   "default_md = sha256\npolicy = any_name\nunique_subject = no\n"
                   "[any_name]\ncommonName = supplied\n");
    std::vector<std::string> args = {"req", "-x509", "-new"};
    args.insert(args.end(), kNewP256Key.begin(), kNewP256Key.end());
    // Its own extensions rather than those of the system's openssl.cnf.
    args.insert(args.end(), {"-keyout", (dir_ / "ca.key").string(), "-out",
                             (dir_ / "ca.cert.pem").string(), "-days", "3650", "-subj",
                             "/CN=Roost Test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                             "-addext", "keyUsage=critical,keyCertSign,cRLSign"});
    openssl(args);
    ca_ = finish("ca");
}

TestCertificate TestCertificates::signed_for(const std::string& dns_name) {
    return issue("signed-" + dns_name, dns_name, {"-days", "3650"});
}

TestCertificate TestCertificates::expired(const std::string& dns_name) {
    return issue("expired-" + dns_name, dns_name,
                 {"-startdate", "200101000000Z", "-enddate", "210101000000Z"});
}

TestCertificate TestCertificates::self_signed(const std::string& dns_name) {
    std::string stem = "self-signed-" + dns_name;
    std::vector<std::string> args = {"req", "-x509", "-new"};
    args.insert(args.end(), kNewP256Key.begin(), kNewP256Key.end());
    // CA:FALSE replaces the default config's CA:TRUE: a server certificate, just unsigned.
    args.insert(args.end(), {"-keyout", (dir_ / (stem + ".key")).string(), "-out",
                             (dir_ / (stem + ".cert.pem")).string(), "-days", "3650", "-subj",
                             "/CN=" + dns_name, "-addext", "subjectAltName=DNS:" + dns_name,
                             "-addext", "basicConstraints=critical,CA:FALSE"});
    openssl(args);
    return finish(stem);
}

TestCertificate TestCertificates::issue(const std::string& stem, const std::string& dns_name,
                                        const std::vector<std::string>& validity) {
    auto key = dir_ / (stem + ".key"), csr = dir_ / (stem + ".csr"),
         extensions = dir_ / (stem + ".ext");
    std::vector<std::string> request = {"req", "-new"};
    request.insert(request.end(), kNewP256Key.begin(), kNewP256Key.end());
    request.insert(request.end(),
                   {"-keyout", key.string(), "-out", csr.string(), "-subj", "/CN=" + dns_name});
    openssl(request);
    write_file(extensions, "subjectAltName = DNS:" + dns_name +
                               "\nbasicConstraints = critical, CA:FALSE\n"
                               "keyUsage = critical, digitalSignature\n"
                               "extendedKeyUsage = serverAuth, clientAuth\n"
                               "subjectKeyIdentifier = hash\n"
                               "authorityKeyIdentifier = keyid\n");
    std::vector<std::string> sign = {"ca", "-batch", "-config", (dir_ / "ca.cnf").string()};
    sign.insert(sign.end(), {"-cert", ca_.cert.string(), "-keyfile", ca_.key.string()});
    sign.insert(sign.end(), {"-notext", "-extfile", extensions.string()});
    sign.insert(sign.end(), {"-in", csr.string(), "-out", (dir_ / (stem + ".cert.pem")).string()});
    sign.insert(sign.end(), validity.begin(), validity.end());
    openssl(sign);
    return finish(stem);
}

TestCertificate TestCertificates::finish(const std::string& stem) {
    TestCertificate c{.cert = dir_ / (stem + ".cert.pem"),
                      .key = dir_ / (stem + ".key"),
                      .combined = dir_ / (stem + ".combined.pem"),
                      .sha256_fingerprint = {},
                      .spki_sha256 = {}};
    write_file(c.combined, read_file(c.cert) + read_file(c.key));
    // "sha256 Fingerprint=AB:CD:..."
    std::string fingerprint =
        openssl({"x509", "-in", c.cert.string(), "-noout", "-fingerprint", "-sha256"});
    c.sha256_fingerprint = colon_hex(fingerprint.substr(fingerprint.find('=') + 1));
    // The SubjectPublicKeyInfo is the DER of the public key `openssl pkey -pubin` writes.
    auto public_key = dir_ / (stem + ".pub.pem"), spki = dir_ / (stem + ".spki.der");
    write_file(public_key, openssl({"x509", "-in", c.cert.string(), "-noout", "-pubkey"}));
    openssl(
        {"pkey", "-pubin", "-in", public_key.string(), "-outform", "DER", "-out", spki.string()});
    // -r: "<hex> *<file>"
    std::string digest = openssl({"dgst", "-sha256", "-r", spki.string()});
    c.spki_sha256 = colon_hex(digest.substr(0, digest.find(' ')));
    return c;
}

}  // namespace roost::test
