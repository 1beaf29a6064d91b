// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// HTTP GET behind a small interface, so the OCI, URL, RPM and build sources can be tested
// with a fake and the real client (libcurl) is exercised only against loopback servers.
// Redirects are followed (registries hand blobs to storage backends that way); a non-2xx
// status is NOT an error at this level, because the OCI client must see 401s to do auth.
#include "core/result.h"

#include <chrono>
#include <filesystem>
#include <map>
#include <string>

namespace vmtest {

struct HttpRequest {
  std::string url;
  std::map<std::string, std::string> headers; // e.g. Accept, Authorization
  // Non-empty: a 2xx body is streamed into this file (created or truncated) instead of
  // being held in memory; kernel blobs are tens of megabytes.
  std::filesystem::path body_path;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers; // names lower-cased; last value wins
  std::string body;                           // empty when streamed to body_path
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class HttpClient {
public:
  virtual ~HttpClient() = default;
  // Fails only when no HTTP exchange happened (refused, DNS, TLS, timeout, disk full).
  virtual Result<HttpResponse> get(const HttpRequest& req) = 0;
  // Only connects to the host of `url` (name lookup, TCP, TLS) and hangs up. An error when
  // that does not finish within `timeout`: a fallback decides in seconds that a host is
  // unreachable instead of waiting out a download's much longer timeouts.
  virtual Result<void> connect(const std::string& url, std::chrono::seconds timeout) = 0;
};

class CurlHttpClient : public HttpClient {
public:
  // `insecure_tls` skips certificate checks; meant for loopback registries with
  // self-signed certificates (VMTEST_OCI_INSECURE=1), never the default.
  explicit CurlHttpClient(bool insecure_tls = false) : insecure_tls_(insecure_tls) {}
  Result<HttpResponse> get(const HttpRequest& req) override;
  Result<void> connect(const std::string& url, std::chrono::seconds timeout) override;

private:
  bool insecure_tls_;
};

// GET `url` into `dest` and insist on 200. A 404 (or any other status) becomes an error
// naming the URL and status, so "the mirror dropped this file" is obvious from one line.
Result<void> download_file(HttpClient& http, const std::string& url,
                           const std::filesystem::path& dest,
                           const std::map<std::string, std::string>& headers = {});

// download_file, then insist the file's sha256 is `expected_sha256` (hex); on mismatch the
// file is removed and the error names the URL, the expected and the actual hash.
Result<void> download_verified(HttpClient& http, const std::string& url,
                               const std::filesystem::path& dest,
                               const std::string& expected_sha256);

// "HTTP 404 Not Found" style text for errors.
std::string describe_status(long status);

} // namespace vmtest
