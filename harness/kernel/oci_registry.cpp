// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/oci_registry.h"

#include "core/sha256.h"
#include "kernel/oci_manifest.h"
#include "results/json_read.h"

#include <cctype>
#include <nlohmann/json.hpp>
#include <system_error>

namespace vmtest {
namespace fs = std::filesystem;

std::optional<OciRegistryConfig> oci_registry_from_env(const EnvLookup& env,
                                                       const std::string& default_host) {
  std::string host = env("VMTEST_OCI_REGISTRY");
  if (host.empty()) host = default_host;
  if (host.empty()) return std::nullopt;
  while (!host.empty() && host.back() == '/')
    host.pop_back();
  if (host.rfind("http://", 0) == 0 || host.rfind("https://", 0) == 0)
    return OciRegistryConfig{host};
  const bool insecure = env("VMTEST_OCI_INSECURE") == "1";
  return OciRegistryConfig{(insecure ? "http://" : "https://") + host};
}

std::optional<std::map<std::string, std::string>> parse_bearer_challenge(const std::string& h) {
  const std::string scheme = "bearer ";
  if (h.size() < scheme.size()) return std::nullopt;
  for (size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(h[i])) != scheme[i]) return std::nullopt;
  std::map<std::string, std::string> out;
  size_t i = scheme.size();
  while (i < h.size()) {
    while (i < h.size() && (h[i] == ' ' || h[i] == ','))
      ++i;
    const size_t eq = h.find('=', i);
    if (eq == std::string::npos) break;
    std::string key = h.substr(i, eq - i);
    for (auto& c : key)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    i = eq + 1;
    std::string value;
    if (i < h.size() && h[i] == '"') {
      // Quoted values may hold commas (scope="repository:a:pull,push").
      for (++i; i < h.size() && h[i] != '"'; ++i) {
        if (h[i] == '\\' && i + 1 < h.size()) ++i;
        value += h[i];
      }
      ++i;
    } else {
      const size_t end = h.find(',', i);
      value = h.substr(i, end == std::string::npos ? std::string::npos : end - i);
      i = end == std::string::npos ? h.size() : end;
    }
    out[key] = value;
  }
  return out;
}

namespace {
std::string percent_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}
} // namespace

OciRepositoryClient::OciRepositoryClient(HttpClient& http, OciRegistryConfig registry,
                                         std::string repository)
    : http_(http), registry_(std::move(registry)), repository_(std::move(repository)) {}

std::string OciRepositoryClient::describe(const std::string& reference) const {
  return repository_ + (is_sha256_digest(reference) ? "@" : ":") + reference;
}

std::string OciRepositoryClient::url(const std::string& kind, const std::string& ref) const {
  return registry_.base_url + "/v2/" + repository_ + "/" + kind + "/" + ref;
}

Result<void> OciRepositoryClient::authenticate(const std::string& challenge,
                                               const std::string& url) {
  auto params = parse_bearer_challenge(challenge);
  if (!params || !params->count("realm"))
    return Error{"registry wants credentials (" + (challenge.empty() ? "no challenge" : challenge) +
                     "); vmtest only pulls anonymously",
                 url};
  std::string token_url = (*params)["realm"];
  std::string query;
  if (params->count("service")) query += "service=" + percent_encode((*params)["service"]);
  const std::string scope =
      params->count("scope") ? (*params)["scope"] : "repository:" + repository_ + ":pull";
  query += (query.empty() ? "" : "&") + std::string("scope=") + percent_encode(scope);
  token_url += (token_url.find('?') == std::string::npos ? "?" : "&") + query;
  auto resp = http_.get(HttpRequest{token_url, {}, {}});
  if (!resp) return resp.error().wrap("token request");
  if (resp->status != 200)
    return Error{"token request failed: " + describe_status(resp->status), token_url};
  auto parsed = json_read::parse(resp->body); // depth-limited; garbage reads as no token
  const nlohmann::json j = parsed ? std::move(*parsed) : nlohmann::json();
  std::string token;
  if (j.is_object()) {
    // The distribution spec allows either name; some servers send both.
    if (j.contains("token") && j["token"].is_string())
      token = j["token"];
    else if (j.contains("access_token") && j["access_token"].is_string())
      token = j["access_token"];
  }
  if (token.empty()) return Error{"token response has no token", token_url};
  token_ = token;
  return {};
}

Result<HttpResponse> OciRepositoryClient::get(HttpRequest req) {
  if (!token_.empty()) req.headers["Authorization"] = "Bearer " + token_;
  auto resp = http_.get(req);
  if (!resp) return resp;
  if (resp->status != 401) return resp;
  // One fresh token per 401: either no token yet, or it expired mid-pull.
  if (auto a = authenticate(resp->header("www-authenticate"), req.url); !a) return a.error();
  req.headers["Authorization"] = "Bearer " + token_;
  auto again = http_.get(req);
  if (again && again->status == 401)
    return Error{"registry refused the anonymous token: " + describe_status(401), req.url};
  return again;
}

Result<OciManifestBlob> OciRepositoryClient::manifest(const std::string& reference) {
  const std::string u = url("manifests", reference);
  auto resp = get(HttpRequest{u, {{"Accept", oci_manifest_accept()}}, {}});
  if (!resp) return resp.error();
  if (resp->status == 404)
    return Error{"manifest " + describe(reference) + " not found (" + describe_status(404) + ")",
                 u};
  if (resp->status != 200)
    return Error{"manifest request failed: " + describe_status(resp->status), u};
  OciManifestBlob m{resp->body, resp->header("content-type"), "sha256:" + sha256_hex(resp->body)};
  if (is_sha256_digest(reference) && m.digest != reference)
    return Error{"manifest digest mismatch: expected " + reference + ", got " + m.digest, u};
  const std::string claimed = resp->header("docker-content-digest");
  if (!claimed.empty() && claimed != m.digest)
    return Error{
        "manifest digest mismatch: registry says " + claimed + ", body hashes to " + m.digest, u};
  return m;
}

Result<std::string> OciRepositoryClient::blob(const std::string& digest) {
  const std::string u = url("blobs", digest);
  auto resp = get(HttpRequest{u, {}, {}});
  if (!resp) return resp.error();
  if (resp->status != 200)
    return Error{"blob download failed: " + describe_status(resp->status), u};
  const std::string actual = "sha256:" + sha256_hex(resp->body);
  if (actual != digest)
    return Error{"blob digest mismatch: expected " + digest + ", got " + actual, u};
  return std::move(resp->body);
}

Result<void> OciRepositoryClient::blob_to_file(const std::string& digest, const fs::path& dest) {
  const std::string u = url("blobs", digest);
  auto resp = get(HttpRequest{u, {}, dest});
  std::error_code ec;
  if (!resp) {
    fs::remove(dest, ec);
    return resp.error();
  }
  if (resp->status != 200) {
    fs::remove(dest, ec);
    return Error{"blob download failed: " + describe_status(resp->status), u};
  }
  auto actual = sha256_file(dest);
  if (!actual) return actual.error();
  if ("sha256:" + *actual != digest) {
    fs::remove(dest, ec);
    return Error{"blob digest mismatch: expected " + digest + ", got sha256:" + *actual, u};
  }
  return {};
}

} // namespace vmtest
