// SPDX-License-Identifier: MIT
// UnixSocket: the Unix stream socket plumbing under the IPC server and client: a
// private directory, a listener that replaces only stale sockets, connect, peer uid.
#pragma once

#include "src/reactor/Fd.hpp"

#include <sys/types.h>

#include <filesystem>
#include <optional>

namespace roost::ipc {

// Creates `dir` with mode 0700, or checks that an existing one is a directory of
// ours that nobody else may enter; throws std::runtime_error saying what to fix.
void prepare_socket_directory(const std::filesystem::path& dir);

// A non-blocking listening socket bound at `path` with mode 0600. A socket file
// already there is removed only when nobody accepts connections on it; throws
// std::runtime_error when someone does, or when the path is not a socket.
reactor::Fd listen_unix(const std::filesystem::path& path);

// A blocking connection to `path`; throws std::system_error carrying errno
// (ENOENT: no socket, ECONNREFUSED: nobody listening).
reactor::Fd connect_unix(const std::filesystem::path& path);

// The uid of the process at the other end, as the kernel recorded it at connect().
std::optional<uid_t> peer_uid(int fd);

}  // namespace roost::ipc
