// SPDX-License-Identifier: MIT
// UnixSocket: socket files get their mode by chmod after bind; the 0700 directory
// already keeps other users away in the moment between the two.
#include "src/ipc/UnixSocket.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>

namespace roost::ipc {
namespace {

namespace fs = std::filesystem;

std::runtime_error failure(const fs::path& path, const std::string& what) {
    return std::runtime_error(path.string() + ": " + what + ": " + std::strerror(errno));
}

std::string octal_mode(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

sockaddr_un unix_address(const fs::path& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.native().size() >= sizeof address.sun_path)
        throw std::runtime_error(path.string() + ": socket path too long (at most " +
                                 std::to_string(sizeof address.sun_path - 1) + " bytes)");
    std::memcpy(address.sun_path, path.c_str(), path.native().size());
    return address;
}

void check_socket_directory(const fs::path& dir) {
    struct stat info {};
    if (::lstat(dir.c_str(), &info) != 0) throw failure(dir, "cannot inspect");
    std::string refusal = "refusing to use " + dir.string() + " for the socket: ";
    if (!S_ISDIR(info.st_mode)) throw std::runtime_error(refusal + "not a directory");
    if (info.st_uid != ::geteuid())
        throw std::runtime_error(refusal + "owned by uid " + std::to_string(info.st_uid) +
                                 ", not by this user (uid " + std::to_string(::geteuid()) +
                                 "); remove it");
    if (info.st_mode & 077)
        throw std::runtime_error(refusal + "mode " + octal_mode(info.st_mode) +
                                 " lets other users in; run chmod 700 " + dir.string());
}

void remove_stale_socket(const fs::path& path) {
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0) {
        if (errno == ENOENT) return;
        throw failure(path, "cannot inspect");
    }
    if (!S_ISSOCK(info.st_mode))
        throw std::runtime_error(path.string() + " exists and is not a socket; move it aside");
    try {
        connect_unix(path);
    } catch (const std::system_error& e) {
        if (e.code().value() != ECONNREFUSED) throw;
        if (::unlink(path.c_str()) != 0 && errno != ENOENT)
            throw failure(path, "cannot remove the stale socket");
        return;
    }
    throw std::runtime_error("another roostd is already listening on " + path.string());
}

}  // namespace

void prepare_socket_directory(const fs::path& dir) {
    if (dir.has_parent_path()) fs::create_directories(dir.parent_path());
    if (::mkdir(dir.c_str(), 0700) != 0) {
        if (errno != EEXIST) throw failure(dir, "cannot create the socket directory");
        check_socket_directory(dir);
        return;
    }
    // The umask may have taken bits off; the directory must be exactly 0700.
    if (::chmod(dir.c_str(), 0700) != 0) throw failure(dir, "cannot set mode 0700");
}

reactor::Fd listen_unix(const fs::path& path) {
    auto address = unix_address(path);
    remove_stale_socket(path);
    reactor::Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) throw failure(path, "cannot create a socket");
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
        throw failure(path, "cannot bind");
    if (::chmod(path.c_str(), 0600) != 0 || ::listen(fd.get(), SOMAXCONN) != 0) {
        auto error = failure(path, "cannot listen");
        ::unlink(path.c_str());
        throw error;
    }
    return fd;
}

reactor::Fd connect_unix(const fs::path& path) {
    auto address = unix_address(path);
    reactor::Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) throw std::system_error(errno, std::generic_category(), "socket");
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
        throw std::system_error(errno, std::generic_category(), path.string());
    return fd;
}

std::optional<uid_t> peer_uid(int fd) {
    ucred credentials{};
    socklen_t size = sizeof credentials;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &size) != 0) return std::nullopt;
    return credentials.uid;
}

}  // namespace roost::ipc
