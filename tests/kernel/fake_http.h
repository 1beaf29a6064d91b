// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// An HttpClient that serves canned responses by exact URL and records every request, so the
// OCI, URL, RPM and build sources can be tested without a server. Unknown URLs get a 404.
// With `bearer_token` set, URLs under `protected_prefix` answer 401 plus a Bearer challenge
// until the request carries that token - the anonymous-pull dance of real registries.
// URLs starting with an entry of `unreachable` fail to connect, like a dead or offline host.
#include "kernel/http_client.h"

#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace vmtest::testing {

class FakeHttp : public HttpClient {
public:
  struct Route {
    long status = 200;
    std::string body;
    std::map<std::string, std::string> headers;
  };
  std::map<std::string, Route> routes;
  std::vector<HttpRequest> requests;
  std::string protected_prefix, bearer_token, challenge;
  std::set<std::string> unreachable; // URL prefixes that do not answer
  std::vector<std::string> connects; // every connect() probe, in order

  void serve(const std::string& url, std::string body, std::map<std::string, std::string> h = {}) {
    routes[url] = Route{200, std::move(body), std::move(h)};
  }

  Result<void> connect(const std::string& url, std::chrono::seconds) override {
    connects.push_back(url);
    if (dead(url)) return Error{"Could not resolve host", url};
    return {};
  }

  Result<HttpResponse> get(const HttpRequest& req) override {
    requests.push_back(req);
    if (dead(req.url)) return Error{"download failed: Could not resolve host", req.url};
    HttpResponse r;
    if (!bearer_token.empty() && req.url.rfind(protected_prefix, 0) == 0) {
      auto it = req.headers.find("Authorization");
      if (it == req.headers.end() || it->second != "Bearer " + bearer_token) {
        r.status = 401;
        r.headers["www-authenticate"] = challenge;
        return r;
      }
    }
    auto it = routes.find(req.url);
    if (it == routes.end()) {
      r.status = 404;
      r.body = "not found";
      return r;
    }
    r.status = it->second.status;
    r.headers = it->second.headers;
    if (!req.body_path.empty() && r.status >= 200 && r.status < 300) {
      std::ofstream(req.body_path, std::ios::binary) << it->second.body;
    } else {
      r.body = it->second.body;
    }
    return r;
  }

  bool dead(const std::string& url) const {
    for (const auto& p : unreachable)
      if (url.rfind(p, 0) == 0) return true;
    return false;
  }

  size_t count(const std::string& needle) const {
    size_t n = 0;
    for (const auto& r : requests)
      if (r.url.find(needle) != std::string::npos) ++n;
    return n;
  }
};

} // namespace vmtest::testing
