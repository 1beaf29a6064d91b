// SPDX-License-Identifier: BSD-2-Clause
#include "baseline/policy.h"

#include <fnmatch.h>

#include <set>
#include <stdexcept>

#include <yaml-cpp/yaml.h>

#include "core/file_number.h"
#include "core/fs.h"

namespace vmtest {

namespace {

struct PolicyError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string at_line(const YAML::Node& n) {
  return n.Mark().is_null() ? "" : "line " + std::to_string(n.Mark().line + 1) + ": ";
}

void only_keys(const YAML::Node& map, const std::set<std::string>& allowed,
               const std::string& where) {
  for (const auto& kv : map) {
    auto key = kv.first.as<std::string>();
    if (!allowed.count(key))
      throw PolicyError(at_line(kv.first) + "unknown key '" + key + "' in " + where);
  }
}

template <typename T> T scalar(const YAML::Node& n, const std::string& what) {
  if (!n.IsScalar()) throw PolicyError(at_line(n) + what + " must be a scalar");
  try {
    return n.as<T>();
  } catch (const YAML::Exception&) {
    throw PolicyError(at_line(n) + what + " has the wrong type: '" + n.Scalar() + "'");
  }
}

// A number that decides what the gate lets through: judged by core/file_number.h.
template <typename T>
T checked_number(const YAML::Node& n, const std::string& what, NumberRange range) {
  const T v = scalar<T>(n, what);
  if (auto why = number_problem(v, range); !why.empty())
    throw PolicyError(at_line(n) + what + " " + why + ": '" + n.Scalar() + "'");
  return v;
}

ThresholdOverrides parse_thresholds(const YAML::Node& n, const std::string& where) {
  if (!n.IsMap()) throw PolicyError(at_line(n) + where + " must be a mapping");
  std::set<std::string> keys = {"fail_on_stats"};
  for (const auto& g : kThresholdGroups) {
    keys.insert(pct_key(g.id));
    keys.insert(abs_key(g.id));
  }
  only_keys(n, keys, where);
  ThresholdOverrides t;
  const auto at_least_zero = NumberRange::AtLeastZero;
  const std::string in = where + " ";
  for (const auto& g : kThresholdGroups) {
    const std::string pct = pct_key(g.id), abs = abs_key(g.id);
    if (n[pct]) t.change[g.id].pct = checked_number<double>(n[pct], in + pct, at_least_zero);
    if (n[abs]) t.change[g.id].abs = checked_number<int64_t>(n[abs], in + abs, at_least_zero);
  }
  if (n["fail_on_stats"]) t.fail_on_stats = scalar<bool>(n["fail_on_stats"], "fail_on_stats");
  return t;
}

// headroom: {insns: {warn: 50, fail: 85}, stack: {...}, maps: {...}}
HeadroomOverrides parse_headroom(const YAML::Node& n, const std::string& where) {
  if (!n.IsMap()) throw PolicyError(at_line(n) + where + " must be a mapping");
  HeadroomOverrides h;
  for (const auto& kv : n) {
    const auto key = kv.first.as<std::string>();
    auto f = fraction_by_key(key);
    if (!f) throw PolicyError(at_line(kv.first) + "unknown headroom fraction '" + key + "' in " +
                              where + " (insns, stack, maps)");
    const YAML::Node& levels = kv.second;
    const std::string here = where + " " + key;
    if (!levels.IsMap()) throw PolicyError(at_line(levels) + here + " must be {warn: %, fail: %}");
    only_keys(levels, {"warn", "fail"}, here);
    const size_t i = static_cast<size_t>(*f);
    if (levels["warn"])
      h.warn_pct[i] =
          checked_number<double>(levels["warn"], here + " warn", NumberRange::AtLeastZero);
    if (levels["fail"])
      h.fail_pct[i] =
          checked_number<double>(levels["fail"], here + " fail", NumberRange::AtLeastZero);
    if (h.warn_pct[i] && h.fail_pct[i] && *h.warn_pct[i] > *h.fail_pct[i])
      throw PolicyError(at_line(levels) + here + ": warn must not be above fail");
  }
  return h;
}

void parse_ignore(const YAML::Node& n, PolicyRule& r) {
  auto set_one = [&](const YAML::Node& item) {
    auto what = scalar<std::string>(item, "ignore");
    if (what == "all" || what == "true") r.ignore_all = true;
    else if (what == "stats") r.ignore_stats = true;
    else if (what == "log_tail") r.ignore_log_tail = true;
    else if (what == "test_run") r.ignore_test_run = true;
    else if (what == "headroom") r.ignore_headroom = true;
    else if (what == "false") {
    } else
      throw PolicyError(at_line(item) + "ignore: unknown aspect '" + what +
                        "' (all, stats, log_tail, test_run, headroom)");
  };
  if (n.IsSequence()) {
    for (const auto& item : n) set_one(item);
  } else {
    set_one(n);
  }
}

PolicyRule parse_rule(const YAML::Node& n, size_t index) {
  const std::string where = "rule #" + std::to_string(index + 1);
  if (!n.IsMap()) throw PolicyError(at_line(n) + where + " must be a mapping");
  only_keys(n, {"match", "kernels", "expected_to_fail", "ignore", "thresholds", "headroom", "reason"},
            where);
  PolicyRule r;
  r.line = n.Mark().is_null() ? 0 : n.Mark().line + 1;
  if (!n["reason"] || scalar<std::string>(n["reason"], "reason").empty())
    throw PolicyError(at_line(n) + where + " has no reason; every exception must say why");
  r.reason = n["reason"].as<std::string>();
  if (!n["match"]) throw PolicyError(at_line(n) + where + " has no 'match: object/program'");
  auto match = scalar<std::string>(n["match"], "match");
  auto slash = match.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == match.size())
    throw PolicyError(at_line(n["match"]) + where + ": match '" + match +
                      "' must be object/program (use * for either)");
  r.object_glob = match.substr(0, slash);
  r.program_glob = match.substr(slash + 1);
  if (auto k = n["kernels"]) {
    if (k.IsSequence()) {
      for (const auto& item : k) r.kernel_globs.push_back(scalar<std::string>(item, "kernels"));
    } else {
      r.kernel_globs.push_back(scalar<std::string>(k, "kernels"));
    }
  }
  if (n["expected_to_fail"]) r.expected_to_fail = scalar<bool>(n["expected_to_fail"], "expected_to_fail");
  if (n["ignore"]) parse_ignore(n["ignore"], r);
  if (n["thresholds"]) r.thresholds = parse_thresholds(n["thresholds"], where + " thresholds");
  if (n["headroom"]) r.headroom = parse_headroom(n["headroom"], where + " headroom");
  if (!r.expected_to_fail && !r.ignore_all && !r.ignore_stats && !r.ignore_log_tail &&
      !r.ignore_test_run && !r.ignore_headroom && !r.thresholds && !r.headroom)
    throw PolicyError(at_line(n) + where +
                      " does nothing (needs expected_to_fail, ignore, thresholds or headroom)");
  return r;
}

}  // namespace

void ThresholdOverrides::apply_to(Thresholds& t) const {
  change.apply_to(t.change);
  if (fail_on_stats) t.fail_on_stats = *fail_on_stats;
  headroom.apply_to(t.headroom);
}

void HeadroomOverrides::apply_to(HeadroomThresholds& t) const {
  for (size_t i = 0; i < kFractionCount; ++i) {
    if (warn_pct[i]) t.levels[i].warn_pct = *warn_pct[i];
    if (fail_pct[i]) t.levels[i].fail_pct = *fail_pct[i];
  }
}

bool glob_match(std::string_view pattern, std::string_view text) {
  return fnmatch(std::string(pattern).c_str(), std::string(text).c_str(), 0) == 0;
}

bool PolicyRule::matches(std::string_view kernel, std::string_view object,
                         std::string_view program) const {
  if (!glob_match(object_glob, object) || !glob_match(program_glob, program)) return false;
  if (kernel_globs.empty()) return true;
  for (const auto& k : kernel_globs)
    if (glob_match(k, kernel)) return true;
  return false;
}

PolicyDecision Policy::decide(std::string_view kernel, std::string_view object,
                              std::string_view program, const Thresholds& defaults) const {
  PolicyDecision d;
  d.thresholds = defaults;
  thresholds.apply_to(d.thresholds);
  for (const auto& r : rules) {
    if (!r.matches(kernel, object, program)) continue;
    if (r.expected_to_fail) {
      d.expected_to_fail = *r.expected_to_fail;
      d.expected_to_fail_reason = *r.expected_to_fail ? r.reason : "";
    }
    if (r.ignore_all || r.ignore_stats || r.ignore_log_tail || r.ignore_test_run ||
        r.ignore_headroom) {
      d.ignore_all |= r.ignore_all;
      d.ignore_stats |= r.ignore_stats;
      d.ignore_log_tail |= r.ignore_log_tail;
      d.ignore_test_run |= r.ignore_test_run;
      d.ignore_headroom |= r.ignore_headroom;
      d.ignore_reason = r.reason;
    }
    if (r.thresholds) {
      r.thresholds->apply_to(d.thresholds);
      d.thresholds_reason = r.reason;
    }
    if (r.headroom) {
      r.headroom->apply_to(d.thresholds.headroom);
      d.headroom_reason = r.reason;
    }
  }
  return d;
}

Result<Policy> parse_policy(std::string_view yaml, std::string_view origin) {
  const std::string ctx(origin);
  Policy p;
  p.origin = ctx;
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    if (root.IsNull()) return p;  // an empty policy file is a valid "no exceptions"
    if (!root.IsMap()) throw PolicyError("top level must be a mapping");
    only_keys(root, {"strict", "canary", "thresholds", "headroom", "rules"}, "policy");
    if (root["strict"]) p.strict = scalar<bool>(root["strict"], "strict");
    if (auto c = root["canary"]) {
      const auto v = scalar<std::string>(c, "canary");
      if (v != "warn" && v != "fail")
        throw PolicyError(at_line(c) + "canary must be \"warn\" or \"fail\", not \"" + v + "\"");
      p.canary = v == "fail" ? CanaryPolicy::Fail : CanaryPolicy::Warn;
    }
    if (root["thresholds"]) p.thresholds = parse_thresholds(root["thresholds"], "thresholds");
    if (root["headroom"]) p.thresholds.headroom = parse_headroom(root["headroom"], "headroom");
    if (auto rules = root["rules"]) {
      if (!rules.IsSequence()) throw PolicyError(at_line(rules) + "rules must be a list");
      for (size_t i = 0; i < rules.size(); ++i) p.rules.push_back(parse_rule(rules[i], i));
    }
  } catch (const PolicyError& e) {
    return Error{std::string("bad policy: ") + e.what(), ctx};
  } catch (const YAML::Exception& e) {
    return Error{std::string("bad policy: ") + e.what(), ctx};
  }
  return p;
}

Result<Policy> load_policy(const std::filesystem::path& path) {
  auto text = read_file(path);
  if (!text.ok()) return text.error();
  return parse_policy(*text, path.string());
}

}  // namespace vmtest
