// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/http_client.h"

#include "core/cancel.h"
#include "core/sha256.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <curl/curl.h>
#include <memory>
#include <mutex>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Sink {
  std::string* body = nullptr;
  std::FILE* file = nullptr;
  CURL* curl = nullptr;
  bool write_failed = false;
  int write_errno = 0; // saved at once: curl's cleanup after the aborted transfer may reset errno
};

// Only a final 2xx body goes to the file: an error page must never end up looking like a
// downloaded kernel.
size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* s = static_cast<Sink*>(user);
  const size_t len = size * n;
  long code = 0;
  curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &code);
  if (s->file && code >= 200 && code < 300) {
    if (std::fwrite(data, 1, len, s->file) != len) {
      s->write_failed = true;
      s->write_errno = errno;
      return 0;
    }
    return len;
  }
  s->body->append(data, len);
  return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string line(data, size * n);
  // A new status line (after a redirect or a 100-continue) starts a fresh header set.
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();
    return size * n;
  }
  const auto colon = line.find(':');
  if (colon == std::string::npos) return size * n;
  std::string name = line.substr(0, colon);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string value = line.substr(colon + 1);
  const auto b = value.find_first_not_of(" \t");
  const auto e = value.find_last_not_of(" \t\r\n");
  value = b == std::string::npos ? "" : value.substr(b, e - b + 1);
  (*headers)[name] = value;
  return size * n;
}

// A cancelled run (SIGINT/SIGTERM/SIGHUP, core/cancel.h) stops a download within curl's next
// progress tick (about a second even when no byte arrives) instead of waiting up to the
// low-speed limit for a stalled mirror.
int on_progress(void*, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return cancelled() ? 1 : 0;
}

} // namespace

std::string describe_status(long status) {
  const char* reason = "";
  switch (status) {
  case 401:
    reason = " Unauthorized";
    break;
  case 403:
    reason = " Forbidden";
    break;
  case 404:
    reason = " Not Found";
    break;
  case 500:
    reason = " Internal Server Error";
    break;
  default:
    break;
  }
  return "HTTP " + std::to_string(status) + reason;
}

Result<HttpResponse> CurlHttpClient::get(const HttpRequest& req) {
  init_curl_once();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return Error{"cannot initialise libcurl", req.url};

  HttpResponse resp;
  std::unique_ptr<std::FILE, decltype(&std::fclose)> file(nullptr, &std::fclose);
  if (!req.body_path.empty()) {
    file.reset(std::fopen(req.body_path.c_str(), "wb"));
    if (!file) return errno_error("cannot create download file", req.body_path.string());
  }
  Sink sink{&resp.body, file.get(), curl.get()};

  curl_slist* hdrs = nullptr;
  for (const auto& [k, v] : req.headers)
    hdrs = curl_slist_append(hdrs, (k + ": " + v).c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> hdr_guard(hdrs, &curl_slist_free_all);

  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
  // Registries redirect blob GETs to storage that rejects our bearer token; curl drops
  // custom Authorization headers on cross-host redirects only with this unset (default).
  curl_easy_setopt(c, CURLOPT_UNRESTRICTED_AUTH, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
  // A stalled transfer (under 1 KiB/s for 60 s) fails instead of hanging a CI job forever.
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "vmtest");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &resp.headers);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  if (insecure_tls_) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }

  const CURLcode rc = curl_easy_perform(c);
  if (sink.write_failed) return Error{"write failed", req.body_path.string(), sink.write_errno};
  if (rc == CURLE_ABORTED_BY_CALLBACK && cancelled())
    return Error{"download " + cancel_reason(), req.url};
  if (rc != CURLE_OK)
    return Error{std::string("download failed: ") + curl_easy_strerror(rc), req.url};
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
  if (file && std::fflush(file.get()) != 0)
    return errno_error("write failed", req.body_path.string());
  return resp;
}

Result<void> CurlHttpClient::connect(const std::string& url, std::chrono::seconds timeout) {
  init_curl_once();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return Error{"cannot initialise libcurl", url};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(timeout.count()));
  if (insecure_tls_) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) return Error{curl_easy_strerror(rc), url};
  return {};
}

Result<void> download_file(HttpClient& http, const std::string& url, const fs::path& dest,
                           const std::map<std::string, std::string>& headers) {
  HttpRequest req{url, headers, dest};
  auto resp = http.get(req);
  if (!resp) return resp.error();
  if (resp->status != 200) {
    std::error_code ec;
    fs::remove(dest, ec);
    return Error{"download failed: " + describe_status(resp->status), url};
  }
  return {};
}

Result<void> download_verified(HttpClient& http, const std::string& url, const fs::path& dest,
                               const std::string& expected) {
  if (auto d = download_file(http, url, dest); !d) return d;
  auto actual = sha256_file(dest);
  if (!actual) return actual.error();
  if (*actual != expected) {
    std::error_code ec;
    fs::remove(dest, ec);
    return Error{"sha256 mismatch: expected " + expected + ", got " + *actual, url};
  }
  return {};
}

} // namespace vmtest
