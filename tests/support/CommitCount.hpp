// SPDX-License-Identifier: MIT
// CommitCount: how many transactions a database connection commits while it lives
// (SQLite's commit hook, one per connection: removed again at its end).
#pragma once

#include "src/storage/Database.hpp"

#include <sqlite3.h>

namespace roost::test {

class CommitCount {
public:
    explicit CommitCount(storage::Database& db) : handle_(db.sqlite().getHandle()) {
        sqlite3_commit_hook(
            handle_,
            [](void* commits) {
                ++*static_cast<int*>(commits);
                return 0;  // 0: the commit goes ahead
            },
            &commits_);
    }
    ~CommitCount() { sqlite3_commit_hook(handle_, nullptr, nullptr); }
    CommitCount(const CommitCount&) = delete;
    CommitCount& operator=(const CommitCount&) = delete;

    int commits() const { return commits_; }

private:
    sqlite3* handle_;
    int commits_ = 0;
};

}  // namespace roost::test
