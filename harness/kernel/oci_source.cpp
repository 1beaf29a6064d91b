#include "kernel/oci_source.h"

#include "kernel/archive_kernel.h"
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

// Pulls `reference` (tag or digest) and caches the kernel. `expected_vmlinuz` may be empty.
Result<Pulled> pull(const KernelRow& row, const OciSource& src, const std::string& reference,
                    const std::string& expected_vmlinuz, const FetchContext& ctx) {
  const std::string rctx = "kernel '" + row.name + "'";
  auto registry = oci_registry_from_env(ctx.env);
  if (!registry)
    return Error{"not available here: set VMTEST_OCI_REGISTRY to the registry host", rctx};
  if (!ctx.http) return Error{"no HTTP client to download with", rctx};
  OciRepositoryClient client(*ctx.http, *registry, src.repository);
  const std::string what = rctx + ": " + client.describe(reference);

  auto top = client.manifest(reference);
  if (!top) return top.error().wrap(rctx);
  // An unpinned tag may still name something already cached.
  if (auto hit = find_cached_by_source(ctx.cache_dir, top->digest))
    return Pulled{*hit, top->digest, true};
  if (ctx.log) ctx.log(rctx + ": pulling " + client.describe(reference) + " (" + top->digest + ")");

  auto doc = parse_oci_document(top->body, top->content_type, what);
  if (!doc) return doc.error();
  if (doc->is_index) {
    auto d = pick_platform(*doc, "linux", "amd64", what);
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
  if (auto p = check_config_platform(*config, "linux", "amd64", what); !p) return p.error();

  auto staging = make_staging_dir(ctx.cache_dir);
  if (!staging) return staging.error().wrap(rctx);
  StagingDir guard(*staging);
  const fs::path entry = guard.path() / "entry", blob = guard.path() / "layer";
  std::error_code ec;
  fs::create_directory(entry, ec);
  if (ec) return Error{"cannot create staging dir: " + ec.message(), entry.string()};

  std::string release, found_at;
  for (const auto& layer : doc->layers) {
    if (!is_layer_media_type(layer.media_type))
      return Error{"layer " + layer.digest + " has unsupported media type '" + layer.media_type +
                       "'",
                   what};
    if (auto b = client.blob_to_file(layer.digest, blob); !b) return b.error().wrap(rctx);
    // Layers apply in order, so a later layer's kernel replaces an earlier one's.
    auto k = extract_kernel_from_archive(blob, entry, match_image_kernel_path);
    if (!k) return k.error().wrap(what + ": layer " + layer.digest);
    if (k->found_vmlinuz) {
      release = k->release;
      found_at = k->vmlinuz_path_in_archive;
    }
    fs::remove(blob, ec);
  }
  if (found_at.empty())
    return Error{"no kernel in the image (looked for data/kernels/*/boot/vmlinuz-* and "
                 "boot/vmlinuz-*)",
                 what};
  CacheEntryInfo info;
  info.row = row.name;
  // Tag and digest, never the registry host: this lands in results and baselines.
  info.origin = "oci " + src.repository + ":" + src.tag + "@" + top->digest + " /" + found_at;
  info.release = release;
  info.source_digest = top->digest;
  auto committed = commit_kernel_files(ctx.cache_dir, entry, info, expected_vmlinuz);
  if (!committed) return committed.error();
  return Pulled{*committed, top->digest, false};
}

} // namespace

Result<KernelImage> fetch_oci(const KernelRow& row, const OciSource& src, const FetchContext& ctx) {
  const std::string rctx = "kernel '" + row.name + "'";
  const OciPin pin = row.oci_pin.value_or(OciPin{});
  if (!pin.manifest_digest.empty()) {
    if (auto hit = find_cached_by_source(ctx.cache_dir, pin.manifest_digest))
      return image_from_cache(row, *hit, /*from_cache=*/true);
  } else if (ctx.log) {
    ctx.log(rctx + ": no oci_digest pinned in kernels/matrix.lock.json; trusting tag '" + src.tag +
            "' (pin it with `vmtest kernels lock --kernel " + row.name + "`)");
  }
  const std::string reference = pin.manifest_digest.empty() ? src.tag : pin.manifest_digest;
  auto p = pull(row, src, reference, pin.vmlinuz_sha256, ctx);
  if (!p) return p.error();
  return image_from_cache(row, p->kernel, p->from_cache);
}

Result<OciPin> refresh_oci_pin(const KernelRow& row, const FetchContext& ctx) {
  const auto* src = std::get_if<OciSource>(&row.source);
  if (!src) return Error{"not an oci row", "kernel '" + row.name + "'"};
  auto p = pull(row, *src, src->tag, "", ctx);
  if (!p) return p.error();
  return OciPin{p->digest, p->kernel.dir.filename().string()};
}

} // namespace vmtest
