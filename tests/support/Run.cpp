// SPDX-License-Identifier: MIT
// run(): fork/exec with stdout and stderr redirected to temporary files; the child only
// makes async-signal-safe calls (see ExecImage).
#include "tests/support/Run.hpp"

#include "tests/support/ExecImage.hpp"
#include "tests/support/TempDir.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

namespace roost::test {

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
