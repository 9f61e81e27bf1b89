// SPDX-License-Identifier: MIT
// SharedLibrary: an RAII owner of one dlopen() handle, the only place that calls
// the dl* functions; plugins are loaded through it.
#pragma once

#include <filesystem>
#include <stdexcept>

namespace roost::core {

// A library that cannot be loaded; the message is dlerror()'s.
class SharedLibraryError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class SharedLibrary {
public:
    // dlopen(RTLD_NOW | RTLD_LOCAL): every symbol resolved up front, none of them
    // visible to the libraries loaded after. Throws SharedLibraryError.
    explicit SharedLibrary(const std::filesystem::path& path);
    ~SharedLibrary();
    SharedLibrary(SharedLibrary&& other) noexcept;
    SharedLibrary& operator=(SharedLibrary&& other) noexcept;
    SharedLibrary(const SharedLibrary&) = delete;
    SharedLibrary& operator=(const SharedLibrary&) = delete;

    // The address of an exported symbol, or nullptr when the library has none.
    void* symbol(const char* name) const;
    // Unloads now; nothing the library defined may be used afterwards.
    void close() noexcept;

private:
    void* handle_ = nullptr;
};

}  // namespace roost::core
