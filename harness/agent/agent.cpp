// SPDX-License-Identifier: BSD-2-Clause
#include "agent/agent.h"

#include "agent/capability_probe.h"
#include "agent/features.h"
#include "agent/full_log.h"
#include "agent/global_presets.h"
#include "agent/log_capture.h"
#include "agent/ordered_workers.h"
#include "agent/program_loader.h"
#include "agent/test_runner.h"
#include "results/guest_protocol.h"

#include <algorithm>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <sys/resource.h>
#include <sys/utsname.h>

namespace vmtest {
namespace {

std::vector<TestCase> cases_for(const ManifestObject& obj, const ProgramInfo& prog) {
  std::vector<TestCase> out;
  for (const auto& c : obj.cases)
    if (c.program == prog.name) out.push_back(c);
  if (out.empty()) out.push_back(default_test_case(prog.name, prog.prog_type));
  return out;
}

// Whether the test runs executed the program itself. Tracing test runs (fentry, fexit,
// fmod_ret) only call the kernel's test functions, which an unattached program never sees;
// EINVAL is test_run refusing the input before running anything.
bool executed(const ProgramResult& pr) {
  if (pr.prog_type == "tracing") return false;
  auto ran = [](const TestRunResult& t) {
    return t.status == TestRunStatus::Ok || (t.status == TestRunStatus::Error && t.err != EINVAL);
  };
  return ran(pr.test_run) || std::any_of(pr.more_test_runs.begin(), pr.more_test_runs.end(), ran);
}

// One object of the manifest, every preset of it: listed, loaded, tested, its full logs
// collected. Progress lines go to `progress` as they happen.
ObjectResult run_object(const Manifest& manifest, size_t i, const LoadOptions& lopts,
                        const std::map<std::string, ProgramExpectation>* baseline,
                        const std::function<void(const std::string&)>& progress) {
  const auto& mobj = manifest.objects[i];
  const size_t objects = manifest.objects.size();
  const std::string where = "[" + std::to_string(i + 1) + "/" + std::to_string(objects) + "] ";
  ObjectResult orr;
  orr.name = mobj.name;
  // Without presets the object loads once as it is; with them, once per preset, each
  // program named "program@preset".
  std::vector<const Preset*> variants;
  for (const auto& p : mobj.presets)
    variants.push_back(&p);
  if (variants.empty()) variants.push_back(nullptr);
  for (const Preset* preset : variants) {
    ObjectListing listing = list_programs(mobj.path);
    std::string error = listing.error;
    if (error.empty() && preset && listing.object) {
      std::string bad = apply_globals(listing.object.get(), preset->globals);
      if (!bad.empty()) error = "preset " + preset->name + ": " + bad;
    }
    if (!error.empty()) {
      orr.error += (orr.error.empty() ? "" : "\n") + error;
      if (progress) progress(where + mobj.name + ": " + error);
      continue;
    }
    auto run_tests = [&](size_t p, int fd, ProgramResult& pr) {
      auto cases = cases_for(mobj, listing.programs[p]);
      pr.test_run = run_test_case(fd, cases.front());
      for (size_t c = 1; c < cases.size(); ++c)
        pr.more_test_runs.push_back(run_test_case(fd, cases[c]));
      return executed(pr);
    };
    LoadOptions vopts = lopts;
    if (preset) vopts.globals = preset->globals;
    // The baseline's word on each program saves the loads it predicts (LoadOptions::expected).
    if (baseline)
      for (const auto& p : listing.programs) {
        const std::string key =
            mobj.name + "/" + (preset ? preset_program_name(p.name, preset->name) : p.name);
        if (auto it = baseline->find(key); it != baseline->end())
          vopts.expected.emplace(p.name, it->second);
      }
    std::vector<ProgramResult> loaded = load_object(mobj.path, listing, vopts, run_tests);
    if (preset)
      for (auto& pr : loaded)
        pr.name = preset_program_name(pr.name, preset->name);
    // After naming: a preset's baseline is keyed "object/program@preset".
    collect_full_logs(mobj, listing.programs, manifest.full_logs, baseline, vopts, loaded);
    for (auto& pr : loaded) {
      if (progress)
        progress(where + mobj.name + ":" + pr.name + " " + to_string(pr.verdict) +
                 (pr.metrics[Metric::InsnsProcessed]
                      ? " (" + std::to_string(*pr.metrics[Metric::InsnsProcessed]) + " insns)"
                      : std::string()));
      orr.programs.push_back(std::move(pr));
    }
  }
  return orr;
}

// Parses the kernel's BTF before workers are forked, so each inherits it instead of parsing its
// own (agent/vmlinux_btf_cache.cpp: in vmtest-guest the parsed instance lives until exit, and
// every later load gets it and prints what the parse printed; with the shared libbpf of the
// unit tests this is one parse for nothing). What the parse prints is dropped here: each
// object's load prints it again, as without workers.
void warm_kernel_btf() {
  btf__free(btf__load_vmlinux_btf());
  take_libbpf_messages();
}

} // namespace

std::string libbpf_version() {
  // libbpf reports only major.minor at run time; the build knows the package's full version.
  std::string running =
      std::to_string(libbpf_major_version()) + "." + std::to_string(libbpf_minor_version());
  std::string built = VMTEST_LIBBPF_VERSION;
  return built.rfind(running + ".", 0) == 0 ? built : running;
}

AgentReport run_agent(const Manifest& manifest, const AgentOptions& opts) {
  auto t0 = std::chrono::steady_clock::now();
  install_libbpf_capture(opts.echo_libbpf);
  // Kernels before 5.11 charge BPF memory to RLIMIT_MEMLOCK.
  rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
  setrlimit(RLIMIT_MEMLOCK, &unlimited);

  AgentReport report;
  utsname u{};
  if (uname(&u) == 0) {
    report.kernel_release = u.release;
    report.machine = u.machine;
  }
  report.libbpf_version = libbpf_version();
  report.features = probe_features();
  // A record is built only for a receiver: on the host (no stream) turning each object into
  // JSON, and deflating its full logs, was a quarter of the agent's time for nothing.
  auto emit = [&](auto&& make_record) {
    if (opts.emit) opts.emit(make_record());
  };

  LoadOptions lopts;
  lopts.log_tail_lines = static_cast<size_t>(std::max(1, manifest.log_tail_lines));
  lopts.log_stats = report.features.log_stats;
  lopts.log_rotating = report.features.log_rotating;
  lopts.isolated = manifest.isolated_loads;
  lopts.keep_rejected_log = true; // rejections always keep their full log
  const auto row_baseline = manifest.full_logs.baselines.find(opts.row);
  const auto* baseline =
      row_baseline == manifest.full_logs.baselines.end() ? nullptr : &row_baseline->second;
  report.line_costs_all = manifest.full_logs.line_costs_all;

  // One object at a time: listed, loaded, closed. A listing keeps its object open for the
  // first load, and a corpus need not fit in the guest's memory all at once.
  const size_t objects = manifest.objects.size();
  emit([&] { return start_record(report, objects); });
  const int workers = std::max(1, opts.workers);
  if (workers <= 1 || objects <= 1) {
    for (size_t i = 0; i < objects; ++i) {
      emit([&] { return begin_record(i, manifest.objects[i].name); });
      ObjectResult orr = run_object(manifest, i, lopts, baseline, opts.progress);
      emit([&] { return object_record(orr); });
      report.objects.push_back(std::move(orr));
    }
  } else {
    // Objects in worker processes (agent/ordered_workers.h). A worker returns the object's
    // progress lines and its record, which this process passes on in corpus order: the
    // console and the results port see what a single loop would have written.
    warm_kernel_btf();
    OrderedWork w;
    w.count = objects;
    w.workers = workers;
    w.work = [&](size_t i) {
      WorkOutput out;
      ObjectResult orr = run_object(manifest, i, lopts, baseline,
                                    [&](const std::string& line) { out.push_back(line); });
      out.push_back(object_record(orr));
      return out;
    };
    w.next = [&](size_t i) { emit([&] { return begin_record(i, manifest.objects[i].name); }); };
    w.deliver = [&](size_t i, WorkOutput&& out) {
      std::string record = std::move(out.back());
      out.pop_back();
      if (opts.progress)
        for (const auto& line : out)
          opts.progress(line);
      if (opts.emit) {
        opts.emit(record);
        return;
      }
      // Without a receiver (host mode) the report keeps the object, read back from its record.
      auto s = parse_guest_stream(record);
      if (s && s->report.objects.size() == 1) {
        report.objects.push_back(std::move(s->report.objects.front()));
      } else {
        ObjectResult lost;
        lost.name = manifest.objects[i].name;
        lost.error = "vmtest: the worker's record of this object did not read back";
        report.objects.push_back(std::move(lost));
      }
    };
    // A fallback to this process (a failed fork) changes no result; saying so would change
    // the progress lines.
    run_ordered(w);
  }

  // After the corpus, so a probe that wedges the kernel cannot cost us the verdicts' progress
  // lines; its failure is recorded, never fatal.
  if (!manifest.bpftool.empty() && !opts.skip_capabilities) {
    if (opts.progress) opts.progress("probing capabilities with " + manifest.bpftool);
    CapabilityProbe probe = probe_capabilities(manifest.bpftool);
    report.capabilities = std::move(probe.json);
    report.capabilities_error = std::move(probe.error);
    report.capabilities_seconds = probe.seconds;
    if (opts.progress) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "capabilities probed in %.2fs", probe.seconds);
      opts.progress(report.capabilities_error.empty()
                        ? std::string(buf)
                        : "capability probe failed: " + report.capabilities_error);
    }
    emit([&] { return capabilities_record(report); });
  }
  report.agent_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  emit([&] { return end_record(report.agent_seconds); });
  return report;
}

} // namespace vmtest
