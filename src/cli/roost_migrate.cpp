// SPDX-License-Identifier: MIT
// roost-migrate: inspects and changes the schema version of a Roost database.
// Exit codes are documented in doc/migrations.md and stable for scripts.
#include "src/cli/ParseErrors.hpp"
#include "src/common/XdgPaths.hpp"
#include "src/storage/Backup.hpp"
#include "src/storage/Database.hpp"
#include "src/storage/DatabaseLock.hpp"
#include "src/storage/MigrationSet.hpp"
#include "src/storage/Migrator.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

namespace {

using namespace roost::storage;
namespace fs = std::filesystem;

enum Exit : int {
    kOk = 0,
    kFailed = 1,       // a migration failed or the database could not be used
    kUsage = 2,        // bad command line
    kLocked = 3,       // a running roostd holds the database
    kRefused = 4,      // database newer than known, or an applied migration was edited
    kCheckFailed = 5,  // `check` found a difference
};

struct Options {
    fs::path db;
    fs::path migrations_dir;  // empty: the migrations built into this binary
    fs::path schema_file = fs::path(ROOST_SOURCE_DIR) / "schema" / "schema.sql";
    bool dry_run = false;
    std::optional<int> to;
    std::string new_name;
};

MigrationSet load_migrations(const Options& options) {
    if (options.migrations_dir.empty()) return MigrationSet::embedded();
    return MigrationSet::from_directory(options.migrations_dir);
}

std::string format_time(std::int64_t ms) {
    std::time_t seconds = ms / 1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%SZ", &utc);
    return text;
}

// Reading commands never create the database: a missing file reads as version 0.
std::unique_ptr<Database> open_for_reading(const fs::path& path) {
    if (!fs::exists(path)) return std::make_unique<Database>(std::string(Database::kInMemory));
    return std::make_unique<Database>(path, Database::Mode::ReadOnly);
}

int status(const Options& options) {
    auto migrations = load_migrations(options);
    auto db = open_for_reading(options.db);
    Migrator migrator(*db, migrations);
    int current = migrator.current_version();
    std::cout << "database: " << options.db.string()
              << (fs::exists(options.db) ? "" : " (does not exist yet)") << "\n";
    const Migration* at = migrations.find(current);
    std::cout << "version:  " << current << (at ? " (" + at->label() + ")" : "") << "\n";
    std::cout << "latest:   " << migrations.latest_version() << "\n";
    migrator.verify();
    auto pending = migrator.plan_upgrade();
    std::cout << "pending:  " << (pending.empty() ? "none" : "") << "\n";
    for (const auto& step : pending) std::cout << "  " << step.migration->label() << "\n";
    return kOk;
}

int history(const Options& options) {
    auto migrations = load_migrations(options);
    auto db = open_for_reading(options.db);
    Migrator migrator(*db, migrations);
    auto applied = migrator.applied();
    if (applied.empty()) std::cout << "no migration applied\n";
    for (const auto& a : applied) {
        std::cout << migration_label(a.version, a.name) << "  " << format_time(a.applied_at_ms)
                  << "  " << a.checksum << "\n";
    }
    return kOk;
}

// Upgrade and downgrade share everything but the plan.
int migrate(const Options& options, bool up) {
    auto migrations = load_migrations(options);
    if (!up && !options.to) throw CLI::ValidationError("downgrade needs --to N");
    if (options.dry_run) {
        auto db = open_for_reading(options.db);
        Migrator migrator(*db, migrations);
        auto steps = up ? migrator.plan_upgrade(options.to) : migrator.plan_downgrade(*options.to);
        if (steps.empty())
            std::cout << "-- nothing to do\n";
        else
            std::cout << Migrator::script(steps);
        return kOk;
    }
    fs::create_directories(options.db.parent_path().empty() ? "." : options.db.parent_path());
    DatabaseLock lock(options.db);
    Database db(options.db);
    Migrator migrator(db, migrations);
    int from = migrator.current_version();
    auto steps = up ? migrator.plan_upgrade(options.to) : migrator.plan_downgrade(*options.to);
    if (steps.empty()) {
        std::cout << "already at version " << from << "\n";
        return kOk;
    }
    if (auto backup = migrate_with_backup(db, migrator, steps))
        std::cout << "backup: " << backup->string() << "\n";
    for (const auto& step : steps)
        std::cout << (up ? "applied  " : "reverted ") << step.migration->label() << "\n";
    std::cout << "now at version " << migrator.current_version() << "\n";
    return kOk;
}

int check(const Options& options) {
    auto migrations = load_migrations(options);
    auto db = open_for_reading(options.db);
    Migrator(*db, migrations).verify();
    std::cout << "applied migrations match their files\n";
    if (!fs::exists(options.schema_file)) {
        std::cout << "schema: " << options.schema_file.string()
                  << " not found, not compared (pass --schema)\n";
        return kOk;
    }
    Database migrated{std::string(Database::kInMemory)};
    Migrator fresh(migrated, migrations);
    fresh.run(fresh.plan_upgrade());
    Database declared{std::string(Database::kInMemory)};
    std::ifstream in(options.schema_file);
    std::stringstream text;
    text << in.rdbuf();
    declared.exec(text.str());
    if (normalized_schema(migrated) != normalized_schema(declared)) {
        std::cerr << "roost-migrate: " << options.schema_file.string()
                  << " differs from the result of all migrations; regenerate it with "
                     "`roost-migrate schema > schema/schema.sql` and review the diff\n";
        return kCheckFailed;
    }
    std::cout << "schema: " << options.schema_file.string() << " matches all migrations\n";
    return kOk;
}

int print_schema(const Options& options) {
    auto migrations = load_migrations(options);
    Database db{std::string(Database::kInMemory)};
    Migrator migrator(db, migrations);
    migrator.run(migrator.plan_upgrade());
    std::cout << "-- The full current schema: the result of all migrations.\n"
                 "-- Generated by `roost-migrate schema`; checked by `roost-migrate check`.\n"
              << normalized_schema(db);
    return kOk;
}

int create_migration(const Options& options) {
    if (!is_valid_migration_name(options.new_name))
        throw CLI::ValidationError("NAME takes lower-case letters, digits and '_' only");
    fs::path dir = options.migrations_dir.empty() ? fs::path(ROOST_SOURCE_DIR) / "migrations"
                                                  : options.migrations_dir;
    auto existing = MigrationSet::from_directory(dir);
    std::string base = migration_label(existing.latest_version() + 1, options.new_name);
    fs::path up = dir / (base + ".up.sql"), down = dir / (base + ".down.sql");
    std::ofstream(up) << "-- " << base << ": what this migration changes and why.\n";
    std::ofstream(down) << "-- " << base << ": undoes " << base << ".up.sql exactly.\n";
    std::cout << up.string() << "\n" << down.string() << "\n";
    return kOk;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"roost-migrate: inspect and change the schema version of a Roost database"};
    app.require_subcommand(1);
    Options options;
    try {
        options.db = roost::common::XdgPaths::from_environment().database();
    } catch (const std::exception&) {
        // No default; --db is then required in practice and open() says so.
    }
    app.add_option("--db", options.db, "database file")->capture_default_str();
    app.add_option("--migrations-dir", options.migrations_dir,
                   "read migrations from DIR instead of the built-in ones");
    app.add_flag("--dry-run", options.dry_run, "print the SQL an upgrade or downgrade would run");
    app.set_version_flag("--version", ROOST_VERSION);

    auto* status_cmd = app.add_subcommand("status", "version, latest version, pending migrations");
    auto* upgrade_cmd = app.add_subcommand("upgrade", "apply pending migrations (backup first)");
    upgrade_cmd->add_option("--to", options.to, "stop at version N");
    auto* downgrade_cmd = app.add_subcommand("downgrade", "revert migrations down to version N");
    downgrade_cmd->add_option("--to", options.to, "version to go back to")->required();
    auto* history_cmd = app.add_subcommand("history", "applied migrations with their times");
    auto* new_cmd = app.add_subcommand("new", "write the next numbered pair of migration files");
    new_cmd->add_option("NAME", options.new_name, "what the migration does, e.g. add_tags")
        ->required();
    auto* check_cmd = app.add_subcommand("check", "applied checksums and schema.sql are in step");
    check_cmd->add_option("--schema", options.schema_file, "schema file to compare")
        ->capture_default_str();
    auto* schema_cmd = app.add_subcommand("schema", "print the schema all migrations produce");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return roost::cli::report_parse_error(app, e, "roost-migrate", kUsage);
    }

    try {
        if (options.db.empty() && !(*new_cmd || *schema_cmd))
            throw CLI::ValidationError(
                "no database: pass --db PATH (neither XDG_DATA_HOME nor HOME is set)");
        if (*status_cmd) return status(options);
        if (*upgrade_cmd) return migrate(options, true);
        if (*downgrade_cmd) return migrate(options, false);
        if (*history_cmd) return history(options);
        if (*new_cmd) return create_migration(options);
        if (*check_cmd) return check(options);
        if (*schema_cmd) return print_schema(options);
    } catch (const CLI::ValidationError& e) {
        std::cerr << "roost-migrate: " << e.what() << "\n";
        return kUsage;
    } catch (const DatabaseLocked& e) {
        std::cerr << "roost-migrate: " << e.what() << "\n";
        return kLocked;
    } catch (const MigrationRefused& e) {
        std::cerr << "roost-migrate: refused: " << e.what() << "\n";
        return kRefused;
    } catch (const DatabaseError& e) {
        std::cerr << "roost-migrate: " << e.what() << "\n";
        return kRefused;
    } catch (const std::exception& e) {
        std::cerr << "roost-migrate: " << e.what() << "\n";
        return kFailed;
    }
    return kUsage;
}
