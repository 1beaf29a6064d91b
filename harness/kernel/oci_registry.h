// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// A read-only client for one repository of an OCI distribution-spec registry: manifests and
// blobs, with anonymous bearer-token auth (401 + WWW-Authenticate: Bearer realm=...,
// service=..., scope=... -> GET realm -> retry with the token). Every byte it hands back has
// been checked against its sha256 digest; nothing unverified leaves this class.
#include "core/result.h"
#include "kernel/env_vars.h"
#include "kernel/http_client.h"

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace vmtest {

// Where the registry is: $VMTEST_OCI_REGISTRY ("registry.example", "127.0.0.1:5000" or
// "http://127.0.0.1:5000") when set - a private mirror of the catalogue, or a loopback registry
// in tests - else the public registry the matrix names (`default_host`, e.g. quay.io). Private
// hosts never live in the repository. Plain HTTP only with an explicit http:// prefix or
// VMTEST_OCI_INSECURE=1.
struct OciRegistryConfig {
  std::string base_url; // "https://host[:port]" or "http://host[:port]", no trailing slash
};
// nullopt when neither $VMTEST_OCI_REGISTRY nor `default_host` names a registry.
std::optional<OciRegistryConfig> oci_registry_from_env(const EnvLookup& env,
                                                       const std::string& default_host = "");

// The parameters of a `WWW-Authenticate: Bearer k="v",...` challenge; nullopt when the header
// is not a Bearer challenge.
std::optional<std::map<std::string, std::string>> parse_bearer_challenge(const std::string& header);

struct OciManifestBlob {
  std::string body;
  std::string content_type;
  std::string digest; // sha256 of body, "sha256:..."
};

class OciRepositoryClient {
public:
  OciRepositoryClient(HttpClient& http, OciRegistryConfig registry, std::string repository);

  // `reference` is a tag or a digest. For a digest the body must hash to it; for a tag the
  // registry's Docker-Content-Digest (when sent) must agree with the body.
  Result<OciManifestBlob> manifest(const std::string& reference);
  // Small blobs (image config) in memory, verified.
  Result<std::string> blob(const std::string& digest);
  // Large blobs (layers) streamed to `dest`, verified; `dest` is removed on mismatch.
  Result<void> blob_to_file(const std::string& digest, const std::filesystem::path& dest);

  std::string describe(const std::string& reference) const; // "<repository>:<tag>" for messages

private:
  Result<HttpResponse> get(HttpRequest req);
  Result<void> authenticate(const std::string& challenge, const std::string& url);
  std::string url(const std::string& kind, const std::string& ref) const;

  HttpClient& http_;
  OciRegistryConfig registry_;
  std::string repository_;
  std::string token_;
};

} // namespace vmtest
