// SPDX-License-Identifier: BSD-2-Clause
#include "results/byte_text.h"

#include "results/json_read.h"

#include <nlohmann/json.hpp>

namespace vmtest {
using nlohmann::json;

namespace {

// Length of the valid UTF-8 sequence that starts at s[i] (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF; what nlohmann's dump accepts), or 0 when s[i] starts none.
size_t utf8_len(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xbf; // allowed range of the second byte
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (b(1) < lo || b(1) > hi) return 0;
  for (size_t k = 2; k < n; ++k)
    if (b(k) < 0x80 || b(k) > 0xbf) return 0;
  return n;
}

void hex_byte(std::string& out, unsigned char c) {
  static const char* digits = "0123456789abcdef";
  out += "\\x";
  out += digits[c >> 4];
  out += digits[c & 0xf];
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Walks `s`, handing each valid sequence to `valid` and each stray byte to `invalid`.
template <typename Valid, typename Invalid>
void walk(std::string_view s, Valid valid, Invalid invalid) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = utf8_len(s, i);
    if (n == 0) {
      invalid(static_cast<unsigned char>(s[i]));
      ++i;
    } else {
      valid(s.substr(i, n));
      i += n;
    }
  }
}

} // namespace

bool is_utf8(std::string_view bytes) {
  for (size_t i = 0; i < bytes.size();) {
    const size_t n = utf8_len(bytes, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string escape_bytes(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + 8);
  walk(
      bytes,
      [&](std::string_view seq) {
        if (seq == "\\")
          out += "\\\\";
        else
          out += seq;
      },
      [&](unsigned char c) { hex_byte(out, c); });
  return out;
}

Result<std::string> unescape_bytes(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '\\') {
      out += in[i];
      continue;
    }
    if (i + 1 < in.size() && in[i + 1] == '\\') {
      out += '\\';
      ++i;
      continue;
    }
    if (i + 3 < in.size() && in[i + 1] == 'x') {
      const int hi = hex_digit(in[i + 2]), lo = hex_digit(in[i + 3]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 3;
        continue;
      }
    }
    return Error{"bad escape at byte " + std::to_string(i) + " (only \\\\ and \\xHH are used)", ""};
  }
  return out;
}

std::string display_text(std::string_view bytes) {
  if (is_utf8(bytes)) return std::string(bytes);
  std::string out;
  walk(
      bytes, [&](std::string_view seq) { out += seq; }, [&](unsigned char c) { hex_byte(out, c); });
  return out;
}

std::string terminal_text(std::string_view bytes, bool keep_tabs) {
  std::string out;
  out.reserve(bytes.size());
  walk(
      bytes,
      [&](std::string_view seq) {
        const auto c0 = static_cast<unsigned char>(seq[0]);
        const bool control =
            (seq.size() == 1 && (c0 < 0x20 || c0 == 0x7f) && !(keep_tabs && c0 == '\t')) ||
            (seq.size() == 2 && c0 == 0xc2 && static_cast<unsigned char>(seq[1]) < 0xa0);
        if (!control) {
          out += seq;
          return;
        }
        for (char c : seq)
          hex_byte(out, static_cast<unsigned char>(c));
      },
      [&](unsigned char c) { hex_byte(out, c); });
  return out;
}

std::string escaped_marker(std::string_view key) {
  return std::string(key) + "_escaped";
}

void put_bytes(json& j, const char* key, std::string_view bytes) {
  if (is_utf8(bytes)) {
    j[key] = bytes;
    return;
  }
  j[key] = escape_bytes(bytes);
  j[escaped_marker(key)] = true;
}

void put_bytes_list(json& j, const char* key, const std::vector<std::string>& list) {
  bool all_utf8 = true;
  for (const auto& s : list)
    all_utf8 = all_utf8 && is_utf8(s);
  if (all_utf8) {
    j[key] = list;
    return;
  }
  json arr = json::array();
  for (const auto& s : list)
    arr.push_back(escape_bytes(s));
  j[key] = std::move(arr);
  j[escaped_marker(key)] = true;
}

namespace {
bool escaped(const json& j, const char* key) {
  bool marked = false;
  json_read::get(j, escaped_marker(key).c_str(), marked);
  return marked;
}
std::string decode(const json& v, const char* key, bool marked) {
  if (!v.is_string()) json_read::fail(v, key, "must be a string, not " + v.dump());
  const auto& s = v.get_ref<const std::string&>();
  if (!marked) return s;
  auto raw = unescape_bytes(s);
  if (!raw) json_read::fail(v, key, "is marked escaped but has a " + raw.error().what);
  return std::move(*raw);
}
} // namespace

void get_bytes(const json& j, const char* key, std::string& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  out = decode(*it, key, escaped(j, key));
}

void get_bytes_list(const json& j, const char* key, std::vector<std::string>& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return;
  if (!it->is_array()) json_read::fail(*it, key, "must be a list of strings");
  const bool marked = escaped(j, key);
  std::vector<std::string> list;
  list.reserve(it->size());
  for (const auto& v : *it)
    list.push_back(decode(v, key, marked));
  out = std::move(list);
}

std::string dump_json(const json& j, int indent) {
  return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

std::string dump_json(const nlohmann::ordered_json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

} // namespace vmtest
