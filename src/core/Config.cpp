// SPDX-License-Identifier: MIT
// Config: parsing roost.toml with toml++ and checking every key, type and value,
// so that a mistake is reported with its line at start rather than acted upon.
#include "src/core/Config.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <span>
#include <sstream>
#include <utility>

namespace roost::core {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::string_view, 4> kTopKeys = {"log_level", "plugin_dirs", "profiles",
                                                      "plugins"};
constexpr std::array<std::string_view, 11> kProfileKeys = {
    "jid",        "password", "password_command", "host",     "port",       "allow_plaintext",
    "direct_tls", "ca_file",  "ca_dir",           "tls_pins", "autoconnect"};
constexpr std::array<std::pair<std::string_view, spdlog::level::level_enum>, 5> kLogLevels = {{
    {"trace", spdlog::level::trace},
    {"debug", spdlog::level::debug},
    {"info", spdlog::level::info},
    {"warn", spdlog::level::warn},
    {"error", spdlog::level::err},
}};

// Levenshtein distance, one row at a time; keys are short.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j < row.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            std::size_t replace = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
            row[j] = std::min({above + 1, row[j - 1] + 1, replace});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// "; did you mean 'password'?" when a known key is a typo or two away.
std::string suggestion(std::string_view key, std::span<const std::string_view> known) {
    std::size_t best_distance = key.size() <= 3 ? 2 : 3;  // anything closer than this
    std::string_view best;
    for (auto candidate : known) {
        if (auto distance = edit_distance(key, candidate); distance < best_distance) {
            best = candidate;
            best_distance = distance;
        }
    }
    return best.empty() ? "" : "; did you mean '" + std::string(best) + "'?";
}

bool before(const toml::source_region& a, const toml::source_region& b) {
    return std::pair(a.begin.line, a.begin.column) < std::pair(b.begin.line, b.begin.column);
}

std::string type_phrase(toml::node_type type) {
    switch (type) {
        case toml::node_type::string: return "a string";
        case toml::node_type::integer: return "an integer";
        case toml::node_type::floating_point: return "a floating-point number";
        case toml::node_type::boolean: return "a boolean";
        case toml::node_type::date: return "a date";
        case toml::node_type::time: return "a time";
        case toml::node_type::date_time: return "a date-time";
        case toml::node_type::array: return "an array";
        case toml::node_type::table: return "a table";
        case toml::node_type::none: break;
    }
    return "nothing";
}

std::string in(const std::string& scope) { return scope.empty() ? "" : " in [" + scope + "]"; }

// Names that work unquoted on the command line: `roost profile work`.
bool is_valid_profile_name(std::string_view name) {
    auto allowed = [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; };
    return !name.empty() && std::all_of(name.begin(), name.end(), allowed);
}

// local@domain, optionally /resource; the server has the final word on the rest.
bool is_valid_jid(std::string_view jid) {
    auto printable = [](unsigned char c) { return c > ' ' && c != 0x7f; };
    if (!std::all_of(jid.begin(), jid.end(), printable)) return false;
    auto slash = jid.find('/');
    if (slash != std::string_view::npos && slash + 1 == jid.size()) return false;  // empty resource
    auto bare = jid.substr(0, slash);
    auto at = bare.find('@');
    if (at == std::string_view::npos || at == 0) return false;
    auto domain = bare.substr(at + 1);
    return !domain.empty() && domain.find('@') == std::string_view::npos && domain.front() != '.' &&
           domain.back() != '.';
}

// Address literals only (and "localhost"): "127.example.org" is a remote name.
bool is_loopback(const std::optional<std::string>& host) {
    if (!host) return false;
    if (*host == "localhost") return true;
    in_addr v4{};
    if (::inet_pton(AF_INET, host->c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    return ::inet_pton(AF_INET6, host->c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

// Plugin sections reach plugins as JSON, the SDK's data type; dates and times
// become their ISO 8601 text.
nlohmann::json to_json(const toml::node& node) {
    if (auto* table = node.as_table()) {
        auto object = nlohmann::json::object();
        for (const auto& [key, value] : *table) object[std::string(key.str())] = to_json(value);
        return object;
    }
    if (auto* array = node.as_array()) {
        auto list = nlohmann::json::array();
        for (const auto& value : *array) list.push_back(to_json(value));
        return list;
    }
    if (auto* text = node.as_string()) return text->get();
    if (auto* integer = node.as_integer()) return integer->get();
    if (auto* number = node.as_floating_point()) return number->get();
    if (auto* boolean = node.as_boolean()) return boolean->get();
    std::ostringstream out;
    node.visit([&out](const auto& value) { out << value; });
    return out.str();
}

// Reads one parsed file into a Config; every problem throws a ConfigError that
// points at its line in the file.
class Reader {
public:
    explicit Reader(std::string path) : path_(std::move(path)) {}

    Config read(std::string_view text, const fs::path& base_dir) const;

private:
    [[noreturn]] void fail(const toml::source_region& at, const std::string& what) const {
        if (at.begin.line == 0) throw ConfigError(path_ + ": " + what);
        throw ConfigError(path_ + ":" + std::to_string(at.begin.line) + ":" +
                          std::to_string(at.begin.column) + ": " + what);
    }

    // Reports the first unknown key in file order, not toml++'s sorted order.
    void check_keys(const toml::table& table, const std::string& scope,
                    std::span<const std::string_view> known) const {
        const toml::key* first = nullptr;
        for (const auto& entry : table) {
            const toml::key& key = entry.first;
            if (std::find(known.begin(), known.end(), key.str()) != known.end()) continue;
            if (!first || before(key.source(), first->source())) first = &key;
        }
        if (!first) return;
        auto where = scope.empty() ? std::string(" at the top level") : in(scope);
        fail(first->source(), "unknown key '" + std::string(first->str()) + "'" + where +
                                  suggestion(first->str(), known));
    }

    // The value under `key` (nullptr when absent), as T; any other type throws.
    template <class T>
    auto get(const toml::table& table, std::string_view key, const std::string& scope,
             std::string_view wanted) const {
        const toml::node* node = table.get(key);
        if (!node) return decltype(node->as<T>())(nullptr);
        if (auto* typed = node->as<T>()) return typed;
        fail(node->source(), "'" + std::string(key) + "'" + in(scope) + " must be " +
                                 std::string(wanted) + ", not " + type_phrase(node->type()));
    }

    std::optional<std::vector<std::string>> strings(const toml::table& table, std::string_view key,
                                                    const std::string& scope) const {
        auto* array = get<toml::array>(table, key, scope, "an array of strings");
        if (!array) return std::nullopt;
        std::vector<std::string> result;
        for (const auto& item : *array) {
            auto* text = item.as_string();
            auto what = "each item of '" + std::string(key) + "'" + in(scope);
            if (!text)
                fail(item.source(), what + " must be a string, not " + type_phrase(item.type()));
            if (text->get().empty()) fail(item.source(), what + " must be non-empty");
            result.push_back(text->get());
        }
        return result;
    }

    spdlog::level::level_enum log_level(const toml::table& root) const;
    ProfileConfig profile(const toml::key& name, const toml::node& node,
                          const fs::path& base_dir) const;
    void read_password(const toml::table& table, const std::string& scope,
                       ProfileConfig& profile) const;
    void read_tls(const toml::table& table, const std::string& scope, const fs::path& base_dir,
                  ProfileConfig& profile) const;
    void reject_old_tables(const toml::table& root) const;
    std::map<std::string, nlohmann::json, std::less<>> plugins(const toml::table& root) const;

    std::string path_;
};

Config Reader::read(std::string_view text, const fs::path& base_dir) const {
    toml::table root;
    try {
        root = toml::parse(text, std::string_view(path_));
    } catch (const toml::parse_error& e) {
        fail(e.source(), std::string(e.description()));
    }
    reject_old_tables(root);
    check_keys(root, "", kTopKeys);
    Config config;
    config.log_level = log_level(root);
    for (const auto& dir : strings(root, "plugin_dirs", "").value_or(std::vector<std::string>{}))
        config.plugin_dirs.push_back((base_dir / dir).lexically_normal());
    if (auto* profiles = get<toml::table>(root, "profiles", "", "a table")) {
        for (const auto& [name, node] : *profiles)
            config.profiles.push_back(profile(name, node, base_dir));
    }
    config.plugins = plugins(root);
    return config;
}

spdlog::level::level_enum Reader::log_level(const toml::table& root) const {
    auto* name = get<std::string>(root, "log_level", "", "a string");
    if (!name) return spdlog::level::info;
    for (const auto& [known, level] : kLogLevels) {
        if (known == name->get()) return level;
    }
    fail(name->source(),
         "'log_level' must be one of trace, debug, info, warn, error; not '" + name->get() + "'");
}

ProfileConfig Reader::profile(const toml::key& name, const toml::node& node,
                              const fs::path& base_dir) const {
    std::string scope = "profiles." + std::string(name.str());
    if (!is_valid_profile_name(name.str()))
        fail(name.source(), "profile name '" + std::string(name.str()) +
                                "' may only hold letters, digits, '-' and '_'");
    auto* table = node.as_table();
    if (!table) fail(node.source(), "'" + scope + "' must be a table: [" + scope + "]");
    check_keys(*table, scope, kProfileKeys);

    ProfileConfig profile;
    profile.name = name.str();
    auto* jid = get<std::string>(*table, "jid", scope, "a string");
    if (!jid) fail(table->source(), "[" + scope + "] needs a 'jid', such as \"alice@example.org\"");
    if (!is_valid_jid(jid->get()))
        fail(jid->source(), "'" + jid->get() + "'" + in(scope) +
                                " is not a valid JID: it needs a local part, '@' and a domain,"
                                " as in \"alice@example.org\"");
    profile.jid = jid->get();
    read_password(*table, scope, profile);

    if (auto* host = get<std::string>(*table, "host", scope, "a string")) {
        if (host->get().empty()) fail(host->source(), "'host'" + in(scope) + " is empty");
        profile.host = host->get();
    }
    if (auto* port = get<std::int64_t>(*table, "port", scope, "an integer")) {
        if (port->get() < 1 || port->get() > 65535)
            fail(port->source(), "'port'" + in(scope) + " must be between 1 and 65535, not " +
                                     std::to_string(port->get()));
        profile.port = static_cast<std::uint16_t>(port->get());
    }
    if (auto* autoconnect = get<bool>(*table, "autoconnect", scope, "a boolean (true or false)"))
        profile.autoconnect = autoconnect->get();
    auto* plaintext = get<bool>(*table, "allow_plaintext", scope, "a boolean (true or false)");
    profile.allow_plaintext = plaintext && plaintext->get();
    // Plaintext would send the password in the clear: only where it cannot leave the machine.
    if (profile.allow_plaintext && !is_loopback(profile.host))
        fail(plaintext->source(), "allow_plaintext = true" + in(scope) +
                                      " needs 'host' set to a loopback address (127.0.0.1, ::1"
                                      " or localhost), for a local test server only");
    read_tls(*table, scope, base_dir, profile);
    return profile;
}

void Reader::read_tls(const toml::table& table, const std::string& scope, const fs::path& base_dir,
                      ProfileConfig& profile) const {
    if (auto* direct = get<bool>(table, "direct_tls", scope, "a boolean (true or false)")) {
        profile.direct_tls = direct->get();
        if (profile.direct_tls && profile.allow_plaintext)
            fail(direct->source(),
                 "direct_tls = true" + in(scope) + " contradicts allow_plaintext = true; keep one");
    }
    // Read at start: a typo in a path is an error now, not a refused certificate later.
    auto path = [&](std::string_view key, fs::file_type wanted, std::string_view what) {
        auto* text = get<std::string>(table, key, scope, "a string");
        if (!text) return std::optional<std::string>();
        fs::path resolved = (base_dir / text->get()).lexically_normal();
        std::error_code error;
        if (fs::status(resolved, error).type() != wanted)
            fail(text->source(), "'" + std::string(key) + "'" + in(scope) + ": " +
                                     resolved.string() + " is not " + std::string(what));
        return std::optional<std::string>(resolved.string());
    };
    profile.trust.ca_file = path("ca_file", fs::file_type::regular, "a file (PEM certificates)");
    profile.trust.ca_dir = path("ca_dir", fs::file_type::directory, "a directory");
    if (!table.get("tls_pins")) return;
    auto pins = strings(table, "tls_pins", scope);
    const auto& items = *table.get("tls_pins")->as_array();
    for (std::size_t i = 0; i < pins->size(); ++i) {
        try {
            profile.trust.pins.push_back(xmpp::CertificatePin::parse((*pins)[i]));
        } catch (const std::invalid_argument& e) {
            fail(items[i].source(), "'" + (*pins)[i] + "'" + in(scope) + ": " + e.what() +
                                        ", as in \"cert-sha256:3F:A2:...\"");
        }
    }
}

void Reader::read_password(const toml::table& table, const std::string& scope,
                           ProfileConfig& profile) const {
    auto* password = get<std::string>(table, "password", scope, "a string");
    auto command = strings(table, "password_command", scope);
    if (password && command)
        fail(table.get("password_command")->source(),
             "[" + scope + "] has both 'password' and 'password_command'; keep one");
    if (password) {
        if (password->get().empty())
            fail(password->source(), "'password'" + in(scope) + " is empty");
        profile.password = Secret(password->get());
        return;
    }
    if (!command) fail(table.source(), "[" + scope + "] needs 'password' or 'password_command'");
    if (command->empty())
        fail(table.get("password_command")->source(),
             "'password_command'" + in(scope) +
                 " is empty; give the program and its arguments, such as"
                 " [\"pass\", \"show\", \"xmpp/alice\"]");
    profile.password_command = std::move(*command);
}

// A table older versions read, with where its keys live now.
void Reader::reject_old_tables(const toml::table& root) const {
    if (const toml::node* cache = root.get("cache"))
        fail(cache->source(),
             "[cache] is no longer read: the pubsub cache's settings live in its plugin's"
             " table; rename [cache] to [plugins.pubsub_cache]");
}

std::map<std::string, nlohmann::json, std::less<>> Reader::plugins(const toml::table& root) const {
    std::map<std::string, nlohmann::json, std::less<>> result;
    auto* table = get<toml::table>(root, "plugins", "", "a table");
    if (!table) return result;
    for (const auto& [name, node] : *table) {
        std::string scope = "plugins." + std::string(name.str());
        if (!node.is_table())
            fail(node.source(), "'" + scope + "' must be a table: [" + scope + "]");
        result.emplace(name.str(), to_json(node));
    }
    return result;
}

// A literal password is as safe as the file's mode; a password_command is not a secret.
void check_password_is_private(const Config& config, const fs::path& path, fs::perms perms) {
    auto literal = [](const ProfileConfig& profile) { return profile.password.has_value(); };
    if (std::none_of(config.profiles.begin(), config.profiles.end(), literal)) return;
    if ((perms & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none) return;
    throw ConfigError(path.string() +
                      " holds a password and is readable by others; run: chmod 600 " +
                      path.string());
}

std::optional<Config> load_if_present(const fs::path& path) {
    std::error_code error;
    auto status = fs::status(path, error);
    if (status.type() == fs::file_type::not_found) return std::nullopt;
    if (error) throw ConfigError(path.string() + ": cannot read: " + error.message());
    if (status.type() != fs::file_type::regular)
        throw ConfigError(path.string() + ": not a regular file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError(path.string() + ": cannot open for reading");
    std::ostringstream text;
    text << in.rdbuf();
    auto config = Reader(path.string()).read(text.str(), fs::absolute(path).parent_path());
    check_password_is_private(config, path, status.permissions());
    return config;
}

}  // namespace

const ProfileConfig* Config::profile(std::string_view name) const {
    auto found =
        std::find_if(profiles.begin(), profiles.end(),
                     [name](const ProfileConfig& profile) { return profile.name == name; });
    return found == profiles.end() ? nullptr : &*found;
}

nlohmann::json Config::plugin_settings(std::string_view name) const {
    auto found = plugins.find(name);
    return found == plugins.end() ? nlohmann::json::object() : found->second;
}

Config Config::load(const std::filesystem::path& path) {
    auto config = load_if_present(path);
    if (!config) throw ConfigError(path.string() + ": no such file");
    return std::move(*config);
}

Config Config::load_or_default(const std::filesystem::path& path) {
    return load_if_present(path).value_or(Config{});
}

}  // namespace roost::core
