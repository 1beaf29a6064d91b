// SPDX-License-Identifier: BSD-2-Clause
#include "run/controller.h"

#include "capabilities/capability_matrix.h"
#include "core/cancel.h"
#include "core/fs.h"
#include "image/guest_image.h"
#include "results/byte_text.h"
#include "results/guest_protocol.h"
#include "results/manifest.h"
#include "run/boot_order.h"
#include "run/guest_cpus.h"
#include "run/log_files.h"

#include <algorithm>
#include <map>
#include <thread>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

void reuse_or_store_capabilities(const RunOptions& opts, const std::map<size_t, fs::path>& cached,
                                 size_t slot, KernelResult& kr) {
  if (auto it = cached.find(slot); it != cached.end()) {
    if (!kr.capabilities.is_null()) return; // the guest probed anyway
    auto text = read_file(it->second);
    if (!text) return;
    if (auto caps = parse_capabilities(*text, it->second.string()))
      kr.capabilities = std::move(*caps);
    else
      kr.capabilities_error = "cached probe is unreadable: " + caps.error().str();
    return;
  }
  if (opts.capabilities_cache.empty() || kr.capabilities.is_null() ||
      !kr.capabilities_error.empty())
    return;
  // Best effort: a cache that cannot be written only costs the next run a probe.
  (void)write_file_atomic(opts.capabilities_cache / (kr.image_sha256 + ".json"),
                          dump_json(kr.capabilities));
}

} // namespace

fs::path RunOptions::agent_for(Arch arch) const {
  if (arch == host_arch()) return agent;
  auto it = foreign_agents.find(arch);
  return it == foreign_agents.end() ? fs::path{} : it->second;
}

fs::path RunOptions::bpftool_for(Arch arch) const {
  if (arch == host_arch()) return bpftool;
  auto it = foreign_bpftools.find(arch);
  return it == foreign_bpftools.end() ? fs::path{} : it->second;
}

std::vector<std::string> known_kernel_names(const Matrix& matrix) {
  std::vector<std::string> names;
  for (const auto& r : matrix.rows)
    names.push_back(r.name);
  names.push_back("host");
  return names;
}

KernelSelection select_kernels(const Matrix& matrix, const std::vector<std::string>& requested) {
  KernelSelection s;
  s.by_name = !requested.empty();
  s.names = s.by_name ? requested : matrix.defaults;
  if (s.by_name || matrix.defaults.size() != matrix.rows.size()) s.recorded = s.names;
  return s;
}

Result<void> check_kernel_names(const Matrix& matrix, const std::vector<std::string>& names) {
  const auto known = known_kernel_names(matrix);
  for (const auto& k : names) {
    if (std::find(known.begin(), known.end(), k) != known.end()) continue;
    std::string list;
    for (const auto& n : known)
      list += (list.empty() ? "" : ", ") + n;
    return Error{"unknown kernel '" + k + "'; choose from: " + list, ""};
  }
  return {};
}

std::string summarise_kernel(const KernelResult& kr) {
  // A skipped row's reason is a finding of the verdict, which every command prints once.
  if (kr.status == KernelStatus::Skipped) return "skipped";
  if (kr.status != KernelStatus::Ok) return std::string(to_string(kr.status)) + ": " + kr.error;
  size_t accepted = 0, rejected = 0, broken = 0;
  for (const auto& o : kr.objects) {
    if (!o.error.empty()) ++broken;
    for (const auto& p : o.programs)
      (p.verdict == Verdict::Accepted ? accepted : rejected)++;
  }
  char buf[256];
  std::snprintf(buf, sizeof buf, "ok  %zu programs: %zu accepted, %zu rejected%s  [%s, %.1fs]",
                accepted + rejected, accepted, rejected,
                broken ? (", " + std::to_string(broken) + " unreadable objects").c_str() : "",
                kr.accel.c_str(), kr.boot_seconds);
  return buf;
}

void Controller::absorb_report(AgentReport report, const std::vector<CorpusObject>& corpus,
                               KernelResult& kr) {
  if (!report.fatal.empty()) {
    kr.status = KernelStatus::Error;
    kr.error = "agent failed: " + report.fatal;
    return;
  }
  kr.kernel_release = report.kernel_release;
  kr.machine = report.machine;
  kr.libbpf_version = report.libbpf_version;
  kr.features = report.features;
  kr.objects = std::move(report.objects);
  kr.line_costs_all = report.line_costs_all;
  kr.capabilities = std::move(report.capabilities);
  kr.capabilities_error = std::move(report.capabilities_error);
  kr.capabilities_seconds = report.capabilities_seconds;
  std::map<std::string, const CorpusObject*> by_name;
  for (const auto& c : corpus)
    by_name[c.name] = &c;
  for (auto& o : kr.objects)
    if (auto it = by_name.find(o.name); it != by_name.end()) o.sha256 = it->second->sha256;
  // Objects the host could not read never reached the guest; they are this kernel's results
  // too, so the gate sees them on every kernel.
  for (const auto& c : corpus)
    if (!c.error.empty()) kr.objects.push_back({c.name, c.sha256, c.error, {}});
  std::sort(kr.objects.begin(), kr.objects.end(),
            [](const ObjectResult& a, const ObjectResult& b) { return a.name < b.name; });
}

KernelResult Controller::run_host(const RunOptions& opts, const std::vector<CorpusObject>& corpus) {
  KernelResult kr;
  kr.name = "host";
  kr.arch = std::string(to_string(host_arch()));
  kr.accel = "none";
  kr.image = "running kernel";
  auto t0 = std::chrono::steady_clock::now();
  fs::path work = opts.out_dir / "kernels" / "host";
  std::error_code ec;
  fs::create_directories(work, ec);
  Manifest m;
  m.log_tail_lines = opts.log_tail_lines;
  m.isolated_loads = opts.isolated_loads;
  m.full_logs = opts.full_logs;
  for (const auto& c : corpus)
    if (c.error.empty())
      m.objects.push_back({c.name, fs::absolute(c.path).string(), c.cases, c.presets});
  if (!opts.bpftool.empty()) m.bpftool = fs::absolute(opts.bpftool).string();
  if (auto w = write_file_atomic(work / "manifest.json", dump_json(nlohmann::json(m)),
                                 Durability::Replace);
      !w) {
    kr.status = KernelStatus::Error;
    kr.error = w.error().str();
    return kr;
  }
  progress_.kernel("host", "running agent on the host kernel");
  Command cmd;
  cmd.argv = {opts.agent.string(), "--manifest", (work / "manifest.json").string(), "--output",
              (work / "report.json").string()};
  cmd.stdout_path = work / "agent.log";
  auto st =
      stages_.run_host(cmd, std::chrono::duration_cast<std::chrono::milliseconds>(opts.timeout));
  kr.boot_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // The cancellation killed the agent; it writes its report only at its end.
  if (cancelled() && !(st && st->success())) {
    kr.status = KernelStatus::Interrupted;
    kr.error = cancel_reason() + " while the agent ran on the host kernel";
    return kr;
  }
  if (!st) {
    kr.status = KernelStatus::Error;
    kr.error = st.error().str();
    return kr;
  }
  if (st->timed_out) {
    kr.status = KernelStatus::Timeout;
    kr.error = "the agent did not finish within " + std::to_string(opts.timeout.count()) + " s";
    return kr;
  }
  auto text = read_file(work / "report.json");
  if (!text) {
    kr.status = KernelStatus::NoResults;
    kr.error = "vmtest-guest " + st->describe() + " and wrote no report (see " +
               (work / "agent.log").string() + ")";
    return kr;
  }
  // Checked and depth-limited, like the guest's records (results/results.h).
  auto report = parse_agent_report(*text);
  if (!report) {
    kr.status = KernelStatus::NoResults;
    kr.error = report.error().str();
    return kr;
  }
  absorb_report(std::move(*report), corpus, kr);
  return kr;
}

// The guest's streamed records. A guest that finished must have sent a complete, undamaged
// stream to pass; one that stopped early (timeout, panic, killed qemu) keeps its status, and
// the verdicts it streamed before stopping are kept with it, naming the object it was on.
void Controller::absorb_stream(const VmOutcome& vo, const std::vector<CorpusObject>& corpus,
                               KernelResult& kr) {
  auto stream = parse_guest_stream(vo.results);
  if (!stream) {
    if (vo.ok()) {
      kr.status = KernelStatus::NoResults;
      kr.error = stream.error().str();
    }
    return;
  }
  GuestStream& s = *stream;
  const size_t reached = s.report.objects.size();
  kr.running_object = s.running;
  const KernelStatus status = kr.status;
  const std::string error = kr.error;
  absorb_report(std::move(s.report), corpus, kr);
  if (status != KernelStatus::Ok) {
    // absorb_report judged only the records; the VM's own failure is what happened.
    kr.status = status;
    kr.error = error;
  }
  if (kr.status == KernelStatus::Ok && (!s.finished || !s.damaged.empty())) {
    kr.status = KernelStatus::NoResults;
    kr.error = !s.damaged.empty() ? "the guest's report is damaged: " + s.damaged.front()
                                  : "the guest's report stops before its end record";
  }
  if (kr.status != KernelStatus::Ok && !s.finished) {
    std::string where = " after " + std::to_string(reached) + " of " +
                        std::to_string(s.objects_expected) + " objects";
    if (!s.running.empty()) where += ", while running " + s.running;
    kr.error += where;
  }
}

RunOutcome Controller::run(const RunOptions& opts, const std::vector<CorpusObject>& corpus) {
  const KernelSelection selection = select_kernels(matrix_, opts.kernels);
  if (auto known = check_kernel_names(matrix_, selection.names); !known)
    throw FatalError(known.error().str());
  const std::vector<std::string>& selected = selection.names;
  const bool explicit_selection = selection.by_name;
  progress_.set_kernels(selected);

  RunOutcome out;
  out.results.kernels.resize(selected.size());
  std::vector<size_t> vm_index; // results slot of each VM spec
  std::vector<VmSpec> specs;
  std::vector<KernelImage> images;
  std::vector<GuestKernelConfig> kernel_configs; // for the capability probe
  std::map<size_t, fs::path> cached_caps;        // results slot -> cached probe

  // Stage 1: kernel images. Sequential: they share one private apt state directory.
  for (size_t i = 0; i < selected.size(); ++i) {
    KernelResult& kr = out.results.kernels[i];
    kr.name = selected[i];
    if (kr.name == "host") continue;
    if (cancelled()) {
      kr.status = KernelStatus::Interrupted;
      kr.error = "not started: " + cancel_reason();
      continue;
    }
    const KernelRow* row = matrix_.find(kr.name);
    kr.canary = row->canary;
    kr.arch = std::string(to_string(row->arch));
    if (opts.agent_for(row->arch).empty()) {
      // Said before any download: nothing could run in this guest.
      kr.status = KernelStatus::Error;
      kr.error = "no vmtest-guest built for " + std::string(to_string(row->arch)) +
                 " (build the vmtest-guest-aarch64 target, or set VMTEST_GUEST_ARM64)";
      progress_.kernel(kr.name, "error: " + kr.error);
      continue;
    }
    progress_.kernel(kr.name, "fetching kernel");
    RowFetch got = stages_.fetch_kernel(*row);
    if (got.status == FetchStatus::unavailable) {
      kr.status = explicit_selection ? KernelStatus::Error : KernelStatus::Skipped;
      kr.error = got.reason;
      // The reasons are said once, by the verdict's finding for the row.
      progress_.kernel(kr.name, "no source available here");
      continue;
    }
    if (got.status == FetchStatus::failed) {
      kr.status = KernelStatus::Error;
      kr.error = got.error.str();
      progress_.kernel(kr.name, "error: " + kr.error);
      continue;
    }
    const KernelImage* img = &*got.image;
    kr.image = img->origin;
    kr.image_sha256 = img->sha256;
    kr.source = {img->source_kind, img->source_description};
    kernel_configs.push_back({img->vmlinuz, img->config});
    VmSpec spec;
    spec.name = kr.name;
    spec.arch = row->arch;
    spec.kernel = img->vmlinuz;
    spec.work_dir = opts.out_dir / "kernels" / kr.name;
    spec.memory_mb = opts.memory_mb;
    spec.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(opts.timeout);
    spec.accel = opts.accel;
    if (!opts.bpftool_for(row->arch).empty() && !opts.capabilities_cache.empty() &&
        !opts.refresh_capabilities) {
      fs::path cached = opts.capabilities_cache / (img->sha256 + ".json");
      std::error_code ec;
      if (fs::exists(cached, ec)) {
        cached_caps[i] = cached;
        spec.extra_cmdline = std::string(kSkipCapabilitiesArg);
      }
    }
    // The guest picks its row's baseline out of the shared manifest by this name.
    if (!opts.full_logs.baselines.empty())
      spec.extra_cmdline +=
          (spec.extra_cmdline.empty() ? "" : " ") + std::string(kRowArg) + kr.name;
    specs.push_back(spec);
    vm_index.push_back(i);
    progress_.kernel(kr.name, img->from_cache ? "kernel cached" : "kernel fetched");
  }

  // Cancelled while fetching: no image to build, no VM to boot.
  if (!specs.empty() && cancelled()) {
    for (size_t i : vm_index) {
      out.results.kernels[i].status = KernelStatus::Interrupted;
      out.results.kernels[i].error = "not started: " + cancel_reason();
    }
    specs.clear();
  }

  // Stage 2: one guest image serves every kernel of an architecture (the agent and bpftool
  // in it are built for one).
  std::map<Arch, std::vector<size_t>> by_arch; // arch -> indices into specs
  for (size_t s = 0; s < specs.size(); ++s)
    by_arch[specs[s].arch].push_back(s);
  std::vector<bool> image_failed(specs.size(), false);
  for (const auto& [arch, members] : by_arch) {
    GuestImageSpec gspec;
    gspec.arch = arch;
    gspec.agent = opts.agent_for(arch);
    gspec.log_tail_lines = opts.log_tail_lines;
    gspec.isolated_loads = opts.isolated_loads;
    gspec.full_logs = opts.full_logs;
    // bpftool, its libraries and the kernel configs triple the image; leave them out when
    // every kernel's probe is cached (a smaller initramfs unpacks faster under TCG).
    const fs::path bpftool = opts.bpftool_for(arch);
    size_t cached_here = 0;
    for (size_t s : members)
      cached_here += cached_caps.count(vm_index[s]);
    if (!bpftool.empty() && cached_here < members.size()) {
      gspec.bpftool = bpftool;
      for (size_t s : members)
        gspec.kernel_configs.push_back(kernel_configs[s]);
    }
    for (const auto& c : corpus)
      if (c.error.empty()) gspec.objects.push_back({c.name, c.path, c.cases, c.presets});
    // The host architecture's image keeps the name it always had.
    fs::path image =
        opts.out_dir / (arch == host_arch()
                            ? std::string("guest-initramfs.cpio")
                            : "guest-initramfs-" + std::string(to_string(arch)) + ".cpio");
    auto built = build_guest_image(gspec, image);
    if (!built) {
      for (size_t s : members) {
        out.results.kernels[vm_index[s]].status = KernelStatus::Error;
        out.results.kernels[vm_index[s]].error = "cannot build guest image: " + built.error().str();
        image_failed[s] = true;
      }
      continue;
    }
    std::error_code ec;
    std::uintmax_t image_bytes = fs::file_size(image, ec);
    if (ec) image_bytes = 0;
    const int memory_mb = guest_memory_mb(image_bytes, opts.memory_mb);
    if (memory_mb > opts.memory_mb)
      progress_.note("guest memory raised to " + std::to_string(memory_mb) + " MB for a " +
                     std::to_string(image_bytes / (1024 * 1024)) + " MB guest image");
    for (size_t s : members) {
      specs[s].initrd = image;
      specs[s].memory_mb = memory_mb;
    }
  }
  // Rows whose image could not be built boot nothing.
  {
    std::vector<VmSpec> kept;
    std::vector<size_t> kept_index;
    for (size_t s = 0; s < specs.size(); ++s)
      if (!image_failed[s]) {
        kept.push_back(specs[s]);
        kept_index.push_back(vm_index[s]);
      }
    specs = std::move(kept);
    vm_index = std::move(kept_index);
  }

  // Stage 3: VMs in parallel, plus the host run alongside.
  for (size_t i = 0; i < selected.size(); ++i) {
    if (selected[i] != "host") continue;
    if (cancelled()) {
      out.results.kernels[i].status = KernelStatus::Interrupted;
      out.results.kernels[i].error = "not started: " + cancel_reason();
      continue;
    }
    out.results.kernels[i] = run_host(opts, corpus);
  }

  if (!specs.empty()) {
    int jobs = opts.jobs > 0 ? opts.jobs
                             : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    // Longest first, when there are more guests than slots; results keep the matrix's order
    // through vm_index.
    if (!opts.row_seconds.empty() && specs.size() > static_cast<size_t>(jobs)) {
      std::vector<std::string> names;
      for (const auto& s : specs)
        names.push_back(s.name);
      std::vector<VmSpec> ordered;
      std::vector<size_t> ordered_index;
      for (size_t s : longest_first(names, load_row_seconds(opts.row_seconds))) {
        ordered.push_back(specs[s]);
        ordered_index.push_back(vm_index[s]);
      }
      specs = std::move(ordered);
      vm_index = std::move(ordered_index);
    }
    // A second vCPU only where a core is free for it (run/guest_cpus.h); the agent then loads
    // objects in as many workers.
    const int at_once = static_cast<int>(std::min<size_t>(jobs, specs.size()));
    const int cpus = guest_cpus(opts.guest_cpus, at_once, available_cores());
    if (cpus > 1)
      for (auto& spec : specs) {
        spec.cpus = cpus;
        spec.extra_cmdline += (spec.extra_cmdline.empty() ? "" : " ") + std::string(kWorkersArg) +
                              std::to_string(cpus);
      }
    auto outcomes = stages_.boot_all(specs, jobs, [&](size_t idx, const std::string& state) {
      progress_.kernel(specs[idx].name, state);
    });
    RowSeconds timed;
    for (size_t s = 0; s < outcomes.size(); ++s) {
      const VmOutcome& vo = outcomes[s];
      if (vo.status == KernelStatus::Ok) timed[specs[s].name] = vo.seconds;
      KernelResult& kr = out.results.kernels[vm_index[s]];
      kr.accel = vo.accel;
      kr.boot_seconds = vo.seconds;
      kr.status = vo.status;
      kr.error = vo.error;
      if (vo.ok() || !vo.results.empty()) absorb_stream(vo, corpus, kr);
      if (kr.status == KernelStatus::Ok)
        reuse_or_store_capabilities(opts, cached_caps, vm_index[s], kr);
      if (kr.status != KernelStatus::Ok || !vo.oopses.empty()) kr.console_tail = vo.console_tail;
      if (kr.status == KernelStatus::Ok && !vo.oopses.empty())
        progress_.note(kr.name + ": kernel reported " + vo.oopses.front());
    }
    if (!opts.row_seconds.empty()) store_row_seconds(opts.row_seconds, timed);
  }

  // Full logs leave results.json for files of their own, exactly as the kernel printed them.
  for (auto& kr : out.results.kernels)
    for (const auto& problem : write_full_logs(opts.out_dir, kr))
      progress_.note(kr.name + ": " + problem);

  // What the run means (and its exit code) is the gate's to say; the controller only records.
  for (const auto& kr : out.results.kernels)
    progress_.kernel(kr.name, summarise_kernel(kr));
  out.results.selected = selection.recorded;
  return out;
}

} // namespace vmtest
