// SPDX-License-Identifier: MIT
// ExecImage: argv and environment for execve(), prepared before fork().
#include "tests/support/ExecImage.hpp"

#include <unistd.h>

#include <utility>

extern char** environ;

namespace roost::test {
namespace {

std::vector<std::string> environment_with(const std::vector<std::string>& overrides) {
    std::vector<std::string> result;
    auto overridden = [&](const std::string& entry) {
        auto name = entry.substr(0, entry.find('=') + 1);
        for (const auto& o : overrides)
            if (o.starts_with(name)) return true;
        return false;
    };
    for (char** e = environ; *e; ++e)
        if (!overridden(*e)) result.emplace_back(*e);
    result.insert(result.end(), overrides.begin(), overrides.end());
    return result;
}

std::vector<std::string> assignments(const std::map<std::string, std::string>& variables) {
    std::vector<std::string> result;
    for (const auto& [name, value] : variables) result.push_back(name + "=" + value);
    return result;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> result;
    for (auto& s : strings) result.push_back(s.data());
    result.push_back(nullptr);
    return result;
}

}  // namespace

ExecImage::ExecImage(std::vector<std::string> argv, const std::vector<std::string>& overrides)
    : argv_(std::move(argv)),
      env_(environment_with(overrides)),
      argv_pointers_(pointers(argv_)),
      env_pointers_(pointers(env_)) {}

ExecImage::ExecImage(std::vector<std::string> argv,
                     const std::map<std::string, std::string>& overrides)
    : ExecImage(std::move(argv), assignments(overrides)) {}

void ExecImage::exec() const {
    ::execve(argv_pointers_[0], argv_pointers_.data(), env_pointers_.data());
}

}  // namespace roost::test
