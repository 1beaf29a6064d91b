// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/http_client.h"

#include "core/cancel.h"

#include <arpa/inet.h>
#include <chrono>
#include <csignal>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace vmtest {
using namespace std::chrono_literals;

// A server on loopback that accepts one request and never answers: a stalled mirror.
class StalledServer {
public:
  StalledServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 1) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      return;
    port_ = ntohs(a.sin_port);
  }
  ~StalledServer() { ::close(fd_); }
  int port() const { return port_; }

private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(CurlHttpClient, ACancelledRunStopsAStalledDownload) {
  StalledServer server;
  ASSERT_NE(server.port(), 0);
  std::thread cancel([] {
    std::this_thread::sleep_for(300ms);
    request_cancel(SIGTERM);
  });
  CurlHttpClient http;
  const auto t0 = std::chrono::steady_clock::now();
  auto r = http.get(HttpRequest{"http://127.0.0.1:" + std::to_string(server.port()) + "/k.deb", {}, {}});
  const auto took = std::chrono::steady_clock::now() - t0;
  cancel.join();
  reset_cancel_for_tests();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().what, "download interrupted by SIGTERM");
  // Without the cancel check curl would wait for the 60 s low-speed limit.
  EXPECT_LT(took, 10s);
}

} // namespace vmtest
