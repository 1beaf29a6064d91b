// SPDX-License-Identifier: BSD-2-Clause
#include "agent/fixups.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <cstring>
#include <string_view>

namespace vmtest {
namespace {

// Program types by the context they take, under both the UAPI name a program declares and the
// kernel's own name. A context several types share maps to the common case (an __sk_buff
// program is most often TC). This is veristat's guess, so verdicts stay comparable.
struct ContextType {
  std::string_view uapi_name;
  std::string_view kernel_name; // empty: match the UAPI name only
  bpf_prog_type prog_type;
  bpf_attach_type attach_type;
};

constexpr bpf_attach_type kNoAttachType = static_cast<bpf_attach_type>(0);

constexpr ContextType kContextTypes[] = {
    {"__sk_buff", "sk_buff", BPF_PROG_TYPE_SCHED_CLS, kNoAttachType},
    {"bpf_sock", "sock", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET4_POST_BIND},
    {"bpf_sock_addr", "bpf_sock_addr_kern", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_BIND},
    {"bpf_sock_ops", "bpf_sock_ops_kern", BPF_PROG_TYPE_SOCK_OPS, BPF_CGROUP_SOCK_OPS},
    {"sk_msg_md", "sk_msg", BPF_PROG_TYPE_SK_MSG, BPF_SK_MSG_VERDICT},
    {"bpf_cgroup_dev_ctx", "bpf_cgroup_dev_ctx", BPF_PROG_TYPE_CGROUP_DEVICE, BPF_CGROUP_DEVICE},
    {"bpf_sysctl", "bpf_sysctl_kern", BPF_PROG_TYPE_CGROUP_SYSCTL, BPF_CGROUP_SYSCTL},
    {"bpf_sockopt", "bpf_sockopt_kern", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_SETSOCKOPT},
    {"sk_reuseport_md", "sk_reuseport_kern", BPF_PROG_TYPE_SK_REUSEPORT,
     BPF_SK_REUSEPORT_SELECT_OR_MIGRATE},
    {"bpf_sk_lookup", "bpf_sk_lookup_kern", BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP},
    {"xdp_md", "xdp_buff", BPF_PROG_TYPE_XDP, BPF_XDP},
    // Tracing contexts: these types take no expected attach type.
    {"bpf_user_pt_regs_t", "pt_regs", BPF_PROG_TYPE_KPROBE, kNoAttachType},
    {"bpf_perf_event_data", "bpf_perf_event_data_kern", BPF_PROG_TYPE_PERF_EVENT, kNoAttachType},
    // The kernel side of raw_tp is a plain u64 array, too generic to match on.
    {"bpf_raw_tracepoint_args", "", BPF_PROG_TYPE_RAW_TRACEPOINT, kNoAttachType},
};

// Skips const/volatile/restrict/type tags (not typedefs: a typedef's name is what we match).
const btf_type* skip_modifiers(const btf* b, const btf_type* t) {
  while (t && btf_is_mod(t))
    t = btf__type_by_id(b, t->type);
  return t;
}

// The name of the struct (or typedef) the program's one argument points to, or "".
std::string_view context_type_name(const bpf_object* obj, const bpf_program* prog) {
  const btf* b = bpf_object__btf(obj);
  if (!b) return {};
  int id = btf__find_by_name_kind(b, bpf_program__name(prog), BTF_KIND_FUNC);
  if (id <= 0) return {};
  const btf_type* proto = btf__type_by_id(b, btf__type_by_id(b, id)->type);
  if (!proto || !btf_is_func_proto(proto) || btf_vlen(proto) != 1) return {};
  const btf_type* arg = skip_modifiers(b, btf__type_by_id(b, btf_params(proto)[0].type));
  if (!arg || !btf_is_ptr(arg)) return {};
  const btf_type* pointee = skip_modifiers(b, btf__type_by_id(b, arg->type));
  if (!pointee) return {};
  const char* name = btf__name_by_offset(b, pointee->name_off);
  return name ? std::string_view(name) : std::string_view();
}

bool keeps_zero_entries(bpf_map_type type) {
  switch (type) {
  // Local storage lives in the object it is attached to; the kernel rejects max_entries != 0.
  case BPF_MAP_TYPE_SK_STORAGE:
  case BPF_MAP_TYPE_TASK_STORAGE:
  case BPF_MAP_TYPE_INODE_STORAGE:
  case BPF_MAP_TYPE_CGRP_STORAGE:
  case BPF_MAP_TYPE_CGROUP_STORAGE:
  // veristat leaves out the per-CPU variant and so fails to create it (the kernel wants 0
  // for both cgroup storages); here it loads.
  case BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
  // libbpf sizes a struct_ops map itself.
  case BPF_MAP_TYPE_STRUCT_OPS:
    return true;
  default:
    return false;
  }
}

// Hash-family and stack-trace maps are preallocated: creating a 10240-entry map allocates
// and links every element, which under TCG is most of what loading a typical libbpf-tools
// program costs (~12 ms of ~15). The verifier never reads their max_entries (unlike an
// array's, which bounds constant keys), so a smaller map gives the same verdict, insns and
// states, and a guest with little memory no longer fails to create the map the way a real
// node would not.
constexpr __u32 kPreallocatedEntriesCap = 64;

bool sized_for_runtime_only(bpf_map_type type) {
  switch (type) {
  case BPF_MAP_TYPE_HASH:
  case BPF_MAP_TYPE_PERCPU_HASH:
  case BPF_MAP_TYPE_LRU_HASH:
  case BPF_MAP_TYPE_LRU_PERCPU_HASH:
  case BPF_MAP_TYPE_STACK_TRACE:
    return true;
  default:
    return false;
  }
}

// Kernels before 5.10 compare max_entries between a map-in-map's inner-map template and every
// map put in it (the initial slots libbpf fills at load), so an object that has a map-in-map
// keeps every size as written. Newer kernels compare it for inner arrays only.
bool has_map_in_map(bpf_object* obj) {
  bpf_map* map;
  bpf_object__for_each_map(map, obj) {
    auto type = bpf_map__type(map);
    if (type == BPF_MAP_TYPE_ARRAY_OF_MAPS || type == BPF_MAP_TYPE_HASH_OF_MAPS) return true;
  }
  return false;
}

// A struct_ops map's initial value holds, in each function-pointer member, the bpf_program
// that member refers to (libbpf's "shadow" layout, 1.4+). Every program still referenced there
// is loaded with the map, so clear all members but `keep`.
void mask_struct_ops(bpf_object* obj, bpf_map* map, const bpf_program* keep) {
  const btf* b = bpf_object__btf(obj);
  if (!b) return;
  const btf_type* value = btf__type_by_id(b, bpf_map__btf_value_type_id(map));
  if (!value || !btf_is_struct(value)) return;
  size_t size = 0;
  auto* data = static_cast<unsigned char*>(bpf_map__initial_value(map, &size));
  if (!data) return;
  const btf_member* m = btf_members(value);
  for (int i = 0; i < btf_vlen(value); ++i, ++m) {
    const btf_type* mt = btf__type_by_id(b, m->type);
    size_t off = m->offset / 8;
    if (!mt || !btf_is_ptr(mt) || off + sizeof(void*) > size) continue;
    const bpf_program* referenced;
    std::memcpy(&referenced, data + off, sizeof referenced);
    if (referenced != keep) std::memset(data + off, 0, sizeof(void*));
  }
}

} // namespace

std::optional<GuessedType> guess_freplace_type(const bpf_object* obj, const bpf_program* prog) {
  if (bpf_program__type(prog) != BPF_PROG_TYPE_EXT) return std::nullopt;
  std::string_view ctx = context_type_name(obj, prog);
  if (ctx.empty()) return std::nullopt;
  for (const auto& c : kContextTypes)
    if (ctx == c.uapi_name || (!c.kernel_name.empty() && ctx == c.kernel_name))
      return GuessedType{c.prog_type, c.attach_type};
  return std::nullopt;
}

void apply_fixups(bpf_object* obj, const bpf_program* only) {
  const bool cap_entries = !has_map_in_map(obj);
  bpf_map* map;
  bpf_object__for_each_map(map, obj) {
    bpf_map__set_pin_path(map, nullptr);
    auto type = bpf_map__type(map);
    if (type == BPF_MAP_TYPE_STRUCT_OPS && only) mask_struct_ops(obj, map, only);
    if (!keeps_zero_entries(type) && bpf_map__max_entries(map) == 0)
      bpf_map__set_max_entries(map, 1);
    if (cap_entries && sized_for_runtime_only(type) &&
        bpf_map__max_entries(map) > kPreallocatedEntriesCap)
      bpf_map__set_max_entries(map, kPreallocatedEntriesCap);
  }
  bpf_program* prog;
  bpf_object__for_each_program(prog, obj) {
    if (auto guess = guess_freplace_type(obj, prog)) {
      bpf_program__set_type(prog, guess->prog_type);
      bpf_program__set_expected_attach_type(prog, guess->attach_type);
    }
  }
}

} // namespace vmtest
