// SPDX-License-Identifier: MIT
// SqliteStreamStore: each profile's stream rules in SQLite (table streams of
// migrations/0006_streams).
#pragma once

#include "roost/StreamStore.hpp"
#include "src/storage/Database.hpp"
#include "src/storage/StatementCache.hpp"

namespace roost::storage {

// Keeps prepared statements, so it must go before the Database it was given.
// Reactor thread only.
class SqliteStreamStore final : public streams::StreamStore {
public:
    explicit SqliteStreamStore(Database& db);

    std::vector<streams::StoredStream> list(const std::string& profile) override;
    std::optional<streams::StoredStream> get(const std::string& profile,
                                             const std::string& name) override;
    bool define(const std::string& profile, const std::string& name,
                const nlohmann::json& rule) override;
    bool remove(const std::string& profile, const std::string& name) override;

private:
    std::vector<streams::StoredStream> read(const std::string& profile, const std::string* name);

    Database& db_;
    StatementCache statements_;
};

}  // namespace roost::storage
