// SPDX-License-Identifier: BSD-2-Clause
#include "agent/ordered_workers.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace vmtest {
namespace {

constexpr size_t kNone = SIZE_MAX;

void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i)
    out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

bool get_u64(const std::string& in, size_t& at, uint64_t& v) {
  if (in.size() - at < 8) return false;
  v = 0;
  for (int i = 0; i < 8; ++i)
    v |= uint64_t(static_cast<unsigned char>(in[at + i])) << (8 * i);
  at += 8;
  return true;
}

bool write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// 0: end of input; 1: read `v`; -1: error.
int read_u64(int fd, uint64_t& v) {
  unsigned char b[8];
  size_t got = 0;
  while (got < sizeof b) {
    ssize_t n = read(fd, b + got, sizeof b - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n == 0 && got == 0 ? 0 : -1;
    got += static_cast<size_t>(n);
  }
  v = 0;
  for (int i = 0; i < 8; ++i)
    v |= uint64_t(b[i]) << (8 * i);
  return 1;
}

// The worker's side: read an index, run it, write its frame; until the parent closes the pipe.
[[noreturn]] void worker_loop(const OrderedWork& w, int tasks, int results) {
  int status = 0;
  for (;;) {
    uint64_t index = 0;
    const int r = read_u64(tasks, index);
    if (r <= 0) {
      status = r == 0 ? 0 : 1;
      break;
    }
    std::string frame;
    try {
      frame = encode_work_frame(index, w.work(index));
    } catch (...) {
      // The parent sees the item unanswered and runs it itself, where the exception is met
      // exactly as a single loop would have met it.
      status = 1;
      break;
    }
    if (!write_all(results, frame.data(), frame.size())) {
      status = 1;
      break;
    }
  }
  std::fflush(nullptr);
  _exit(status);
}

struct Worker {
  pid_t pid = -1;
  int tasks = -1;   // parent writes indices
  int results = -1; // parent reads frames
  size_t busy = kNone;
  std::string buffer;
};

void close_fd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

std::string run_here(const OrderedWork& w) {
  for (size_t i = 0; i < w.count; ++i) {
    if (w.next) w.next(i);
    w.deliver(i, w.work(i));
  }
  return "";
}

} // namespace

std::string encode_work_frame(size_t index, const WorkOutput& output) {
  size_t size = 16;
  for (const auto& s : output)
    size += 8 + s.size();
  std::string out;
  out.reserve(size + 8);
  put_u64(out, size); // the length of the rest of the frame
  put_u64(out, index);
  put_u64(out, output.size());
  for (const auto& s : output) {
    put_u64(out, s.size());
    out += s;
  }
  return out;
}

bool decode_work_frames(std::string& buffer,
                        const std::function<void(size_t, WorkOutput&&)>& frame) {
  size_t at = 0;
  for (;;) {
    size_t p = at;
    uint64_t length = 0;
    if (!get_u64(buffer, p, length)) break;
    if (length < 16) return false;         // an index and a count at least
    if (buffer.size() - p < length) break; // the rest is still on its way
    const size_t end = p + length;
    uint64_t index = 0, n = 0;
    get_u64(buffer, p, index);
    get_u64(buffer, p, n);
    WorkOutput out;
    for (uint64_t k = 0; k < n; ++k) {
      uint64_t len = 0;
      if (end - p < 8 || !get_u64(buffer, p, len) || end - p < len) return false;
      out.emplace_back(buffer, p, len);
      p += len;
    }
    if (p != end) return false;
    frame(index, std::move(out));
    at = end;
  }
  buffer.erase(0, at);
  return true;
}

std::string run_ordered(const OrderedWork& w) {
  const size_t count = w.count;
  const size_t nworkers = std::min<size_t>(static_cast<size_t>(std::max(1, w.workers)), count);
  if (nworkers <= 1) return run_here(w);

  // A worker that died makes its pipe unwritable; that must be an error here, not a signal.
  struct sigaction ignore {
  }, old_pipe{};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &old_pipe);
  std::fflush(nullptr); // nothing buffered may be written twice

  std::string note;
  std::vector<Worker> workers;
  for (size_t k = 0; k < nworkers; ++k) {
    int tasks[2], results[2];
    if (pipe2(tasks, O_CLOEXEC) != 0) {
      note = std::string("pipe: ") + std::strerror(errno);
      break;
    }
    if (pipe2(results, O_CLOEXEC) != 0) {
      note = std::string("pipe: ") + std::strerror(errno);
      close(tasks[0]);
      close(tasks[1]);
      break;
    }
    const pid_t pid = fork();
    if (pid == 0) {
      // Only this worker's own ends stay open: a sibling's pipe left open here would hide
      // that sibling's death from the parent.
      for (auto& other : workers) {
        close_fd(other.tasks);
        close_fd(other.results);
      }
      close(tasks[1]);
      close(results[0]);
      worker_loop(w, tasks[0], results[1]);
    }
    close(tasks[0]);
    close(results[1]);
    if (pid < 0) {
      note = std::string("fork: ") + std::strerror(errno);
      close(tasks[1]);
      close(results[0]);
      break;
    }
    Worker wk;
    wk.pid = pid;
    wk.tasks = tasks[1];
    wk.results = results[0];
    workers.push_back(std::move(wk));
  }

  size_t next_dispatch = 0, next_deliver = 0;
  std::map<size_t, WorkOutput> done;
  auto dispatch = [&](Worker& wk) {
    wk.busy = kNone;
    if (next_dispatch >= count) {
      close_fd(wk.tasks); // no more work: the worker exits
      return;
    }
    std::string msg;
    put_u64(msg, next_dispatch);
    if (!write_all(wk.tasks, msg.data(), msg.size())) {
      close_fd(wk.tasks); // dead already; its read end reports it
      return;
    }
    wk.busy = next_dispatch++;
  };
  auto lose = [&](Worker& wk) {
    // Its item, if any, runs here when its turn comes (it is neither done nor running).
    wk.busy = kNone;
    close_fd(wk.tasks);
    close_fd(wk.results);
  };
  auto running = [&](size_t i) {
    return std::any_of(workers.begin(), workers.end(),
                       [&](const Worker& wk) { return wk.results >= 0 && wk.busy == i; });
  };
  for (auto& wk : workers)
    dispatch(wk);

  auto finish = [&](bool stop) {
    for (auto& wk : workers) {
      close_fd(wk.tasks);
      close_fd(wk.results);
      if (stop) kill(wk.pid, SIGKILL);
      int status = 0;
      while (waitpid(wk.pid, &status, 0) < 0 && errno == EINTR) {
      }
    }
    sigaction(SIGPIPE, &old_pipe, nullptr);
  };
  try {
    bool announced = false;
    while (next_deliver < count) {
      // Deliver everything that is ready, in order.
      if (!announced) {
        if (w.next) w.next(next_deliver);
        announced = true;
      }
      if (auto it = done.find(next_deliver); it != done.end()) {
        w.deliver(next_deliver, std::move(it->second));
        done.erase(it);
        ++next_deliver;
        announced = false;
        continue;
      }
      if (!running(next_deliver)) {
        // Its worker died, or no worker is left: it runs here. Every item before it has been
        // delivered, so this is where a single loop would have run it.
        if (next_deliver >= next_dispatch) next_dispatch = next_deliver + 1;
        w.deliver(next_deliver, w.work(next_deliver));
        ++next_deliver;
        announced = false;
        continue;
      }
      // Wait for any busy worker.
      std::vector<pollfd> fds;
      std::vector<Worker*> owners;
      for (auto& wk : workers)
        if (wk.results >= 0 && wk.busy != kNone) {
          fds.push_back({wk.results, POLLIN, 0});
          owners.push_back(&wk);
        }
      if (poll(fds.data(), fds.size(), -1) < 0) {
        if (errno == EINTR) continue;
        note = std::string("poll: ") + std::strerror(errno);
        for (auto* wk : owners)
          lose(*wk);
        continue;
      }
      for (size_t f = 0; f < fds.size(); ++f) {
        if (!fds[f].revents) continue;
        Worker& wk = *owners[f];
        char chunk[1 << 16];
        ssize_t n = read(wk.results, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          lose(wk);
          continue;
        }
        wk.buffer.append(chunk, static_cast<size_t>(n));
        bool answered = false;
        const bool well_formed = decode_work_frames(wk.buffer, [&](size_t index, WorkOutput&& out) {
          if (index == wk.busy) answered = true;
          done.emplace(index, std::move(out));
        });
        if (!well_formed) {
          lose(wk);
          continue;
        }
        if (answered) dispatch(wk);
      }
    }
  } catch (...) {
    // An item that threw here (after its worker gave up on it) ends the run as a single loop
    // would have ended; the workers' later items are no one's to deliver.
    finish(true);
    throw;
  }
  finish(false);
  if (workers.size() < nworkers && !note.empty())
    note += workers.empty() ? "; every item ran in this process"
                            : "; " + std::to_string(workers.size()) + " workers";
  return note;
}

} // namespace vmtest
