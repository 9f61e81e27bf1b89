// SPDX-License-Identifier: MIT
// Backoff: exponential delays with equal jitter.
#include "src/xmpp/Backoff.hpp"

#include <algorithm>

namespace roost::xmpp {

Backoff::Backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap)
    : base_(base), cap_(cap), random_(std::random_device{}()) {}

std::chrono::milliseconds Backoff::next() {
    auto nominal = base_;
    for (int i = 0; i < attempts_ && nominal < cap_; ++i) nominal *= 2;
    nominal = std::min(nominal, cap_);
    ++attempts_;
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    return std::chrono::milliseconds(static_cast<long>(nominal.count() * jitter(random_)));
}

}  // namespace roost::xmpp
