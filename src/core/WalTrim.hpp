// SPDX-License-Identifier: MIT
// WalTrim: gives the database's WAL file back once writing has paused. SQLite reuses
// the WAL from its start after each checkpoint but keeps the file (up to
// journal_size_limit, 4 MB): after a sync that is a quarter of a 10,000-item cache on
// disk. kIdle after the last commit, a truncating checkpoint empties it.
#pragma once

#include "src/reactor/Reactor.hpp"
#include "src/storage/Database.hpp"

#include <chrono>
#include <optional>

namespace roost::core {

class WalTrim {
public:
    static constexpr std::chrono::milliseconds kIdle{2000};

    WalTrim(reactor::Reactor& reactor, storage::Database& database);
    ~WalTrim();
    WalTrim(const WalTrim&) = delete;
    WalTrim& operator=(const WalTrim&) = delete;

private:
    void committed();
    void arm(std::chrono::milliseconds delay);
    void trim();

    reactor::Reactor& reactor_;
    storage::Database& database_;
    reactor::Reactor::Clock::time_point last_commit_{};
    std::optional<reactor::TimerId> timer_;
};

}  // namespace roost::core
