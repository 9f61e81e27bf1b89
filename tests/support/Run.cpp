// SPDX-License-Identifier: MIT
// run(): fork/exec with stdout and stderr redirected to temporary files; the child only
// makes async-signal-safe calls (see ExecImage).
#include "tests/support/Run.hpp"

#include "tests/support/ExecImage.hpp"
#include "tests/support/TempDir.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <string_view>

namespace roost::test {

std::filesystem::path program_on_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string_view dirs = path ? path : "/usr/bin:/bin";
    while (!dirs.empty()) {
        auto colon = dirs.find(':');
        std::filesystem::path candidate = std::filesystem::path(dirs.substr(0, colon)) / name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        dirs = colon == std::string_view::npos ? std::string_view() : dirs.substr(colon + 1);
    }
    throw std::runtime_error(name + " is not on PATH");
}

RunResult run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
    TempDir dir;
    auto out_path = dir / "out", err_path = dir / "err";
    const ExecImage image(argv, env);
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int null = ::open("/dev/null", O_RDONLY);
        ::dup2(out, 1);
        ::dup2(err, 2);
        ::dup2(null, 0);
        image.exec();
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    RunResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = read_file(out_path);
    result.err = read_file(err_path);
    return result;
}

}  // namespace roost::test
