// SPDX-License-Identifier: MIT
// MigrationSet: parsing migration file names and checking the set is whole.
#include "src/storage/MigrationSet.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

namespace roost::storage {
namespace {

struct ParsedName {
    int version;
    std::string name;
    bool up;
};

std::optional<ParsedName> parse_file_name(std::string_view file) {
    constexpr std::string_view kUp = ".up.sql", kDown = ".down.sql";
    bool up = file.ends_with(kUp);
    if (!up && !file.ends_with(kDown)) return std::nullopt;
    file.remove_suffix(up ? kUp.size() : kDown.size());
    if (file.size() < 6 || file[4] != '_') return std::nullopt;
    int version = 0;
    auto [end, ec] = std::from_chars(file.data(), file.data() + 4, version);
    if (ec != std::errc() || end != file.data() + 4) return std::nullopt;
    std::string_view name = file.substr(5);
    if (!is_valid_migration_name(name)) return std::nullopt;
    return ParsedName{version, std::string(name), up};
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw MigrationError(path.string() + ": cannot read");
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

}  // namespace

std::string migration_label(int version, std::string_view name) {
    std::string number = std::to_string(version);
    if (number.size() < 4) number.insert(0, 4 - number.size(), '0');
    return number + "_" + std::string(name);
}

std::string Migration::label() const { return migration_label(version, name); }

std::string checksum_of(std::string_view text) {
    std::uint64_t hash = 14695981039346656037ull;
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 1099511628211ull;
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
    return hex;
}

bool is_valid_migration_name(std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

MigrationSet MigrationSet::embedded() { return from_files(embedded_migration_files()); }

MigrationSet MigrationSet::from_directory(const std::filesystem::path& directory) {
    if (!std::filesystem::is_directory(directory))
        throw MigrationError(directory.string() + ": no such migrations directory");
    std::vector<std::string> names, texts;
    for (const auto& entry : std::filesystem::directory_iterator(directory)) {
        std::string file = entry.path().filename().string();
        if (!file.ends_with(".sql")) continue;
        names.push_back(file);
        texts.push_back(read_file(entry.path()));
    }
    std::vector<MigrationFile> files;
    for (std::size_t i = 0; i < names.size(); ++i)
        files.push_back({names[i].c_str(), texts[i].c_str()});
    return from_files(files);
}

MigrationSet MigrationSet::from_files(std::span<const MigrationFile> files) {
    std::map<int, Migration> by_version;
    for (const MigrationFile& file : files) {
        auto parsed = parse_file_name(file.name);
        if (!parsed)
            throw MigrationError(std::string(file.name) +
                                 ": not a migration file name (want NNNN_name.up.sql or "
                                 "NNNN_name.down.sql, name in [a-z0-9_])");
        Migration& m = by_version[parsed->version];
        if (!m.name.empty() && m.name != parsed->name)
            throw MigrationError("two migrations numbered " + std::to_string(parsed->version) +
                                 ": " + m.name + " and " + parsed->name);
        m.version = parsed->version;
        m.name = parsed->name;
        (parsed->up ? m.up_sql : m.down_sql) = file.text;
    }
    MigrationSet set;
    int expected = 1;
    for (auto& [version, m] : by_version) {
        if (version != expected)
            throw MigrationError("migration " + std::to_string(expected) + " is missing (found " +
                                 m.label() + " next)");
        if (m.up_sql.empty() || m.down_sql.empty())
            throw MigrationError(m.label() + ": needs both an .up.sql and a .down.sql file");
        m.checksum = checksum_of(m.up_sql);
        set.migrations_.push_back(std::move(m));
        ++expected;
    }
    return set;
}

const Migration* MigrationSet::find(int version) const {
    if (version < 1 || version > latest_version()) return nullptr;
    return &migrations_[static_cast<std::size_t>(version - 1)];
}

}  // namespace roost::storage
