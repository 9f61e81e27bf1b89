// SPDX-License-Identifier: MIT
// StreamStore: each profile's streams in the user's database (host.stream_store()): a
// name and the rule the streams plugin checked, kept across restarts. The items a
// stream shows come from the cache (PubsubStore::merged_items).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace roost::streams {

struct StoredStream {
    std::string name;
    nlohmann::json rule;
    std::int64_t defined_at = 0;  // Unix ms of the last define
};

// Reactor thread only.
class StreamStore {
public:
    virtual ~StreamStore() = default;

    virtual std::vector<StoredStream> list(const std::string& profile) = 0;  // by name
    virtual std::optional<StoredStream> get(const std::string& profile,
                                            const std::string& name) = 0;
    // Defines or replaces; true when it replaced one.
    virtual bool define(const std::string& profile, const std::string& name,
                        const nlohmann::json& rule) = 0;
    // False when there was none.
    virtual bool remove(const std::string& profile, const std::string& name) = 0;
};

}  // namespace roost::streams
