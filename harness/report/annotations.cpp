// SPDX-License-Identifier: BSD-2-Clause
#include "report/annotations.h"

#include "core/fs.h"
#include "report/report_model.h"
#include "results/byte_text.h"
#include "run/corpus.h"

#include <cctype>
#include <map>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

bool ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

std::vector<std::string_view> split_lines(std::string_view s) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start <= s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string_view::npos) nl = s.size();
    lines.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

// `name` followed by optional blanks and "(", not part of a longer identifier.
bool mentions_call_shape(std::string_view line, std::string_view name) {
  for (size_t pos = line.find(name); pos != std::string_view::npos;
       pos = line.find(name, pos + 1)) {
    if (pos > 0 && ident_char(line[pos - 1])) continue;
    size_t i = pos + name.size();
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
      ++i;
    if (i < line.size() && line[i] == '(') return true;
  }
  return false;
}

} // namespace

int find_program_line(std::string_view source, std::string_view program) {
  if (program.empty()) return 0;
  const auto lines = split_lines(source);
  int fallback = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string_view l = lines[i];
    if (!mentions_call_shape(l, program)) continue;
    // A definition starts at column 0 (a call is indented inside a body).
    const bool definition = !l.empty() && l[0] != ' ' && l[0] != '\t';
    if (!definition) {
      if (!fallback) fallback = static_cast<int>(i) + 1;
      continue;
    }
    for (size_t back = 0; back <= 3 && back <= i; ++back)
      if (lines[i - back].find("SEC(") != std::string_view::npos)
        return static_cast<int>(i - back) + 1;
    return static_cast<int>(i) + 1;
  }
  return fallback;
}

SourceLocation locate_program(const fs::path& repo_root, const std::string& corpus,
                              const std::string& object, const std::string& program) {
  // Object names come from the run; never let one walk out of the corpus directory.
  const std::string stem = object_stem(object);
  if (stem.empty() || stem.find('/') != std::string::npos || stem[0] == '.') return {};
  const std::string rel = (corpus.empty() || corpus == "." ? "" : corpus + "/") + stem + ".bpf.c";
  auto text = read_file(repo_root / rel);
  if (!text) return {};
  const int line = find_program_line(*text, program);
  return {rel, line > 0 ? line : 1};
}

std::string annotation_data(std::string_view bytes) {
  const std::string text = display_text(bytes); // a name's bad UTF-8 as \xHH
  std::string out;
  for (char ch : text) {
    if (ch == '%')
      out += "%25";
    else if (ch == '\r')
      out += "%0D";
    else if (ch == '\n')
      out += "%0A";
    else
      out += ch;
  }
  return out;
}

std::string annotation_property(std::string_view text) {
  std::string out;
  for (char ch : annotation_data(text)) {
    if (ch == ':')
      out += "%3A";
    else if (ch == ',')
      out += "%2C";
    else
      out += ch;
  }
  return out;
}

fs::path annotation_root(const fs::path& given, const char* workspace_env) {
  if (!given.empty()) return given;
  if (workspace_env && *workspace_env) return workspace_env;
  return ".";
}

std::string render_annotations(const ReportModel& m, const fs::path& repo_root,
                               const std::string& corpus) {
  const GateVerdict& verdict = *m.verdict;
  std::string out;
  // Run- and kernel-level findings that fail or error have no source line to point at.
  auto general = [&out](const std::string& title, const Finding& f) {
    if (f.severity < Severity::ERROR) return;
    out += "::error title=" + annotation_property(title) + "::" + annotation_data(f.message) + "\n";
  };
  for (const auto& f : verdict.findings)
    general(std::string("vmtest: ") + finding_name(f.kind), f);
  for (const auto& k : verdict.kernels)
    for (const auto& f : k.kernel_findings)
      general("vmtest: kernel " + k.kernel + " " + finding_name(f.kind), f);
  // One annotation per program (GitHub shows only a few per step), naming every kernel.
  for (const auto& r : m.rows) {
    std::map<std::string, std::vector<std::string>> kernels_by_status;
    std::string message;
    for (const auto& c : r.cells) {
      // A kernel's own failure (no result, not verified) is its general annotation above.
      if (c.severity < Severity::ERROR || c.status == CellStatus::NoResult ||
          c.status == CellStatus::NotVerified)
        continue;
      kernels_by_status[status_label(c.status)].push_back(c.kernel);
      for (const auto& f : c.findings)
        if (f.severity >= Severity::ERROR) message += c.kernel + ": " + f.message + "\n";
      if (c.result && !c.result->log_tail.empty()) {
        const auto& tail = c.result->log_tail;
        for (size_t i = tail.size() > 3 ? tail.size() - 3 : 0; i < tail.size(); ++i)
          message += "  " + tail[i] + "\n";
      }
      if (c.result && !c.result->full_log.file.empty())
        message += "  full log: " + c.result->full_log.file + " in the run's artifact\n";
    }
    if (kernels_by_status.empty()) continue;
    std::string title = r.program + ":";
    for (const auto& [status, ks] : kernels_by_status) {
      title += " " + status + " on";
      for (size_t i = 0; i < ks.size(); ++i)
        title += (i ? ", " : " ") + ks[i];
    }
    if (!message.empty() && message.back() == '\n') message.pop_back();
    const SourceLocation loc = locate_program(repo_root, corpus, r.object, r.program);
    out += "::error ";
    if (!loc.file.empty())
      out += "file=" + annotation_property(loc.file) + ",line=" + std::to_string(loc.line) + ",";
    out += "title=" + annotation_property(title) + "::" + annotation_data(message) + "\n";
  }
  return out;
}

} // namespace vmtest
