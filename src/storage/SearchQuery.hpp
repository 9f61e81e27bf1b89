// SPDX-License-Identifier: MIT
// SearchQuery: the text form of a pubsub cache search (doc/search.md) and the SQL a
// search runs; the store includes this. Lexer, parser and SQL compiler are apart:
// SearchLexer, SearchParser, SearchSql.
#pragma once

#include "src/storage/SearchParser.hpp"
#include "src/storage/SearchSql.hpp"
