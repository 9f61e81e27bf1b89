// SPDX-License-Identifier: MIT
// StropheLog: reading libstrophe's log lines safely.
#include "src/xmpp/StropheLog.hpp"

#include <strophe.h>

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <cstring>
#include <string_view>

namespace roost::xmpp {
namespace {

// How libstrophe 0.12 words, at debug level only, a failed TCP connect, a failed TLS
// handshake and a SASL login.
constexpr std::string_view kConnectFailed = "connection failed, error ";
constexpr std::string_view kTlsFailed = "Couldn't start TLS!";
constexpr std::string_view kSaslPrefix = "SASL ";
constexpr std::string_view kSaslSucceeded = " auth successful";
// A stream that continued the session that dropped (XEP-0198 <resumed/>).
constexpr std::string_view kSessionResumed = "Session resumed successfully.";
// And at error level, a server that offers no STARTTLS to a connection that requires TLS.
constexpr std::string_view kNoStarttls = "TLS is not supported, but set as mandatory";

}  // namespace

// libstrophe logs every byte sent and received at debug level, SASL exchanges (and so
// passwords) included: only its warnings and errors reach our logs, and of its debug
// lines only those above are read.
struct StropheLogHandler {
    static void handle(void* self, xmpp_log_level_t level, const char* area, const char* message) {
        auto* log = static_cast<StropheLog*>(self);
        std::string_view text(message);
        if (level == XMPP_LEVEL_DEBUG) {
            if (text.starts_with(kConnectFailed)) {
                int error = std::atoi(message + kConnectFailed.size());
                log->note_problem(std::string("cannot connect: ") + std::strerror(error));
            } else if (text.starts_with(kTlsFailed)) {
                log->note_problem("the TLS handshake failed");
            } else if (text.starts_with(kSaslPrefix) && text.ends_with(kSaslSucceeded)) {
                log->sasl_mechanism_ = text.substr(
                    kSaslPrefix.size(), text.size() - kSaslPrefix.size() - kSaslSucceeded.size());
            } else if (text == kSessionResumed) {
                ++log->resume_count_;
            }
        } else if (level == XMPP_LEVEL_WARN) {
            spdlog::warn("{}: libstrophe {}: {}", log->account_, area, message);
        } else if (level == XMPP_LEVEL_ERROR) {
            spdlog::error("{}: libstrophe {}: {}", log->account_, area, message);
            if (text.starts_with(kNoStarttls))
                log->note_problem("the server offers no STARTTLS and TLS is required: refused"
                                  " before logging in");
            else
                log->note_problem(message);
        }
    }
};

StropheLog::StropheLog(std::string account)
    : account_(std::move(account)), log_(std::make_unique<xmpp_log_t>()) {
    log_->handler = StropheLogHandler::handle;
    log_->userdata = this;
}

StropheLog::~StropheLog() = default;

void StropheLog::note_problem(std::string problem) {
    last_problem_ = std::move(problem);
    ++problem_count_;
}

}  // namespace roost::xmpp
