// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Names, sections, paths and verifier log lines are bytes, not text: an ELF section, a file
// name or a Latin-1 comment that reaches the log through BTF line info need not be UTF-8, and
// nlohmann's dump() throws (type_error.316) on a string that is not. This is the one place that
// decides how such bytes travel as JSON and how they are shown.
//
// In JSON (docs/results-schema.md, "Bytes that are not UTF-8"): a string field that is valid
// UTF-8 is written as it is. One that is not is written escaped, and a sibling marker
// `<field>_escaped: true` says so: every '\' becomes "\\" and every byte that is not part of a
// valid UTF-8 sequence becomes "\xHH". The escaped form is itself readable, so a reader that
// ignores the marker still shows something sensible, and one that honours it gets the bytes
// back exactly. For a list of strings the marker covers every element of the list.
//
// For display (reports, terminal): display_text() shows each invalid byte as "\xHH" and keeps
// the rest; terminal_text() also shows control bytes (ESC, CR, ...) that way, so a name cannot
// move the cursor, clear the screen or forge a line.
#include "core/result.h"

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace vmtest {

bool is_utf8(std::string_view bytes);

// Lossless: unescape_bytes(escape_bytes(b)) == b for every b.
std::string escape_bytes(std::string_view bytes);
Result<std::string> unescape_bytes(std::string_view escaped);

// Invalid UTF-8 bytes as "\xHH"; everything else as it is. Always valid UTF-8.
std::string display_text(std::string_view bytes);
// display_text() plus C0 controls, DEL and C1 controls (U+0080..U+009F, as their two bytes)
// as "\xHH".
// `keep_tabs` leaves '\t' alone, for log lines.
std::string terminal_text(std::string_view bytes, bool keep_tabs = false);

// The marker key for `key`: "name" -> "name_escaped".
std::string escaped_marker(std::string_view key);

// j[key] = bytes, escaped with its marker when they are not UTF-8.
void put_bytes(nlohmann::json& j, const char* key, std::string_view bytes);
void put_bytes_list(nlohmann::json& j, const char* key, const std::vector<std::string>& list);
// The reverse; absent or null leave `out` alone (as json_read::get). Throws nlohmann
// type_error (as json_read::fail) on a mistyped field or a bad escape.
void get_bytes(const nlohmann::json& j, const char* key, std::string& out);
void get_bytes_list(const nlohmann::json& j, const char* key, std::vector<std::string>& out);

// dump() that never throws: any string that still is not UTF-8 (an error message quoting a
// file name) is written with U+FFFD in place of its bad bytes. Every JSON vmtest writes, host
// and agent, goes through this.
std::string dump_json(const nlohmann::json& j, int indent = -1);
std::string dump_json(const nlohmann::ordered_json& j, int indent = -1); // keeps key order

} // namespace vmtest
