// SPDX-License-Identifier: MIT
// NamespacedAttributes: keeps what libstrophe's parser drops of namespaced attributes
// (xml:lang, thr:count and their xmlns:prefix declarations). See doc/xmpp.md.
#pragma once

struct _xmpp_ctx_t;

namespace roost::xmpp {

// Parses a probe element with `ctx` and throws std::runtime_error unless its
// namespaced attributes come back whole: Roost must not run with a parser that
// alters what it caches and publishes.
void require_namespaced_attributes(_xmpp_ctx_t* ctx);

}  // namespace roost::xmpp
