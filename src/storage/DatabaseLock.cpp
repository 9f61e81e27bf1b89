// SPDX-License-Identifier: MIT
// DatabaseLock: flock(2) on a file beside the database.
#include "src/storage/DatabaseLock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace roost::storage {

std::filesystem::path DatabaseLock::lock_path(const std::filesystem::path& database) {
    return database.string() + ".lock";
}

DatabaseLock::DatabaseLock(const std::filesystem::path& database) {
    auto path = lock_path(database);
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0)
        throw std::runtime_error(path.string() +
                                 ": cannot open lock file: " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        int error = errno;
        ::close(fd_);
        if (error == EWOULDBLOCK)
            throw DatabaseLocked(database.string() +
                                 " is in use by a running roostd; stop it first (roost stop)");
        throw std::runtime_error(path.string() + ": cannot lock: " + std::strerror(error));
    }
}

DatabaseLock::~DatabaseLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

}  // namespace roost::storage
