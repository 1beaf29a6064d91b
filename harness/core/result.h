// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Errors are values: every recoverable failure travels as an Error that says what went
// wrong, where (file, kernel, object) and the errno, so the controller can report it and
// keep going instead of unwinding the whole run.
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace vmtest {

struct Error {
  std::string what;     // what went wrong, in words a user understands
  std::string context;  // which file, kernel, object or URL it concerns
  int sys_errno = 0;    // errno when a system call failed, else 0

  std::string str() const {
    std::string s = context.empty() ? what : context + ": " + what;
    if (sys_errno != 0) s += " (" + std::string(std::strerror(sys_errno)) + ")";
    return s;
  }
  // Adds an outer layer of context, e.g. the kernel a download belonged to.
  Error wrap(const std::string& outer) const {
    Error e = *this;
    e.context = context.empty() ? outer : outer + ": " + context;
    return e;
  }
};

inline Error errno_error(std::string what, std::string context) {
  return Error{std::move(what), std::move(context), errno};
}

template <typename T> class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error err) : v_(std::move(err)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <> class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error err) : err_(std::move(err)), ok_(false) {}
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return err_; }

 private:
  Error err_;
  bool ok_ = true;
};

// Thrown only for fatal user errors (bad flags, unreadable matrix); caught in main -> exit 2.
struct FatalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace vmtest
