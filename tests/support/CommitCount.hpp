// SPDX-License-Identifier: MIT
// CommitCount: how many transactions a database connection commits while it lives
// (SQLite's commit hook, one per connection: removed again at its end); it can also
// make the next commits fail, as a full disk would (SQLite undoes them).
#pragma once

#include "src/storage/Database.hpp"

#include <sqlite3.h>

namespace roost::test {

class CommitCount {
public:
    explicit CommitCount(storage::Database& db) : handle_(db.sqlite().getHandle()) {
        sqlite3_commit_hook(
            handle_,
            [](void* self) {
                auto& count = *static_cast<CommitCount*>(self);
                if (count.refused_ > 0) {
                    --count.refused_;
                    return 1;  // not 0: SQLite rolls the transaction back
                }
                ++count.commits_;
                return 0;
            },
            this);
    }
    ~CommitCount() { sqlite3_commit_hook(handle_, nullptr, nullptr); }
    CommitCount(const CommitCount&) = delete;
    CommitCount& operator=(const CommitCount&) = delete;

    int commits() const { return commits_; }
    // The next `count` commits fail and are undone.
    void refuse(int count) { refused_ = count; }

private:
    sqlite3* handle_;
    int commits_ = 0;
    int refused_ = 0;
};

}  // namespace roost::test
