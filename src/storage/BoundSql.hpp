// SPDX-License-Identifier: MIT
// BoundSql: SQL text built from fixed fragments plus the values bound to its `?`s,
// so that no value ever becomes part of the text.
#pragma once

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace roost::storage {

using SqlValue = std::variant<std::nullptr_t, std::int64_t, double, std::string>;

struct BoundSql {
    std::string sql;
    std::vector<SqlValue> params;

    // Appends `fragment`, whose `?`s take `values` in order.
    template <class... Values>
    BoundSql& add(const std::string& fragment, Values&&... values) {
        sql += fragment;
        (params.emplace_back(std::forward<Values>(values)), ...);
        return *this;
    }
};

// JSON as bound and stored. Its strings may come from item XML, which pugixml does not
// check for valid UTF-8: such bytes become U+FFFD rather than make dump() throw.
inline std::string json_text(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A column as text ("" for NULL) and as JSON (null for NULL).
inline std::string text_of(const SQLite::Column& column) {
    return column.isNull() ? "" : column.getString();
}

inline nlohmann::json json_of(const SQLite::Column& column) {
    return column.isNull() ? nlohmann::json() : nlohmann::json::parse(column.getString());
}

inline void bind_all(SQLite::Statement& statement, const std::vector<SqlValue>& params) {
    for (std::size_t i = 0; i < params.size(); ++i) {
        int index = static_cast<int>(i) + 1;
        std::visit(
            [&](const auto& value) {
                using T = std::decay_t<decltype(value)>;
                if constexpr (std::is_same_v<T, std::nullptr_t>)
                    statement.bind(index);
                else
                    statement.bind(index, value);
            },
            params[i]);
    }
}

}  // namespace roost::storage
