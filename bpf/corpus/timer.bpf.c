// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* bpf_timer (5.15): a timer embedded in a map value, initialised, given a callback,
 * armed and cancelled again so nothing fires after test_run.
 * Expected: 5.10 rejects ("number of funcs in func_info doesn't match number of subprogs":
 * the callback reference needs BPF_PSEUDO_FUNC, 5.13), 6.1 and 6.12 accept. test_run: TC, returns TC_ACT_OK whatever the helpers return (a second run sees
 * an already initialised timer and gets -EBUSY; that is fine). */
#include "corpus.h"

struct elem {
  struct bpf_timer t;
  __u64 fired;
};

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct elem);
} timers SEC(".maps");

static int on_fire(void* map, __u32* key, struct elem* e) {
  e->fired++;
  return 0;
}

SEC("tc")
int tc_timer(struct __sk_buff* skb) {
  __u32 key = 0;
  struct elem* e = bpf_map_lookup_elem(&timers, &key);
  if (!e) return TC_ACT_OK;
  bpf_timer_init(&e->t, &timers, CLOCK_MONOTONIC);
  bpf_timer_set_callback(&e->t, on_fire);
  bpf_timer_start(&e->t, 1000000000ull /* 1 s */, 0);
  bpf_timer_cancel(&e->t);
  return TC_ACT_OK;
}
