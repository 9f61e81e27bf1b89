// SPDX-License-Identifier: MIT
#include "src/core/Config.hpp"
#include "src/core/Secret.hpp"
#include "tests/support/TempDir.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <chrono>
#include <ostream>

namespace fs = std::filesystem;
using roost::core::Config;
using roost::core::ConfigError;
using roost::core::PasswordError;
using roost::core::ProfileConfig;
using roost::core::Secret;
using roost::test::TempDir;

namespace {

constexpr auto kPrivate = fs::perms::owner_read | fs::perms::owner_write;
constexpr auto kWorldReadable = kPrivate | fs::perms::group_read | fs::perms::others_read;

fs::path write_config(const TempDir& dir, const std::string& text, fs::perms mode = kPrivate) {
    auto path = dir / "roost.toml";
    roost::test::write_file(path, text);
    fs::permissions(path, mode);
    return path;
}

// The message of the ConfigError that loading `text` throws; fails the test if none.
std::string load_error(const std::string& text, fs::perms mode = kPrivate) {
    TempDir dir;
    auto path = write_config(dir, text, mode);
    try {
        Config::load(path);
    } catch (const ConfigError& e) {
        return e.what();
    }
    FAIL("no ConfigError for:\n" << text);
    return {};
}

std::string password_error(
    const std::vector<std::string>& argv,
    std::chrono::milliseconds timeout = roost::core::kPasswordCommandTimeout) {
    try {
        roost::core::run_password_command(argv, timeout);
    } catch (const PasswordError& e) {
        return e.what();
    }
    FAIL("no PasswordError");
    return {};
}

// The first ```toml block of a markdown file.
std::string toml_example(const fs::path& markdown) {
    auto text = roost::test::read_file(markdown);
    auto start = text.find("```toml\n");
    REQUIRE(start != std::string::npos);
    start += 8;
    return text.substr(start, text.find("```", start) - start);
}

template <class T>
concept Streamable = requires(std::ostream& out, const T& value) {
    out << value;
};

}  // namespace

TEST_CASE("a full config parses into log level, plugin dirs, profiles and plugins") {
    TempDir dir;
    auto path = write_config(dir, R"(
log_level = "debug"
plugin_dirs = ["/extra/plugins", "more"]

[profiles.default]
jid = "alice@example.org"
password = "s3cret"
host = "127.0.0.1"
port = 5222
allow_plaintext = true
autoconnect = false

[profiles.work]
jid = "alice@corp.example.com/laptop"
password_command = ["pass", "show", "xmpp/alice"]

[plugins.pubsub_cache]
max_items_per_node = 500
)");
    auto config = Config::load(path);
    CHECK(config.log_level == spdlog::level::debug);
    REQUIRE(config.plugin_dirs.size() == 2);
    CHECK(config.plugin_dirs[0] == "/extra/plugins");
    CHECK(config.plugin_dirs[1] == dir.path() / "more");
    CHECK(config.plugin_settings("pubsub_cache")["max_items_per_node"] == 500);

    REQUIRE(config.profiles.size() == 2);
    const ProfileConfig* alice = config.profile("default");
    REQUIRE(alice != nullptr);
    CHECK(alice->jid == "alice@example.org");
    REQUIRE(alice->password.has_value());
    CHECK(alice->password->reveal() == "s3cret");
    CHECK(alice->password_command.empty());
    CHECK(alice->host == "127.0.0.1");
    CHECK(alice->port == 5222);
    CHECK(alice->allow_plaintext);
    CHECK_FALSE(alice->autoconnect);

    const ProfileConfig* work = config.profile("work");
    REQUIRE(work != nullptr);
    CHECK_FALSE(work->password.has_value());
    CHECK(work->password_command == std::vector<std::string>{"pass", "show", "xmpp/alice"});
    CHECK_FALSE(work->host.has_value());
    CHECK_FALSE(work->port.has_value());
    CHECK_FALSE(work->allow_plaintext);
    CHECK(work->autoconnect);
    CHECK(config.profile("nobody") == nullptr);
}

TEST_CASE("the example in doc/config.md is a valid config") {
    TempDir dir;
    auto config =
        Config::load(write_config(dir, toml_example(roost::test::source_dir() / "doc/config.md")));
    REQUIRE(config.profiles.size() == 4);
    CHECK(config.profiles[1].trust.pins.size() == 1);  // "home", profiles in name order
    CHECK(config.profiles[3].direct_tls);              // "work"
    CHECK(config.plugin_settings("xep_0277")["default_language"] == "en");
}

TEST_CASE("a missing config file gives the defaults with no profiles, unless it was asked for") {
    TempDir dir;
    auto config = Config::load_or_default(dir / "absent/roost.toml");
    CHECK(config.profiles.empty());
    CHECK(config.plugin_dirs.empty());
    CHECK(config.plugins.empty());
    CHECK(config.log_level == spdlog::level::info);
    CHECK_THROWS_WITH_AS(Config::load(dir / "absent.toml"), doctest::Contains("no such file"),
                         ConfigError);
}

TEST_CASE("an unknown key is reported with the file, its table, its line and a suggestion") {
    auto message = load_error(R"(log_level = "info"

[profiles.default]
jid = "alice@example.org"
password_command = ["pass"]

pasword = "x"
)");
    CHECK(message.find("roost.toml:7:1: unknown key 'pasword' in [profiles.default]") !=
          std::string::npos);
    CHECK(message.find("did you mean 'password'?") != std::string::npos);

    CHECK(
        load_error("plugin_dir = []\n")
            .find(":1:1: unknown key 'plugin_dir' at the top level; did you mean 'plugin_dirs'?") !=
        std::string::npos);
    CHECK(load_error("[profiles.p]\njid = \"a@b.org\"\npassword_command = [\"x\"]\nhots = \"h\"\n")
              .find("unknown key 'hots' in [profiles.p]; did you mean 'host'?") !=
          std::string::npos);
    CHECK(load_error("zzzzzz = 1\n").find("did you mean") == std::string::npos);
}

TEST_CASE("the first unknown key in the file is reported, not the first in sorted order") {
    auto message = load_error("[profiles.p]\nzebra = 1\nalpha = 2\n");
    CHECK(message.find(":2:1: unknown key 'zebra'") != std::string::npos);
}

TEST_CASE("a value of the wrong type is reported with the type expected and its position") {
    auto message = load_error(R"([profiles.default]
jid = "alice@example.org"
password_command = ["pass"]
port = "5222"
)");
    CHECK(message.find(":4:8: 'port' in [profiles.default] must be an integer, not a string") !=
          std::string::npos);
    CHECK(load_error("log_level = 3\n").find("'log_level' must be a string, not an integer") !=
          std::string::npos);
    CHECK(load_error("plugin_dirs = [\"a\", 2]\n").find("must be a string, not an integer") !=
          std::string::npos);
    CHECK(load_error("profiles = 1\n").find("'profiles' must be a table") != std::string::npos);
}

TEST_CASE("allow_plaintext must be a boolean and needs a loopback host") {
    const std::string profile = "[profiles.p]\njid = \"a@b.org\"\npassword_command = [\"x\"]\n";
    CHECK(load_error(profile + "host = \"127.0.0.1\"\nallow_plaintext = \"yes\"\n")
              .find("'allow_plaintext' in [profiles.p] must be a boolean (true or false), not a "
                    "string") != std::string::npos);
    CHECK(load_error(profile + "allow_plaintext = true\n").find("needs 'host' set to a loopback") !=
          std::string::npos);
    CHECK(load_error(profile + "host = \"127.example.org\"\nallow_plaintext = true\n")
              .find("loopback") != std::string::npos);
    TempDir dir;
    for (const char* host : {"127.0.0.2", "::1", "localhost"}) {
        CAPTURE(host);
        auto path =
            write_config(dir, profile + "host = \"" + host + "\"\nallow_plaintext = true\n");
        CHECK(Config::load(path).profiles.at(0).allow_plaintext);
    }
}

TEST_CASE("TLS settings: CA paths from the config's directory, pins, direct TLS") {
    TempDir dir;
    roost::test::write_file(dir / "ca.pem", "not read at load");
    fs::create_directories(dir / "cas");
    auto path = write_config(dir, R"(
[profiles.home]
jid = "me@home.example"
password_command = ["pass", "xmpp"]
host = "xmpp.home.example"
port = 5223
direct_tls = true
ca_file = "ca.pem"
ca_dir = "cas"
tls_pins = ["cert-sha256:3fa2000000000000000000000000000000000000000000000000000000000001",
            "key-sha256:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF"]
)");
    auto profile = Config::load(path).profiles.at(0);
    CHECK(profile.direct_tls);
    CHECK(profile.trust.ca_file == (dir / "ca.pem").string());
    CHECK(profile.trust.ca_dir == (dir / "cas").string());
    REQUIRE(profile.trust.pins.size() == 2);
    CHECK(profile.trust.pins[0].to_string() ==
          "cert-sha256:3F:A2:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:"
          "00:00:00:00:00:00:01");
    CHECK(profile.trust.pins[1].kind == roost::xmpp::CertificatePin::Kind::PublicKey);
}

TEST_CASE("bad TLS settings are refused where they are written") {
    const std::string profile = "[profiles.p]\njid = \"a@b.org\"\npassword_command = [\"x\"]\n";
    CHECK(load_error(profile + "ca_file = \"/nonexistent/ca.pem\"\n")
              .find(":4:11: 'ca_file' in [profiles.p]: /nonexistent/ca.pem is not a file") !=
          std::string::npos);
    CHECK(load_error(profile + "ca_dir = \"/etc/hostname\"\n").find("is not a directory") !=
          std::string::npos);
    CHECK(load_error(profile + "tls_pins = [\"sha1:AB\"]\n")
              .find(":4:13: 'sha1:AB' in [profiles.p]: a pin is \"cert-sha256:\" or "
                    "\"key-sha256:\"") != std::string::npos);
    CHECK(
        load_error(profile + "tls_pins = [\"cert-sha256:AB:CD\"]\n").find("64 hex digits, not 4") !=
        std::string::npos);
    CHECK(load_error(profile + "tls_pins = [\"cert-sha256:" + std::string(64, 'G') + "\"]\n")
              .find("hex digits and ':' only") != std::string::npos);
    CHECK(load_error(profile + "host = \"::1\"\nallow_plaintext = true\ndirect_tls = true\n")
              .find("direct_tls = true in [profiles.p] contradicts allow_plaintext") !=
          std::string::npos);
}

TEST_CASE("a JID needs a local part, '@' and a domain") {
    for (const char* jid : {"alice", "@example.org", "alice@", "alice@.org", "a@b@c",
                            "al ice@b.org", "alice@b.org/", ""}) {
        CAPTURE(jid);
        auto message = load_error(std::string("[profiles.p]\njid = \"") + jid +
                                  "\"\npassword_command = [\"x\"]\n");
        CHECK(message.find(":2:7: '" + std::string(jid) + "' in [profiles.p] is not a valid JID") !=
              std::string::npos);
    }
    CHECK(load_error("[profiles.p]\npassword_command = [\"x\"]\n").find("needs a 'jid'") !=
          std::string::npos);
}

TEST_CASE("a port out of range and a bad log level are refused") {
    const std::string profile = "[profiles.p]\njid = \"a@b.org\"\npassword_command = [\"x\"]\n";
    CHECK(load_error(profile + "port = 70000\n").find("between 1 and 65535, not 70000") !=
          std::string::npos);
    CHECK(load_error(profile + "port = 0\n").find("between 1 and 65535, not 0") !=
          std::string::npos);
    CHECK(load_error("log_level = \"verbose\"\n").find("not 'verbose'") != std::string::npos);
}

TEST_CASE("the old [cache] table is refused with where its settings live now") {
    auto message = load_error("log_level = \"info\"\n[cache]\nmax_items_per_node = 500\n");
    CHECK(message.find("roost.toml:2:1: [cache] is no longer read") != std::string::npos);
    CHECK(message.find("rename [cache] to [plugins.pubsub_cache]") != std::string::npos);
}

TEST_CASE("a profile needs exactly one of password and password_command") {
    auto both = load_error(
        "[profiles.p]\njid = \"a@b.org\"\npassword = \"x\"\npassword_command = [\"y\"]\n");
    CHECK(both.find("[profiles.p] has both 'password' and 'password_command'") !=
          std::string::npos);
    CHECK(load_error("[profiles.p]\njid = \"a@b.org\"\n").find("needs 'password' or") !=
          std::string::npos);
    CHECK(load_error("[profiles.p]\njid = \"a@b.org\"\npassword_command = []\n")
              .find("'password_command' in [profiles.p] is empty") != std::string::npos);
    CHECK(load_error("[profiles.\"my profile\"]\njid = \"a@b.org\"\npassword = \"x\"\n")
              .find("profile name 'my profile' may only hold") != std::string::npos);
}

TEST_CASE("a TOML syntax error names the file, the line and the column") {
    auto message = load_error("log_level = \"info\"\nport = \n");
    CHECK(message.find("roost.toml:2:") != std::string::npos);
}

TEST_CASE(
    "a config holding a password that others may read is refused; a password_command is not") {
    TempDir dir;
    auto path = write_config(dir, "[profiles.p]\njid = \"a@b.org\"\npassword = \"hunter2\"\n",
                             kPrivate | fs::perms::group_read);
    auto expected = path.string() + " holds a password and is readable by others; run: chmod 600 " +
                    path.string();
    CHECK_THROWS_WITH_AS(Config::load(path), expected.c_str(), ConfigError);
    CHECK_THROWS_AS(Config::load_or_default(path), ConfigError);
    fs::permissions(path, kPrivate);
    CHECK(Config::load(path).profiles.size() == 1);

    auto command = write_config(
        dir, "[profiles.p]\njid = \"a@b.org\"\npassword_command = [\"x\"]\n", kWorldReadable);
    CHECK(Config::load(command).profiles.size() == 1);
}

TEST_CASE("[plugins.<name>] tables reach the plugin as JSON, keys unchecked") {
    TempDir dir;
    auto path = write_config(dir, R"(
[plugins.x]
anything = "goes"
limit = 3
ratio = 0.5
on = true
tags = ["a", "b"]
since = 2024-01-02
nested = { deep = { deeper = 1 } }
)");
    auto config = Config::load(path);
    auto settings = config.plugin_settings("x");
    CHECK(settings["anything"] == "goes");
    CHECK(settings["limit"] == 3);
    CHECK(settings["ratio"] == 0.5);
    CHECK(settings["on"] == true);
    CHECK(settings["tags"] == nlohmann::json::array({"a", "b"}));
    CHECK(settings["since"] == "2024-01-02");
    CHECK(settings["nested"]["deep"]["deeper"] == 1);
    CHECK(config.plugin_settings("absent") == nlohmann::json::object());
    CHECK(load_error("[plugins]\nx = 1\n").find("'plugins.x' must be a table") !=
          std::string::npos);
}

TEST_CASE("a password command's output, less one trailing newline, is the password") {
    auto secret = roost::core::run_password_command({"printf", "%s\\n\\n", "s3cret"});
    CHECK(secret.reveal() == "s3cret\n");
    CHECK(roost::core::run_password_command({"printf", "pw"}).reveal() == "pw");
}

TEST_CASE("a failing password command is named without leaking what it printed") {
    auto message = password_error({"sh", "-c", "echo leaked-out; echo leaked-err >&2; exit 3"});
    CHECK(message == "password command 'sh' exited with status 3; run it by hand to see why");
    CHECK(password_error({"true"}) == "password command 'true' printed nothing");
    CHECK(password_error({"roost-no-such-command"}).find("'roost-no-such-command' cannot start") !=
          std::string::npos);
    CHECK(password_error({"sh", "-c", "kill -9 $$"}).find("killed by signal 9") !=
          std::string::npos);
    CHECK(password_error({}) == "the password command is empty");
}

TEST_CASE("a password command that runs too long is killed at the timeout") {
    auto start = std::chrono::steady_clock::now();
    // The background sleep keeps stdout open: only killing the group ends it.
    auto message = password_error({"sh", "-c", "sleep 30 & echo leaked; sleep 30"},
                                  std::chrono::milliseconds(300));
    CHECK(message == "password command 'sh' did not finish within 300 ms");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("resolve_password gives the literal or the command's output, naming the profile") {
    ProfileConfig literal;
    literal.password = Secret("lit");
    CHECK(roost::core::resolve_password(literal).reveal() == "lit");

    ProfileConfig command;
    command.password_command = {"printf", "out\\n"};
    CHECK(roost::core::resolve_password(command).reveal() == "out");

    ProfileConfig failing;
    failing.name = "c";
    failing.password_command = {"false"};
    CHECK_THROWS_WITH_AS(roost::core::resolve_password(failing),
                         "profile 'c': password command 'false' exited with status 1; run it by "
                         "hand to see why",
                         PasswordError);
}

TEST_CASE("a Secret never prints its value") {
    static_assert(!Streamable<Secret>);
    static_assert(!fmt::is_formattable<Secret>::value);
    Secret secret("hunter2");
    CHECK(secret.to_string() == "***");
    Secret copy = secret;
    copy = Secret("other");
    CHECK(copy.reveal() == "other");
    CHECK(secret.reveal() == "hunter2");
    CHECK(Secret().empty());
}
