// SPDX-License-Identifier: MIT
// StropheLog: one connection's libstrophe log. libstrophe tells some things only there
// (why a TCP connect or a login failed, which SASL mechanism succeeded); each connection
// has a libstrophe context of its own so that what its log says is about it alone.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

struct _xmpp_log_t;

namespace roost::xmpp {

class StropheLog {
public:
    explicit StropheLog(std::string account);  // the bare JID, to prefix what we log
    ~StropheLog();
    StropheLog(const StropheLog&) = delete;
    StropheLog& operator=(const StropheLog&) = delete;

    _xmpp_log_t* get() const { return log_.get(); }

    // The last failure libstrophe reported (never anything sent or received), and a
    // count, so that an attempt can tell whether it is news since it began.
    const std::string& last_problem() const { return last_problem_; }
    std::uint64_t problem_count() const { return problem_count_; }
    void note_problem(std::string problem);

    // "SCRAM-SHA-1": the mechanism of the last successful SASL login.
    const std::string& sasl_mechanism() const { return sasl_mechanism_; }

    // How many times a stream resumed its dropped session (XEP-0198), told only in the
    // log: an attempt compares it with the count when it began.
    std::uint64_t resume_count() const { return resume_count_; }

private:
    friend struct StropheLogHandler;

    std::string account_;
    std::unique_ptr<_xmpp_log_t> log_;
    std::string last_problem_;
    std::uint64_t problem_count_ = 0;
    std::string sasl_mechanism_;
    std::uint64_t resume_count_ = 0;
};

}  // namespace roost::xmpp
