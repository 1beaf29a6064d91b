// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/oci_manifest.h"

#include "kernel/lock_file.h"
#include "results/json_read.h"

#include <limits>
#include <nlohmann/json.hpp>

namespace vmtest {
using nlohmann::json;

namespace {
constexpr const char* kOciIndex = "application/vnd.oci.image.index.v1+json";
constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";
constexpr const char* kDockerList = "application/vnd.docker.distribution.manifest.list.v2+json";
constexpr const char* kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";

std::string str_field(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<OciDescriptor> descriptor(const json& j, const std::string& ctx) {
  if (!j.is_object()) return Error{"descriptor is not an object", ctx};
  OciDescriptor d;
  d.media_type = str_field(j, "mediaType");
  d.digest = str_field(j, "digest");
  if (!is_sha256_digest(d.digest))
    return Error{"descriptor digest '" + d.digest + "' is not sha256:<64 hex digits>", ctx};
  if (auto s = j.find("size"); s != j.end()) {
    // The specs' size is a non-negative int64: 2^64-1 must not wrap to -1, nor 1e300 pass.
    const bool count = s->is_number_unsigned()
                           ? s->get<std::uint64_t>() <= std::numeric_limits<std::int64_t>::max()
                           : s->is_number_integer() && s->get<std::int64_t>() >= 0;
    if (!count) return Error{"descriptor size " + s->dump() + " is not a byte count", ctx};
    d.size = s->get<std::int64_t>();
  }
  if (auto p = j.find("platform"); p != j.end() && p->is_object()) {
    d.os = str_field(*p, "os");
    d.architecture = str_field(*p, "architecture");
    d.variant = str_field(*p, "variant");
  }
  return d;
}
} // namespace

const char* oci_manifest_accept() {
  return "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
         "application/vnd.docker.distribution.manifest.list.v2+json, "
         "application/vnd.docker.distribution.manifest.v2+json";
}

bool is_sha256_digest(const std::string& s) {
  return s.rfind("sha256:", 0) == 0 && is_sha256_hex(std::string_view(s).substr(7));
}

bool is_layer_media_type(const std::string& t) {
  return t == "application/vnd.oci.image.layer.v1.tar" ||
         t == "application/vnd.oci.image.layer.v1.tar+gzip" ||
         t == "application/vnd.oci.image.layer.v1.tar+zstd" ||
         t == "application/vnd.docker.image.rootfs.diff.tar.gzip";
}

Result<OciDocument> parse_oci_document(const std::string& body, const std::string& content_type,
                                       const std::string& ctx) {
  auto parsed = json_read::parse(body);
  if (!parsed) return Error{"manifest is " + parsed.error().what, ctx};
  const json& j = *parsed;
  if (!j.is_object()) return Error{"manifest is not a JSON object", ctx};
  std::string mt = str_field(j, "mediaType");
  if (mt.empty()) mt = content_type.substr(0, content_type.find(';'));
  OciDocument doc;
  doc.is_index =
      mt == kOciIndex || mt == kDockerList || (j.contains("manifests") && !j.contains("layers"));
  if (doc.is_index) {
    auto m = j.find("manifests");
    if (m == j.end() || !m->is_array()) return Error{"index has no 'manifests' list", ctx};
    for (const auto& e : *m) {
      auto d = descriptor(e, ctx);
      if (!d) return d.error();
      doc.manifests.push_back(*d);
    }
    return doc;
  }
  if (!mt.empty() && mt != kOciManifest && mt != kDockerManifest)
    return Error{"unsupported manifest media type '" + mt + "'", ctx};
  auto c = j.find("config");
  if (c == j.end()) return Error{"manifest has no 'config'", ctx};
  auto cfg = descriptor(*c, ctx);
  if (!cfg) return cfg.error();
  doc.config = *cfg;
  auto l = j.find("layers");
  if (l == j.end() || !l->is_array()) return Error{"manifest has no 'layers' list", ctx};
  for (const auto& e : *l) {
    auto d = descriptor(e, ctx);
    if (!d) return d.error();
    doc.layers.push_back(*d);
  }
  return doc;
}

Result<OciDescriptor> pick_platform(const OciDocument& index, const std::string& os,
                                    const std::string& arch, const std::string& ctx) {
  std::string offered;
  for (const auto& d : index.manifests) {
    if (d.os == os && d.architecture == arch) return d;
    // Attestation manifests carry "unknown/unknown"; they are not a platform worth naming.
    if (d.os == "unknown") continue;
    offered += (offered.empty() ? "" : ", ") + d.os + "/" + d.architecture +
               (d.variant.empty() ? "" : "/" + d.variant);
  }
  return Error{"image has no " + os + "/" + arch +
                   " manifest (it offers: " + (offered.empty() ? "nothing" : offered) + ")",
               ctx};
}

Result<void> check_config_platform(const std::string& config_json, const std::string& os,
                                   const std::string& arch, const std::string& ctx) {
  auto parsed = json_read::parse(config_json);
  if (!parsed) return Error{"image config is " + parsed.error().what, ctx};
  const json& j = *parsed;
  if (!j.is_object()) return Error{"image config is not a JSON object", ctx};
  const std::string got_os = str_field(j, "os"), got_arch = str_field(j, "architecture");
  // Configs that do not say are accepted: the kernel search will tell if it is unusable.
  if ((!got_os.empty() && got_os != os) || (!got_arch.empty() && got_arch != arch))
    return Error{"image is for " + got_os + "/" + got_arch + ", not " + os + "/" + arch, ctx};
  return {};
}

} // namespace vmtest
