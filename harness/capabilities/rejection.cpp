// SPDX-License-Identifier: BSD-2-Clause
#include "capabilities/rejection.h"

#include "capabilities/helper_ids.h"
#include "verifier/missing_helper.h"

#include <algorithm>
#include <string_view>

namespace vmtest {
using nlohmann::json;

namespace {

std::string program_log(const ProgramResult& p) {
  std::string log;
  for (const auto& l : p.log_tail)
    log += l + "\n";
  return log + p.error;
}

// The verifier says "unknown func"/"invalid func" only for helpers; everything else
// missing_helper recognises is a kfunc.
bool is_helper_message(const std::string& log) {
  return log.find("unknown func ") != std::string::npos ||
         log.find("invalid func ") != std::string::npos;
}

const json* helper_list(const json& caps, const std::string& prog_type) {
  if (!caps.is_object() || !caps.contains("helpers")) return nullptr;
  auto it = caps["helpers"].find(prog_type + "_available_helpers");
  if (it == caps["helpers"].end() || !it->is_array()) return nullptr;
  return &*it;
}

bool lists(const json* list, const std::string& helper) {
  return list && std::find(list->begin(), list->end(), json(helper)) != list->end();
}

std::vector<std::string> prog_types_offering(const json& caps, const std::string& helper) {
  std::vector<std::string> out;
  if (!caps.is_object() || !caps.contains("helpers")) return out;
  for (const auto& [key, list] : caps["helpers"].items()) {
    if (!lists(&list, helper)) continue;
    std::string_view k = key;
    constexpr std::string_view suffix = "_available_helpers";
    if (k.size() > suffix.size() && k.substr(k.size() - suffix.size()) == suffix)
      k.remove_suffix(suffix.size());
    out.emplace_back(k);
  }
  return out;
}

std::string joined(const std::vector<std::string>& v, size_t max) {
  std::string s;
  for (size_t i = 0; i < v.size() && i < max; ++i)
    s += (i ? ", " : "") + v[i];
  if (v.size() > max) s += ", +" + std::to_string(v.size() - max) + " more";
  return s;
}

// "helper#181" -> "bpf_loop" when our uapi table knows the id.
std::string named_helper(const std::string& missing) {
  constexpr std::string_view prefix = "helper#";
  if (missing.compare(0, prefix.size(), prefix) != 0) return missing;
  try {
    if (auto name = helper_name_for_id(std::stol(missing.substr(prefix.size())))) return *name;
  } catch (const std::exception&) {
  }
  return missing;
}

void describe(RejectionCause& c, const std::string& kernel) {
  const std::string& prog = c.prog_type.empty() ? std::string("this program type") : c.prog_type;
  switch (c.availability) {
  case Availability::Absent:
    c.message = c.missing + " is absent on " + kernel;
    break;
  case Availability::NotForProgType:
    c.message = c.missing + " is not available to " + prog + " programs on " + kernel +
                " (only to " + joined(c.other_prog_types, 4) + ")";
    break;
  case Availability::Present:
    c.message = c.missing + " is available to " + prog + " programs on " + kernel +
                ", so the rejection has another cause";
    break;
  case Availability::Unknown:
    c.message =
        c.kfunc ? "kfunc " + c.missing + " is not available to " + prog + " programs on " + kernel
                : c.missing + " is not available on " + kernel +
                      " (verifier log; no capability probe recorded)";
    break;
  }
}

// No helper in the log: the first called helper this kernel's probe does not list for the
// program's type. Without a probe there is no evidence, so no cause.
std::optional<RejectionCause> from_calls(const KernelResult& kernel, const ObjectResult& object,
                                         const ProgramResult& program) {
  const json& caps = kernel.capabilities;
  const json* own = helper_list(caps, program.prog_type);
  if (!own) return std::nullopt;
  for (int32_t id : program.helper_ids) {
    auto name = helper_name_for_id(id);
    if (!name || lists(own, *name)) continue;
    RejectionCause c;
    c.object = object.name;
    c.program = program.name;
    c.prog_type = program.prog_type;
    c.missing = *name;
    c.evidence = "calls";
    c.other_prog_types = prog_types_offering(caps, *name);
    c.availability =
        c.other_prog_types.empty() ? Availability::Absent : Availability::NotForProgType;
    describe(c, kernel.name);
    return c;
  }
  return std::nullopt;
}

} // namespace

const char* availability_name(Availability a) {
  switch (a) {
  case Availability::Absent:
    return "absent";
  case Availability::NotForProgType:
    return "not_for_prog_type";
  case Availability::Present:
    return "present";
  case Availability::Unknown:
    return "unknown";
  }
  return "unknown";
}

std::optional<RejectionCause> explain_rejection(const KernelResult& kernel,
                                                const ObjectResult& object,
                                                const ProgramResult& program) {
  if (program.verdict != Verdict::Rejected) return std::nullopt;
  std::string log = program_log(program);
  auto missing = missing_helper(log);
  if (!missing) return from_calls(kernel, object, program);

  RejectionCause c;
  c.object = object.name;
  c.program = program.name;
  c.prog_type = program.prog_type;
  c.kfunc = !is_helper_message(log);
  c.missing = c.kfunc ? *missing : named_helper(*missing);
  const json& caps = kernel.capabilities;
  if (c.kfunc || !caps.is_object() || !caps.contains("helpers")) {
    c.availability = Availability::Unknown;
  } else if (lists(helper_list(caps, c.prog_type), c.missing)) {
    c.availability = Availability::Present;
  } else if (auto others = prog_types_offering(caps, c.missing); !others.empty()) {
    c.availability = Availability::NotForProgType;
    c.other_prog_types = std::move(others);
  } else {
    c.availability = Availability::Absent;
  }
  describe(c, kernel.name);
  return c;
}

std::vector<RejectionCause> explain_rejections(const KernelResult& kernel) {
  std::vector<RejectionCause> out;
  for (const auto& o : kernel.objects)
    for (const auto& p : o.programs)
      if (auto c = explain_rejection(kernel, o, p)) out.push_back(std::move(*c));
  return out;
}

std::vector<std::string> kernels_offering(const RunResults& run, const std::string& helper,
                                          const std::string& prog_type) {
  std::vector<std::string> out;
  for (const auto& k : run.kernels) {
    bool has = prog_type.empty() ? !prog_types_offering(k.capabilities, helper).empty()
                                 : lists(helper_list(k.capabilities, prog_type), helper);
    if (has) out.push_back(k.name);
  }
  return out;
}

} // namespace vmtest
