// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/deb_version.h"

#include <cctype>
#include <string>

namespace vmtest {
namespace {

struct Parts {
  unsigned long epoch = 0;
  std::string_view upstream, revision;
};

Parts split(std::string_view v) {
  Parts p;
  if (auto colon = v.find(':'); colon != std::string_view::npos) {
    p.epoch = std::stoul(std::string(v.substr(0, colon)));
    v.remove_prefix(colon + 1);
  }
  if (auto dash = v.rfind('-'); dash != std::string_view::npos) {
    p.revision = v.substr(dash + 1);
    v = v.substr(0, dash);
  }
  p.upstream = v;
  return p;
}

// dpkg's character weight: '~' lowest, then end of string, then letters, then the rest.
int weight(char c) {
  if (c == '~') return -1;
  if (std::isdigit(static_cast<unsigned char>(c))) return 0;
  if (c == 0) return 0;
  if (std::isalpha(static_cast<unsigned char>(c))) return c;
  return c + 256;
}

int compare_part(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  auto at = [](std::string_view s, size_t k) { return k < s.size() ? s[k] : '\0'; };
  while (i < a.size() || j < b.size()) {
    // Non-digit prefix, compared by weight.
    while ((i < a.size() && !std::isdigit(static_cast<unsigned char>(a[i]))) ||
           (j < b.size() && !std::isdigit(static_cast<unsigned char>(b[j])))) {
      int wa = weight(at(a, i)), wb = weight(at(b, j));
      if (wa != wb) return wa < wb ? -1 : 1;
      ++i, ++j;
    }
    // Digit run, compared numerically (leading zeros ignored).
    while (at(a, i) == '0')
      ++i;
    while (at(b, j) == '0')
      ++j;
    int first_diff = 0;
    while (std::isdigit(static_cast<unsigned char>(at(a, i))) &&
           std::isdigit(static_cast<unsigned char>(at(b, j)))) {
      if (!first_diff) first_diff = a[i] - b[j];
      ++i, ++j;
    }
    if (std::isdigit(static_cast<unsigned char>(at(a, i)))) return 1;
    if (std::isdigit(static_cast<unsigned char>(at(b, j)))) return -1;
    if (first_diff) return first_diff < 0 ? -1 : 1;
  }
  return 0;
}

} // namespace

int compare_debian_versions(std::string_view a, std::string_view b) {
  Parts pa = split(a), pb = split(b);
  if (pa.epoch != pb.epoch) return pa.epoch < pb.epoch ? -1 : 1;
  if (int c = compare_part(pa.upstream, pb.upstream)) return c;
  return compare_part(pa.revision, pb.revision);
}

} // namespace vmtest
