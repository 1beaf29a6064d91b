#include "agent/agent.h"

#include <bpf/libbpf.h>
#include <sys/resource.h>
#include <sys/utsname.h>

#include <chrono>
#include <cstdio>

#include "agent/capability_probe.h"
#include "agent/features.h"
#include "agent/log_capture.h"
#include "agent/program_loader.h"
#include "agent/test_runner.h"

namespace vmtest {
namespace {

std::vector<TestCase> cases_for(const ManifestObject& obj, const ProgramInfo& prog) {
  std::vector<TestCase> out;
  for (const auto& c : obj.cases)
    if (c.program == prog.name) out.push_back(c);
  if (out.empty()) out.push_back(default_test_case(prog.name, prog.prog_type));
  return out;
}

}  // namespace

std::string libbpf_version() {
  // libbpf reports only major.minor at run time; the build knows the package's full version.
  std::string running = std::to_string(libbpf_major_version()) + "." +
                        std::to_string(libbpf_minor_version());
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
  if (uname(&u) == 0) report.kernel_release = u.release;
  report.libbpf_version = libbpf_version();
  report.features = probe_features();

  LoadOptions lopts;
  lopts.log_tail_lines = static_cast<size_t>(std::max(1, manifest.log_tail_lines));
  lopts.log_stats = report.features.log_stats;
  lopts.log_rotating = report.features.log_rotating;

  size_t total = 0, done = 0;
  std::vector<ObjectListing> listings;
  for (const auto& obj : manifest.objects) {
    listings.push_back(list_programs(obj.path));
    total += listings.back().programs.size();
  }

  for (size_t i = 0; i < manifest.objects.size(); ++i) {
    const auto& mobj = manifest.objects[i];
    ObjectResult orr;
    orr.name = mobj.name;
    orr.error = listings[i].error;
    if (!orr.error.empty() && opts.progress) opts.progress(mobj.name + ": " + orr.error);
    for (const auto& prog : listings[i].programs) {
      ProgramResult pr;
      LoadedProgram loaded = load_program(mobj.path, prog, lopts, pr);
      if (loaded.fd() >= 0) {
        auto cases = cases_for(mobj, prog);
        pr.test_run = run_test_case(loaded.fd(), cases.front());
        for (size_t c = 1; c < cases.size(); ++c)
          pr.more_test_runs.push_back(run_test_case(loaded.fd(), cases[c]));
      }
      ++done;
      if (opts.progress)
        opts.progress("[" + std::to_string(done) + "/" + std::to_string(total) + "] " +
                      mobj.name + ":" + prog.name + " " + pr.verdict +
                      (pr.insns_processed ? " (" + std::to_string(*pr.insns_processed) + " insns)"
                                          : std::string()));
      orr.programs.push_back(std::move(pr));
    }
    report.objects.push_back(std::move(orr));
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
      opts.progress(report.capabilities_error.empty() ? std::string(buf)
                                                       : "capability probe failed: " +
                                                             report.capabilities_error);
    }
  }
  report.agent_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

}  // namespace vmtest
