// SPDX-License-Identifier: MIT
// BenchSupport: what every end-to-end benchmark shares: medians and percentiles, the
// "RESULT" lines bench/run reads, a ~500-byte Atom post, a process's memory, and waiting
// for roostd's profile to connect.
#pragma once

#include "roost/PubsubStore.hpp"
#include "src/ipc/IpcClient.hpp"

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace roost::bench {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start);
double median(std::vector<double> values);
double percentile(std::vector<double> values, double p);  // p in [0, 1]

// Prints "RESULT <name> <value> <unit>", the line bench/run collects, after the
// human-readable figures.
void result(const std::string& name, double value, const std::string& unit);
// Prints a step of the benchmark as it starts, so that a slow run shows where it is.
void step(const std::string& what);

// An Atom entry of about 500 bytes with a few searchable words, as a microblog post.
std::string atom_post(int n);
// An Atom entry whose text is `text_bytes` of words: an item as large as a long article
// with its images inlined (issue 15, target 3).
std::string large_atom_post(const std::string& id, std::size_t text_bytes);
// atom_post(n) in an <item id='`id`'/> by alice, parsed by xep_0277 as the cache would.
pubsub::StoredItem parsed_post(const std::string& id, int n);

struct ProcessMemory {
    double rss_mb = 0;  // VmRSS
    double hwm_mb = 0;  // VmHWM: the peak resident set
};
// From /proc/<pid>/status; zeros when the process is gone.
ProcessMemory process_memory(pid_t pid);

// User + system CPU seconds a process has used so far (/proc/<pid>/stat); 0 when gone.
double process_cpu_seconds(pid_t pid);

// The optional numeric arguments argv[first], argv[first + 1], ... into `targets` in turn;
// a target without its argument keeps its default.
void read_int_args(int argc, char** argv, int first, std::initializer_list<int*> targets);

// Waits until roostd reports a profile connected (about 6 s at most); throws when none does.
void wait_connected(ipc::IpcClient& ipc);

// Runs count calls of `call`, one at a time; their durations in milliseconds.
template <typename Call>
std::vector<double> timed_calls(int count, Call&& call) {
    std::vector<double> times;
    times.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        auto start = Clock::now();
        call(i);
        times.push_back(seconds_since(start) * 1000);
    }
    return times;
}

}  // namespace roost::bench
