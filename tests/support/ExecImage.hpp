// SPDX-License-Identifier: MIT
// ExecImage: the argv and environment of a program to exec, made before fork(), so that
// the child only makes async-signal-safe calls: a malloc or setenv after a fork from a
// threaded test can deadlock on a lock another thread held (it did under ASan).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace roost::test {

class ExecImage {
public:
    // `overrides` (NAME=value) replace or add entries of this process's environment.
    ExecImage(std::vector<std::string> argv, const std::vector<std::string>& overrides);
    ExecImage(const ExecImage&) = delete;  // the pointers point into the strings
    ExecImage& operator=(const ExecImage&) = delete;

    // execve() with what was prepared; returns only if it fails.
    void exec() const;

    // The same with overrides given as name -> value.
    ExecImage(std::vector<std::string> argv, const std::map<std::string, std::string>& overrides);

private:
    std::vector<std::string> argv_, env_;
    std::vector<char*> argv_pointers_, env_pointers_;
};

}  // namespace roost::test
