// SPDX-License-Identifier: BSD-2-Clause
#include "results/deflate.h"

#include <zlib.h>

namespace vmtest {

std::string deflate_text(std::string_view text) {
  z_stream z{};
  if (deflateInit(&z, Z_BEST_SPEED) != Z_OK) return {};
  std::string out(deflateBound(&z, static_cast<uLong>(text.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  // deflateBound leaves room for the whole stream, so one call finishes it.
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END ? out : std::string();
}

Result<std::string> inflate_text(std::string_view stream, size_t max_bytes) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return Error{"zlib: cannot start inflating", ""};
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(stream.data()));
  z.avail_in = static_cast<uInt>(stream.size());
  std::string out;
  char chunk[64 * 1024];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof chunk;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    const size_t got = sizeof chunk - z.avail_out;
    if (out.size() + got > max_bytes) {
      inflateEnd(&z);
      return Error{"zlib: inflates past " + std::to_string(max_bytes) + " bytes", ""};
    }
    out.append(chunk, got);
    // No progress with input left means the stream is cut short.
    if (rc == Z_OK && got == 0 && z.avail_in == 0) {
      rc = Z_BUF_ERROR;
      break;
    }
  }
  const bool trailing = z.avail_in != 0;
  inflateEnd(&z);
  if (rc != Z_STREAM_END) return Error{"zlib: damaged or incomplete stream", ""};
  if (trailing) return Error{"zlib: bytes after the end of the stream", ""};
  return out;
}

} // namespace vmtest
