// SPDX-License-Identifier: MIT
// TempDir: mkdtemp under $TMPDIR.
#include "tests/support/TempDir.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace roost::test {

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "roost-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

static std::filesystem::path from_env(const char* variable) {
    const char* value = std::getenv(variable);
    if (!value)
        throw std::runtime_error(std::string(variable) + " is not set: run through meson test");
    return value;
}

std::filesystem::path build_dir() { return from_env("ROOST_BUILD_DIR"); }
std::filesystem::path source_dir() { return from_env("ROOST_SOURCE_DIR"); }

}  // namespace roost::test
