// SPDX-License-Identifier: MIT
// BenchSupport: statistics, output, payloads and /proc reading for the benchmarks.
#include "bench/BenchSupport.hpp"

#include "plugins/xep_0277/AtomParser.hpp"

#include <unistd.h>

#include <pugixml.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace roost::bench {

namespace {

const char* const kWords[] = {"roosting", "starlings", "murmuration", "dusk",     "feathers",
                              "nest",     "migration", "chorus",      "hedgerow", "wingbeat",
                              "estuary",  "thicket",   "plumage",     "clutch",   "fledgling"};

}  // namespace

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> values) { return percentile(std::move(values), 0.5); }

double percentile(std::vector<double> values, double p) {
    if (values.empty()) throw std::invalid_argument("percentile of nothing");
    std::sort(values.begin(), values.end());
    auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

void result(const std::string& name, double value, const std::string& unit) {
    std::printf("RESULT %s %.6g %s\n", name.c_str(), value, unit.c_str());
    std::fflush(stdout);
}

void step(const std::string& what) {
    std::printf("== %s\n", what.c_str());
    std::fflush(stdout);
}

std::string atom_post(int n) {
    // Six words per post picked by a hash of (n, k): any two words meet in some posts.
    auto word = [n](int k) {
        auto h = static_cast<std::uint32_t>(n) * 2654435761u ^
                 static_cast<std::uint32_t>(k + 1) * 0x9e3779b9u;
        h ^= h >> 15;
        h *= 0x2c1b3c6du;
        h ^= h >> 12;
        return std::string(kWords[h % std::size(kWords)]);
    };
    std::string number = std::to_string(n);
    char published[32];
    std::snprintf(published, sizeof published, "2026-%02d-%02dT%02d:%02d:%02dZ", 1 + n % 12,
                  1 + n % 28, n % 24, n % 60, (n / 60) % 60);
    return "<entry xmlns='http://www.w3.org/2005/Atom'><title type='text'>Post " + number + ": " +
           word(0) + " at " + word(1) + "</title><id>tag:localhost,2026:bench-" + number +
           "</id><content type='text'>Field notes " + number + " on the " + word(2) + ", the " +
           word(3) + " and the " + word(4) + " seen today by the " + word(5) +
           ".</content><author><name>Alice</name><uri>xmpp:alice@localhost</uri></author>"
           "<published>" +
           published + "</published><updated>" + published + "</updated><category term='" +
           word(0) + "'/></entry>";
}

std::string large_atom_post(const std::string& id, std::size_t text_bytes) {
    std::string text;
    text.reserve(text_bytes + 32);
    for (std::uint32_t n = 0; text.size() < text_bytes; ++n) {
        text += kWords[(n * 2654435761u >> 7) % std::size(kWords)];
        text += n % 12 == 11 ? ". " : " ";
    }
    return "<entry xmlns='http://www.w3.org/2005/Atom'><title type='text'>A long read</title>"
           "<id>tag:localhost,2026:" +
           id + "</id><content type='text'>" + text +
           "</content><author><name>Alice</name><uri>xmpp:alice@localhost</uri></author>"
           "<published>2026-12-03T12:00:00Z</published><updated>2026-12-03T12:00:00Z</updated>"
           "</entry>";
}

pubsub::StoredItem parsed_post(const std::string& id, int n) {
    pubsub::StoredItem item;
    item.id = id;
    item.xml = "<item id='" + item.id + "'>" + atom_post(n) + "</item>";
    item.publisher = "alice@localhost";
    pugi::xml_document doc;
    doc.load_string(item.xml.c_str());
    auto parsed = xep0277::parse_atom_item(doc.document_element());
    item.parsed = std::move(parsed.data);
    item.search_text = std::move(parsed.search_text);
    return item;
}

ProcessMemory process_memory(pid_t pid) {
    ProcessMemory memory;
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string key;
    double kb = 0;
    std::string unit;
    while (status >> key) {
        if (key == "VmRSS:" && status >> kb >> unit)
            memory.rss_mb = kb / 1024;
        else if (key == "VmHWM:" && status >> kb >> unit)
            memory.hwm_mb = kb / 1024;
    }
    return memory;
}

double process_cpu_seconds(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    // Fields after the command name, which is in parentheses and may hold spaces.
    auto close = text.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream fields(text.substr(close + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int index = 3; fields >> field; ++index) {
        if (index == 14) utime = std::stod(field);
        if (index == 15) {
            stime = std::stod(field);
            break;
        }
    }
    return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

void read_int_args(int argc, char** argv, int first, std::initializer_list<int*> targets) {
    int index = first;
    for (int* target : targets) {
        if (index >= argc) return;
        *target = std::stoi(argv[index++]);
    }
}

void wait_connected(ipc::IpcClient& ipc) {
    for (int i = 0; i < 600; ++i) {
        for (const auto& profile : ipc.call("profile.list"))
            if (profile["state"] == "connected") return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    throw std::runtime_error("roostd's profile did not connect");
}

}  // namespace roost::bench
