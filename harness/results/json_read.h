// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Checked reads for the JSON files vmtest consumes (results.json, the agent's report,
// manifests). nlohmann's get<int>() wraps 4294967297 to 1 and turns 1e300 into undefined
// behaviour; these refuse both and name the field, so a corrupt or hostile file is an error
// that says where, never a number that silently compares equal to another.
#include "core/result.h"

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace vmtest::json_read {

// Deeper nesting is refused while parsing. nlohmann's parser is not recursive, but copying,
// comparing and dumping a value are, once per level: a results file or lock holding 200 000
// '[' overflowed the stack (fuzz/corpus/*/deep-nesting-*). Nothing vmtest reads nests more than
// about ten levels (results.json, with bpftool's probe inside it).
inline constexpr int kMaxDepth = 128;

// The text as JSON, or why not, for the caller to put in its own words and context.
template <typename Json = nlohmann::json> Result<Json> parse(std::string_view text) {
  bool too_deep = false;
  const typename Json::parser_callback_t keep = [&](int depth, typename Json::parse_event_t,
                                                    Json&) {
    if (depth > kMaxDepth) too_deep = true;
    return !too_deep; // past the limit, keep nothing: the parse only has to reach the end
  };
  Json j = Json::parse(text.begin(), text.end(), keep, /*allow_exceptions=*/false);
  if (too_deep) return Error{"nested deeper than " + std::to_string(kMaxDepth) + " levels", ""};
  if (j.is_discarded()) return Error{"not valid JSON (truncated or corrupt?)", ""};
  return j;
}

[[noreturn]] inline void fail(const nlohmann::json& v, std::string_view key,
                              const std::string& why) {
  throw nlohmann::json::type_error::create(302, "field '" + std::string(key) + "' " + why, &v);
}

template <typename T> T integer(const nlohmann::json& v, std::string_view key) {
  static_assert(std::is_integral_v<T>);
  if (!v.is_number_integer()) fail(v, key, "must be an integer, not " + v.dump());
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<T>::max()))
      fail(v, key, "is out of range: " + v.dump());
    return static_cast<T>(u);
  }
  const int64_t i = v.get<int64_t>();
  if constexpr (std::is_unsigned_v<T>) {
    if (i < 0) fail(v, key, "must not be negative: " + v.dump());
    if (static_cast<uint64_t>(i) > static_cast<uint64_t>(std::numeric_limits<T>::max()))
      fail(v, key, "is out of range: " + v.dump());
  } else if (i < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
             i > static_cast<int64_t>(std::numeric_limits<T>::max())) {
    fail(v, key, "is out of range: " + v.dump());
  }
  return static_cast<T>(i);
}

inline double number(const nlohmann::json& v, std::string_view key) {
  if (!v.is_number()) fail(v, key, "must be a number, not " + v.dump());
  return v.get<double>();
}

// Absent or null leave `out` alone: results written by older versions lack newer fields.
template <typename T> void get(const nlohmann::json& j, const char* key, T& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  if constexpr (std::is_same_v<T, bool>) {
    if (!it->is_boolean()) fail(*it, key, "must be true or false, not " + it->dump());
    out = it->template get<bool>();
  } else if constexpr (std::is_integral_v<T>) {
    out = integer<T>(*it, key);
  } else if constexpr (std::is_floating_point_v<T>) {
    out = static_cast<T>(number(*it, key));
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) fail(*it, key, "must be a string, not " + it->dump());
    out = it->template get<std::string>();
  } else {
    out = it->template get<T>();
  }
}

template <typename T> void get(const nlohmann::json& j, const char* key, std::optional<T>& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  T v{};
  get(j, key, v);
  out = std::move(v);
}

} // namespace vmtest::json_read
