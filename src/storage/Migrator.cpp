// SPDX-License-Identifier: MIT
// Migrator: planning, running and checking migrations.
#include "src/storage/Migrator.hpp"

#include "src/storage/UnixTime.hpp"

namespace roost::storage {
namespace {

constexpr const char* kCreateMigrationsTable = "CREATE TABLE IF NOT EXISTS schema_migrations (\n"
                                               "    version INTEGER PRIMARY KEY,\n"
                                               "    name TEXT NOT NULL,\n"
                                               "    checksum TEXT NOT NULL,\n"
                                               "    applied_at INTEGER NOT NULL\n"
                                               ")";

// Drops comments and folds white space, outside of quoted text.
std::string normalize_sql(const std::string& sql) {
    std::string out;
    char quote = 0;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        char c = sql[i];
        if (quote) {
            out += c;
            if (c == quote) quote = 0;
            continue;
        }
        if (c == '\'' || c == '"' || c == '`') {
            quote = c;
            out += c;
            continue;
        }
        if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            while (i < sql.size() && sql[i] != '\n') ++i;
            c = ' ';
        }
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            if (!out.empty() && out.back() != ' ') out += ' ';
            continue;
        }
        // No space inside parentheses or before commas, so layout never matters.
        if ((c == ')' || c == ',') && !out.empty() && out.back() == ' ') out.pop_back();
        if (!out.empty() && out.back() == ' ' && out.size() >= 2 && out[out.size() - 2] == '(')
            out.pop_back();
        out += c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

// Rebuilding a table (SQLite's 12-step ALTER) needs foreign keys off, and the
// pragma is a no-op inside a transaction; foreign_key_check stands in for it.
class ForeignKeysOff {
public:
    explicit ForeignKeysOff(Database& db) : db_(db) { db_.exec("PRAGMA foreign_keys = OFF"); }
    ~ForeignKeysOff() {
        try {
            db_.exec("PRAGMA foreign_keys = ON");
        } catch (...) {  // destructors never throw; the connection is closing anyway
        }
    }
    ForeignKeysOff(const ForeignKeysOff&) = delete;
    ForeignKeysOff& operator=(const ForeignKeysOff&) = delete;

private:
    Database& db_;
};

}  // namespace

Migrator::Migrator(Database& db, const MigrationSet& migrations)
    : db_(db), migrations_(migrations) {}

bool Migrator::has_migrations_table() { return db_.sqlite().tableExists("schema_migrations"); }

void Migrator::ensure_migrations_table() { db_.exec(kCreateMigrationsTable); }

std::vector<AppliedMigration> Migrator::applied() {
    std::vector<AppliedMigration> result;
    if (!has_migrations_table()) return result;
    auto query = db_.prepare(
        "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version");
    while (query.executeStep()) {
        result.push_back({query.getColumn(0).getInt(), query.getColumn(1).getString(),
                          query.getColumn(2).getString(), query.getColumn(3).getInt64()});
    }
    return result;
}

int Migrator::current_version() {
    if (!has_migrations_table()) return 0;
    return db_.sqlite()
        .execAndGet("SELECT coalesce(max(version), 0) FROM schema_migrations")
        .getInt();
}

void Migrator::verify() {
    if (!has_migrations_table()) {
        int tables = db_.sqlite().execAndGet("SELECT count(*) FROM sqlite_master").getInt();
        if (tables > 0)
            throw MigrationRefused(db_.path().string() +
                                   ": has tables but no schema_migrations: not a Roost "
                                   "database; point --db at a Roost database or a new file");
        return;
    }
    int expected = 1;
    for (const AppliedMigration& a : applied()) {
        const Migration* known = migrations_.find(a.version);
        if (!known)
            throw MigrationRefused(
                "the database is at version " + std::to_string(current_version()) +
                " but this Roost knows migrations up to " +
                std::to_string(migrations_.latest_version()) +
                "; run a newer Roost, or restore a backup made before the upgrade");
        if (a.version != expected)
            throw MigrationRefused("the database records migration " + std::to_string(a.version) +
                                   " without " + std::to_string(expected) +
                                   "; its history was edited by hand: restore a backup");
        if (a.name != known->name || a.checksum != known->checksum)
            throw MigrationRefused("migration " + known->label() + " was applied as " + a.name +
                                   " with checksum " + a.checksum + ", but its file now has " +
                                   known->checksum + "; restore " + known->label() +
                                   ".up.sql as it was and put the change in a new migration");
        ++expected;
    }
}

std::vector<MigrationStep> Migrator::plan_upgrade(std::optional<int> target) {
    verify();
    int from = current_version();
    int to = target.value_or(migrations_.latest_version());
    if (to > migrations_.latest_version())
        throw MigrationError("no migration " + std::to_string(to) + ": the latest is " +
                             std::to_string(migrations_.latest_version()));
    if (to < from)
        throw MigrationError("the database is at version " + std::to_string(from) + ", above " +
                             std::to_string(to) + "; use downgrade to go back");
    std::vector<MigrationStep> steps;
    for (int v = from + 1; v <= to; ++v) steps.push_back({migrations_.find(v), true});
    return steps;
}

std::vector<MigrationStep> Migrator::plan_downgrade(int target) {
    verify();
    int from = current_version();
    if (target < 0) throw MigrationError("cannot downgrade to version " + std::to_string(target));
    if (target > from)
        throw MigrationError("the database is at version " + std::to_string(from) + ", below " +
                             std::to_string(target) + "; use upgrade to go forward");
    std::vector<MigrationStep> steps;
    for (int v = from; v > target; --v) steps.push_back({migrations_.find(v), false});
    return steps;
}

void Migrator::run(const std::vector<MigrationStep>& steps) {
    if (steps.empty()) return;
    ForeignKeysOff foreign_keys_off(db_);
    auto transaction = db_.transaction();
    ensure_migrations_table();
    for (const MigrationStep& step : steps) {
        const Migration& m = *step.migration;
        try {
            db_.exec(step.sql());
        } catch (const SQLite::Exception& e) {
            throw MigrationError("migration " + m.label() + (step.up ? " up" : " down") +
                                 " failed: " + e.what() + "; the database is unchanged");
        }
        if (step.up) {
            auto insert =
                db_.prepare("INSERT INTO schema_migrations (version, name, checksum, applied_at) "
                            "VALUES (?, ?, ?, ?)");
            insert.bind(1, m.version);
            insert.bind(2, m.name);
            insert.bind(3, m.checksum);
            insert.bind(4, now_ms());
            insert.exec();
        } else {
            auto remove = db_.prepare("DELETE FROM schema_migrations WHERE version = ?");
            remove.bind(1, m.version);
            remove.exec();
        }
    }
    auto violations = db_.prepare("PRAGMA foreign_key_check");
    if (violations.executeStep())
        throw MigrationError("the migrations leave rows in " + violations.getColumn(0).getString() +
                             " that break a foreign key; the database is unchanged");
    transaction.commit();
}

std::string Migrator::script(const std::vector<MigrationStep>& steps) {
    std::string out = "BEGIN IMMEDIATE;\n";
    for (const MigrationStep& step : steps) {
        out += "-- " + step.migration->label() + (step.up ? " (up)\n" : " (down)\n");
        out += step.sql();
        if (!out.ends_with('\n')) out += '\n';
    }
    return out + "COMMIT;\n";
}

std::string normalized_schema(Database& db) {
    // PRAGMA table_list marks FTS5's own tables as 'shadow'; creating the virtual
    // table creates them, so they are not part of the schema one writes.
    auto query =
        db.prepare("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL "
                   "AND name <> 'schema_migrations' AND name NOT LIKE 'sqlite_%' "
                   "AND name NOT IN (SELECT name FROM pragma_table_list WHERE type = 'shadow') "
                   "ORDER BY rowid");
    std::string out;
    while (query.executeStep()) out += normalize_sql(query.getColumn(0).getString()) + ";\n";
    return out;
}

}  // namespace roost::storage
