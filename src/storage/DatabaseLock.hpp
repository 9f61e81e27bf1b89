// SPDX-License-Identifier: MIT
// DatabaseLock: an exclusive advisory lock on "<database>.lock". roostd holds it
// while it runs; roost-migrate takes it before changing the schema.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>

namespace roost::storage {

class DatabaseLocked : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class DatabaseLock {
public:
    // Takes the lock without waiting; throws DatabaseLocked when another process
    // holds it. flock(2) locks die with their process, so a killed daemon leaves
    // no stale lock behind.
    explicit DatabaseLock(const std::filesystem::path& database);
    ~DatabaseLock();
    DatabaseLock(const DatabaseLock&) = delete;
    DatabaseLock& operator=(const DatabaseLock&) = delete;

    static std::filesystem::path lock_path(const std::filesystem::path& database);

private:
    int fd_ = -1;
};

}  // namespace roost::storage
