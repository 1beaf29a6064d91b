// SPDX-License-Identifier: BSD-2-Clause
#include "agent/global_presets.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace vmtest {
namespace {

bool is_identifier(const std::string& s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'))
      return false;
  return true;
}

// Where a variable lives: its map, its offset in the map's data and its resolved type.
struct Found {
  bpf_map* map = nullptr;
  uint32_t offset = 0;
  uint32_t size = 0;
  const btf_type* type = nullptr;
};

std::optional<Found> find_global(bpf_object* obj, const btf* b, const std::string& var) {
  bpf_map* map;
  bpf_object__for_each_map(map, obj) {
    if (!bpf_map__is_internal(map)) continue;
    const btf_type* sec = btf__type_by_id(b, bpf_map__btf_value_type_id(map));
    if (!sec || !btf_is_datasec(sec)) continue;
    const std::string_view sec_name = btf__name_by_offset(b, sec->name_off);
    if (sec_name == ".kconfig" || sec_name == ".ksyms") continue;
    const btf_var_secinfo* vsi = btf_var_secinfos(sec);
    for (uint16_t i = 0; i < btf_vlen(sec); ++i, ++vsi) {
      const btf_type* v = btf__type_by_id(b, vsi->type);
      if (!v || !btf_is_var(v) || var != btf__name_by_offset(b, v->name_off)) continue;
      const int resolved = btf__resolve_type(b, v->type);
      if (resolved < 0) return std::nullopt;
      return Found{map, vsi->offset, vsi->size, btf__type_by_id(b, resolved)};
    }
  }
  return std::nullopt;
}

std::optional<GlobalType> type_of(const btf* b, const btf_type* t) {
  GlobalType g;
  if (btf_is_int(t)) {
    const uint32_t enc = btf_int_encoding(t);
    if (btf_int_offset(t) != 0 || btf_int_bits(t) != t->size * 8) return std::nullopt;
    g.size = t->size;
    g.is_signed = enc & BTF_INT_SIGNED;
    g.is_bool = enc & BTF_INT_BOOL;
    return g;
  }
  if (btf_is_enum(t)) {
    g.size = t->size;
    const struct btf_enum* e = btf_enum(t);
    for (uint16_t i = 0; i < btf_vlen(t); ++i, ++e)
      g.enumerators.emplace_back(btf__name_by_offset(b, e->name_off), e->val);
    return g;
  }
  if (btf_is_enum64(t)) {
    g.size = t->size;
    const struct btf_enum64* e = btf_enum64(t);
    for (uint16_t i = 0; i < btf_vlen(t); ++i, ++e)
      g.enumerators.emplace_back(btf__name_by_offset(b, e->name_off),
                                 static_cast<int64_t>(btf_enum64_value(e)));
    return g;
  }
  return std::nullopt;
}

} // namespace

GlobalBytes encode_global(const std::string& var, const std::string& value, const GlobalType& t) {
  GlobalBytes out;
  auto fail = [&](const std::string& why) {
    out.error = "global '" + var + "' = '" + value + "': " + why;
    return out;
  };
  if (t.size == 0 || t.size > 8) return fail("only integers and enums of 1-8 bytes can be set");
  uint64_t bits = 0;
  if (is_identifier(value)) {
    bool found = false;
    for (const auto& [name, v] : t.enumerators)
      if (name == value) {
        bits = static_cast<uint64_t>(v);
        found = true;
      }
    if (!found)
      return fail(t.enumerators.empty() ? "a name, but the variable is not an enum"
                                        : "no such enumerator in the variable's enum");
  } else {
    char* end = nullptr;
    errno = 0;
    const bool negative = value.starts_with('-');
    if (negative)
      bits = static_cast<uint64_t>(std::strtoll(value.c_str(), &end, 0));
    else
      bits = std::strtoull(value.c_str(), &end, 0);
    if (value.empty() || errno == ERANGE || *end != '\0') return fail("not a number");
    if (t.is_bool && bits > 1) return fail("a bool takes 0 or 1");
    if (t.size < 8) {
      const unsigned width = t.size * 8;
      const bool is_signed = t.is_signed || (!t.enumerators.empty() && negative);
      if (negative && !is_signed) return fail("negative, but the variable is unsigned");
      const int64_t sv = static_cast<int64_t>(bits);
      const bool fits =
          is_signed ? (sv >= -(int64_t{1} << (width - 1)) && sv < (int64_t{1} << (width - 1)))
                    : bits < (uint64_t{1} << width);
      if (!fits) return fail("does not fit in " + std::to_string(t.size) + " bytes");
    } else if (negative && !t.is_signed && t.enumerators.empty()) {
      return fail("negative, but the variable is unsigned");
    }
  }
  for (uint32_t i = 0; i < t.size; ++i)
    out.bytes.push_back(static_cast<uint8_t>(bits >> (8 * i))); // BPF objects here are LE
  return out;
}

std::string apply_globals(bpf_object* obj, const std::vector<GlobalSetting>& globals) {
  if (globals.empty()) return "";
  const btf* b = bpf_object__btf(obj);
  if (!b) return "the object has no BTF: its globals cannot be found";
  for (const auto& g : globals) {
    auto found = find_global(obj, b, g.name);
    if (!found) return "no global variable '" + g.name + "' in .rodata, .data or .bss";
    auto type = found->type ? type_of(b, found->type) : std::nullopt;
    if (!type) return "global '" + g.name + "' is not an integer or enum";
    GlobalBytes enc = encode_global(g.name, g.value, *type);
    if (!enc.error.empty()) return enc.error;
    size_t data_size = 0;
    auto* data = static_cast<uint8_t*>(bpf_map__initial_value(found->map, &data_size));
    if (!data || found->offset + enc.bytes.size() > data_size)
      return "global '" + g.name + "': its section's data is not writable";
    std::memcpy(data + found->offset, enc.bytes.data(), enc.bytes.size());
  }
  return "";
}

} // namespace vmtest
