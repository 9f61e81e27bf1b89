// SPDX-License-Identifier: MIT
// TempDir: a fresh directory for one test, removed with everything in it at the end.
#pragma once

#include <filesystem>

namespace roost::test {

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::filesystem::path& name) const {
        return path_ / name;
    }

private:
    std::filesystem::path path_;
};

// Writes `text` to `path`, creating parent directories.
void write_file(const std::filesystem::path& path, const std::string& text);
std::string read_file(const std::filesystem::path& path);

// Where the build and source trees are (set by meson for every test).
std::filesystem::path build_dir();
std::filesystem::path source_dir();

}  // namespace roost::test
