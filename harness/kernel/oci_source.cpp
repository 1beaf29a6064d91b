// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/oci_source.h"

#include "kernel/archive_kernel.h"
#include "kernel/lock_file.h"
#include "kernel/oci_manifest.h"
#include "kernel/oci_registry.h"

#include <system_error>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

struct Pulled {
  CachedKernel kernel;
  std::string digest; // of what the reference resolved to (index or manifest)
  bool from_cache = false;
};

// A repository written with a host in it would hide which registry serves the row; the
// host has its own field (public) or comes from $VMTEST_OCI_REGISTRY (private).
void check_no_registry_host(const SourceSpec& spec, const std::string& repository) {
  const auto first = repository.substr(0, repository.find('/'));
  if (first.find('.') != std::string::npos || first.find(':') != std::string::npos ||
      first == "localhost")
    throw SpecError{"oci repository '" + repository +
                        "' names a registry host; write the repository path only, and the "
                        "host as 'registry:' (public) or in $VMTEST_OCI_REGISTRY (private)",
                    spec.at()};
}

// Pulls `reference` (tag or digest) and caches the kernel. `expected_vmlinuz` may be empty.
Result<Pulled> pull(const std::string& row, const OciRef& ref, const std::string& reference,
                    const std::string& expected_vmlinuz, const FetchContext& ctx) {
  const std::string rctx = "kernel '" + row + "'";
  auto registry = oci_registry_from_env(ctx.env, ref.registry);
  if (!registry)
    return Error{"not available here: set VMTEST_OCI_REGISTRY to the registry host", rctx};
  if (!ctx.http) return Error{"no HTTP client to download with", rctx};
  OciRepositoryClient client(*ctx.http, *registry, ref.repository);
  const std::string what = rctx + ": " + client.describe(reference);

  auto top = client.manifest(reference);
  if (!top) return top.error().wrap(rctx);
  // An unpinned tag may still name something already cached.
  if (auto hit = find_cached_by_source(ctx.cache_dir, top->digest)) {
    if (!expected_vmlinuz.empty() && hit->info.vmlinuz_sha256 != expected_vmlinuz)
      return Error{"vmlinuz sha256 mismatch: expected " + expected_vmlinuz + ", got " +
                       hit->info.vmlinuz_sha256 + " (" + top->digest +
                       " holds another kernel than the lock pins)",
                   rctx};
    return Pulled{*hit, top->digest, true};
  }
  if (ctx.log) ctx.log(rctx + ": pulling " + client.describe(reference) + " (" + top->digest + ")");

  auto doc = parse_oci_document(top->body, top->content_type, what);
  if (!doc) return doc.error();
  if (doc->is_index) {
    auto d = pick_platform(*doc, "linux", ref.arch, what);
    if (!d) return d.error();
    auto m = client.manifest(d->digest);
    if (!m) return m.error().wrap(rctx);
    doc = parse_oci_document(m->body, m->content_type, what);
    if (!doc) return doc.error();
    if (doc->is_index) return Error{"index points at another index; not supported", what};
  }
  // A single-platform image says its platform only in the config blob.
  auto config = client.blob(doc->config.digest);
  if (!config) return config.error().wrap(rctx);
  if (auto p = check_config_platform(*config, "linux", ref.arch, what); !p) return p.error();

  CacheEntryInfo info;
  info.row = row;
  info.source_digest = top->digest;
  auto committed = stage_kernel(
      ctx.cache_dir, info, expected_vmlinuz,
      [&](const fs::path& scratch, const fs::path& entry, CacheEntryInfo& i) -> Result<void> {
        const fs::path blob = scratch / "layer";
        std::string found_at;
        for (const auto& layer : doc->layers) {
          if (!is_layer_media_type(layer.media_type))
            return Error{"layer " + layer.digest + " has unsupported media type '" +
                             layer.media_type + "'",
                         what};
          if (auto b = client.blob_to_file(layer.digest, blob); !b) return b.error().wrap(rctx);
          // Layers apply in order, so a later layer's kernel replaces an earlier one's.
          auto k = extract_kernel_from_archive(blob, entry, match_image_kernel_path);
          if (!k) return k.error().wrap(what + ": layer " + layer.digest);
          if (k->found_vmlinuz) {
            i.release = k->release;
            found_at = k->vmlinuz_path_in_archive;
          }
          std::error_code ec;
          fs::remove(blob, ec);
        }
        if (found_at.empty())
          return Error{"no kernel in the image (looked for data/kernels/*/boot/vmlinuz-* and "
                       "boot/vmlinuz-*)",
                       what};
        // Tag and digest, never the registry host: this lands in results and baselines.
        i.origin = "oci " + ref.repository + ":" + ref.tag + "@" + top->digest + " /" + found_at;
        return {};
      });
  if (!committed) return committed.error();
  return Pulled{*committed, top->digest, false};
}

} // namespace

OciSource::OciSource(std::string row, OciRef ref, OciPin pin)
    : KernelSource(std::move(row)), ref_(std::move(ref)), pin_(std::move(pin)) {}

std::unique_ptr<KernelSource> OciSource::parse(const SourceSpec& spec) {
  spec.only_keys({"registry", "repository", "tag"});
  OciRef ref{spec.str("registry", false), spec.str("repository"), spec.str("tag"),
             std::string(debian_arch(spec.arch))};
  check_no_registry_host(spec, ref.repository);
  OciPin pin{spec.pin_str("oci_digest"), spec.pin_str("vmlinuz_sha256"),
             spec.pin_str("provenance")};
  if (!pin.manifest_digest.empty() && !is_sha256_digest_string(pin.manifest_digest))
    throw SpecError{"oci_digest must be \"sha256:\" plus 64 lowercase hex digits, or \"\"",
                    spec.lock_where};
  if (!pin.vmlinuz_sha256.empty() && !is_sha256_hex(pin.vmlinuz_sha256))
    throw SpecError{"vmlinuz_sha256 must be 64 lowercase hex digits, or \"\"", spec.lock_where};
  return std::make_unique<OciSource>(spec.row, ref, pin);
}

std::string OciSource::describe() const {
  std::string s = ref_.repository + ":" + ref_.tag;
  if (!ref_.registry.empty()) s += " on " + ref_.registry;
  return s;
}

std::string OciSource::pin_summary() const {
  return pin_.manifest_digest.empty() ? "(unpinned)" : pin_.manifest_digest;
}

nlohmann::ordered_json OciSource::lock_pin() const {
  nlohmann::ordered_json j = {{"oci_digest", pin_.manifest_digest},
                              {"vmlinuz_sha256", pin_.vmlinuz_sha256}};
  if (!pin_.provenance.empty()) j["provenance"] = pin_.provenance;
  return j;
}

std::optional<KernelImage> OciSource::cached(const FetchContext& ctx) const {
  std::optional<CachedKernel> hit;
  if (!pin_.manifest_digest.empty())
    hit = find_cached_by_source(ctx.cache_dir, pin_.manifest_digest);
  else if (!pin_.vmlinuz_sha256.empty())
    hit = lookup_cached(ctx.cache_dir, pin_.vmlinuz_sha256);
  if (!hit) return std::nullopt;
  // The pin is both hashes: an entry the digest found must also hold the pinned vmlinuz.
  if (!pin_.vmlinuz_sha256.empty() && hit->info.vmlinuz_sha256 != pin_.vmlinuz_sha256)
    return std::nullopt;
  return image_from_cache(row(), *hit, /*from_cache=*/true);
}

std::string OciSource::unavailable_reason(const FetchContext& ctx) const {
  auto registry = oci_registry_from_env(ctx.env, ref_.registry);
  if (!registry)
    return "set VMTEST_OCI_REGISTRY to the registry host that serves " + ref_.repository;
  if (auto why = unreachable_reason(ctx, registry->base_url + "/v2/"); !why.empty())
    return "registry " + why;
  return "";
}

Result<KernelImage> OciSource::fetch(const FetchContext& ctx) const {
  if (auto hit = cached(ctx)) return *hit;
  const bool first_use = pin_.manifest_digest.empty() || pin_.vmlinuz_sha256.empty();
  const std::string reference = pin_.manifest_digest.empty() ? ref_.tag : pin_.manifest_digest;
  auto p = pull(row(), ref_, reference, pin_.vmlinuz_sha256, ctx);
  if (!p) return p.error();
  if (first_use) {
    // Trust on first use, said once: what the tag resolved to becomes the row's pin.
    OciPin measured{p->digest, p->kernel.dir.filename().string(),
                    pin_.provenance.empty()
                        ? "recorded on the first pull of tag " + ref_.tag + " (trust on first use)"
                        : pin_.provenance};
    const nlohmann::ordered_json j = OciSource(row(), ref_, measured).lock_pin();
    std::string where;
    if (ctx.record_pin) {
      auto w = ctx.record_pin(row(), kind(), j);
      if (w) where = *w;
      else say(ctx, "could not record the pin: " + w.error().str());
    }
    say(ctx, "trust on first use: tag '" + ref_.tag + "' resolved to " + p->digest +
                 " (vmlinuz sha256 " + measured.vmlinuz_sha256 + "); " +
                 (where.empty() ? "pin it with `vmtest kernels lock --kernel " + row() + "`"
                                : "pinned in " + where +
                                      ": commit it, and later runs require exactly this image"));
  }
  return image_from_cache(row(), p->kernel, p->from_cache);
}

Result<nlohmann::ordered_json> OciSource::refresh_pin(const FetchContext& ctx,
                                                      bool roll_forward) const {
  const bool keep = !roll_forward && !pin_.manifest_digest.empty() && !pin_.vmlinuz_sha256.empty();
  // A kept pin is pulled by its digest, so the registry still proves it holds those bytes.
  auto p = pull(row(), ref_, keep ? pin_.manifest_digest : ref_.tag,
                keep ? pin_.vmlinuz_sha256 : "", ctx);
  if (!p) return p.error();
  OciPin pin{p->digest, p->kernel.dir.filename().string(),
             keep && !pin_.provenance.empty()
                 ? pin_.provenance
                 : "measured by `vmtest kernels lock` from tag " + ref_.tag};
  return OciSource(row(), ref_, pin).lock_pin();
}

} // namespace vmtest
