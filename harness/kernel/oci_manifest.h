// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// The JSON documents of the OCI distribution/image specs (and their Docker v2 twins) that a
// kernel pull needs: an index (manifest list) to pick linux/amd64 from, an image manifest
// with its config and layers, and the config's os/architecture. Pure parsing, no I/O.
#include "core/result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace vmtest {

struct OciDescriptor {
  std::string media_type;
  std::string digest; // "sha256:<64 hex>"
  std::int64_t size = -1;
  std::string os, architecture, variant; // index entries only
};

struct OciDocument {
  bool is_index = false;
  std::vector<OciDescriptor> manifests; // index
  OciDescriptor config;                 // manifest
  std::vector<OciDescriptor> layers;    // manifest
};

// Accept header for manifest requests: every manifest and index type we can read.
const char* oci_manifest_accept();

// `content_type` (the response header) is a hint; the body's own mediaType and shape decide.
Result<OciDocument> parse_oci_document(const std::string& body, const std::string& content_type,
                                       const std::string& ctx);

// The index entry for os/arch, or an error that lists the platforms the index does offer.
Result<OciDescriptor> pick_platform(const OciDocument& index, const std::string& os,
                                    const std::string& arch, const std::string& ctx);

// os and architecture of an image config blob; an image that is not linux/amd64 cannot boot
// under qemu-system-x86_64 and fails here with both values named.
Result<void> check_config_platform(const std::string& config_json, const std::string& os,
                                   const std::string& arch, const std::string& ctx);

bool is_sha256_digest(const std::string& s);
// Layers we can unpack (tar, tar+gzip, tar+zstd in OCI and Docker spellings).
bool is_layer_media_type(const std::string& media_type);

} // namespace vmtest
