// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Time is an external effect too: the VM runner and the KVM probe wait on deadlines, and unit
// tests drive those deadlines with a fake clock instead of sleeping for real.
#include <chrono>
#include <thread>

namespace vmtest {

class Clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual time_point now() = 0;
  virtual void sleep_for(std::chrono::milliseconds d) = 0;
};

class SteadyClock : public Clock {
 public:
  time_point now() override { return std::chrono::steady_clock::now(); }
  void sleep_for(std::chrono::milliseconds d) override { std::this_thread::sleep_for(d); }
};

}  // namespace vmtest
