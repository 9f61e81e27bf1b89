// SPDX-License-Identifier: MIT
// SharedLibrary: dlopen/dlsym/dlclose with their errors turned into exceptions or
// log lines.
#include "src/core/SharedLibrary.hpp"

#include <dlfcn.h>

#include <spdlog/spdlog.h>

#include <string>
#include <utility>

namespace roost::core {
namespace {

std::string last_dl_error() {
    const char* message = ::dlerror();
    return message ? message : "unknown dynamic loader error";
}

}  // namespace

SharedLibrary::SharedLibrary(const std::filesystem::path& path)
    : handle_(::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL)) {
    if (!handle_) throw SharedLibraryError(last_dl_error());
}

SharedLibrary::~SharedLibrary() { close(); }

SharedLibrary::SharedLibrary(SharedLibrary&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)) {}

SharedLibrary& SharedLibrary::operator=(SharedLibrary&& other) noexcept {
    if (this != &other) {
        close();
        handle_ = std::exchange(other.handle_, nullptr);
    }
    return *this;
}

void* SharedLibrary::symbol(const char* name) const {
    return handle_ ? ::dlsym(handle_, name) : nullptr;
}

void SharedLibrary::close() noexcept {
    if (!handle_) return;
    if (::dlclose(std::exchange(handle_, nullptr)) != 0)
        spdlog::warn("dlclose failed: {}", last_dl_error());
}

}  // namespace roost::core
