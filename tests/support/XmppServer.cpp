// SPDX-License-Identifier: MIT
// XmppServer: the parts shared by ProsodyServer and EjabberdServer.
#include "tests/support/XmppServer.hpp"

#include "tests/support/Loopback.hpp"
#include "tests/support/Run.hpp"

#include <pwd.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <future>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace roost::test {

namespace fs = std::filesystem;

namespace {

std::string next_instance_id() {
    static std::atomic<int> counter{0};
    return "roost-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

std::string last_lines(const std::string& text, std::size_t lines) {
    std::size_t start = text.size();
    for (std::size_t n = 0; start > 0 && n <= lines;)
        if (text[--start] == '\n') ++n;
    return text.substr(start);
}

bool keep_requested() {
    const char* keep = std::getenv("ROOST_KEEP_SERVER_DIR");
    return keep && *keep && std::string(keep) != "0";
}

void chown_tree(const fs::path& root, const std::string& user) {
    passwd* entry = ::getpwnam(user.c_str());
    if (!entry) throw std::runtime_error("no such user: " + user + " (is the server installed?)");
    auto give = [&](const fs::path& p) {
        if (::lchown(p.c_str(), entry->pw_uid, entry->pw_gid) != 0)
            throw std::runtime_error("cannot chown " + p.string() + " to " + user);
    };
    give(root);
    for (const auto& e : fs::recursive_directory_iterator(root)) give(e.path());
}

}  // namespace

std::string quoted(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

XmppServer::XmppServer(std::string name, std::string server_user, XmppServerOptions options)
    : name_(std::move(name)),
      server_user_(std::move(server_user)),
      options_(std::move(options)),
      instance_id_(next_instance_id()),
      dir_(temp_ / name_),
      client_port_(pick_free_port()) {
    fs::create_directories(dir_);
    if (options_.tls) {
        for (const auto& file : {options_.tls->certificate, options_.tls->key})
            if (!fs::is_regular_file(file))
                throw std::invalid_argument(name_ + " test server: no TLS file " + file.string());
        // Copies: the server's user cannot read the caller's files (root's, mode 0600).
        write_file(tls_certificate(), read_file(options_.tls->certificate));
        write_file(tls_key(), read_file(options_.tls->key));
        write_file(tls_combined(), read_file(tls_certificate()) + read_file(tls_key()));
        fs::permissions(dir_ / "tls", fs::perms::owner_all);
        if (options_.tls->direct_tls) direct_tls_port_ = pick_free_port();
    }
    for (const auto& user : options_.users)
        accounts_[user] = {user + "@" + options_.domain, "secret-" + user};
}

XmppServer::~XmppServer() = default;

XmppServer::Keeper::~Keeper() {
    if (!keep_requested() || !fs::exists(server.dir_)) return;
    std::string pattern =
        (fs::temp_directory_path() / (server.instance_id_ + "-" + server.name_ + "-XXXXXX"))
            .string();
    if (!::mkdtemp(pattern.data())) return;
    std::error_code error;
    fs::rename(server.dir_, fs::path(pattern) / server.name_, error);
    if (!error)
        std::cerr << "roost::test: kept " << server.name_ << " directory " << pattern << '\n';
}

void XmppServer::boot() {
    if (running_as_root()) chown_tree(temp_.path(), server_user_);
    start();
    register_accounts(accounts());
}

int XmppServer::direct_tls_port() const {
    if (direct_tls_port_ == 0)
        throw std::logic_error(name_ + " test server has no direct TLS port (tls->direct_tls)");
    return direct_tls_port_;
}

const XmppAccount& XmppServer::account(const std::string& user) const {
    auto found = accounts_.find(user);
    if (found == accounts_.end())
        throw std::invalid_argument(name_ + " test server has no account " + user);
    return found->second;
}

std::vector<XmppAccount> XmppServer::accounts() const {
    std::vector<XmppAccount> result;
    for (const auto& [user, account] : accounts_) result.push_back(account);
    return result;
}

const XmppAccount& XmppServer::add_account(const std::string& user, std::string password) {
    if (password.empty()) password = "secret-" + user;
    XmppAccount account{user + "@" + options_.domain, std::move(password)};
    register_accounts({account});
    return accounts_[user] = account;
}

void XmppServer::start() {
    if (running()) throw std::logic_error(name_ + " test server is already running");
    process_.emplace(launch_spec());
    wait_until_ready();
}

void XmppServer::wait_until_ready() {
    auto deadline = std::chrono::steady_clock::now() + start_timeout();
    // ejabberd opens its listeners one after the other: wait for the last one too.
    while (!port_accepts(client_port_) || (direct_tls_port_ && !port_accepts(direct_tls_port_))) {
        if (!process_->running())
            throw std::runtime_error(name_ + " test server exited during start-up (" +
                                     process_->exit_description() + ")\n" + log_tail());
        if (std::chrono::steady_clock::now() >= deadline) {
            process_.reset();
            throw std::runtime_error(name_ +
                                     " test server did not accept connections on 127.0.0.1:" +
                                     std::to_string(client_port_) + " within " +
                                     std::to_string(start_timeout().count()) + " s\n" + log_tail());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

void XmppServer::stop() { process_.reset(); }

void XmppServer::kill() {
    if (process_) process_->kill();
    process_.reset();
}

bool XmppServer::running() { return process_ && process_->running(); }

pid_t XmppServer::pid() const { return process_ ? process_->pid() : -1; }

std::vector<pid_t> XmppServer::processes() const {
    return process_ ? process_->processes() : std::vector<pid_t>{};
}

std::string XmppServer::log_tail(std::size_t lines) const {
    std::string console = read_file(dir_ / "console.log");
    std::string log = log_path() == dir_ / "console.log" ? "" : read_file(log_path());
    return "--- " + log_path().string() + " (end)\n" + last_lines(log, lines) + "--- " +
           (dir_ / "console.log").string() + " (end)\n" + last_lines(console, lines);
}

void XmppServer::run_all(const std::vector<std::vector<std::string>>& commands,
                         const std::string& what) const {
    std::vector<std::future<RunResult>> results;
    for (const auto& command : commands)
        results.push_back(std::async(std::launch::async, [command] { return run(command); }));
    std::ostringstream failures;
    for (std::size_t i = 0; i < results.size(); ++i) {
        RunResult r = results[i].get();
        if (r.exit_code == 0) continue;
        failures << "\n$";
        for (const auto& arg : commands[i]) failures << ' ' << arg;
        failures << "\nexit code " << r.exit_code << "\n" << r.out << r.err;
    }
    if (!failures.str().empty())
        throw std::runtime_error(name_ + " test server: " + what + " failed:" + failures.str());
}

}  // namespace roost::test
