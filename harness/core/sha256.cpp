// SPDX-License-Identifier: BSD-2-Clause
#include "core/sha256.h"

#include <openssl/evp.h>

#include <fstream>
#include <memory>
#include <vector>

namespace vmtest {
namespace {

struct Hasher {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
  explicit Hasher(const EVP_MD* md) { EVP_DigestInit_ex(ctx.get(), md, nullptr); }
  void update(const void* p, size_t n) { EVP_DigestUpdate(ctx.get(), p, n); }
  std::string hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx.get(), md, &len);
    static const char* digits = "0123456789abcdef";
    std::string out;
    out.reserve(len * 2);
    for (unsigned i = 0; i < len; ++i) {
      out.push_back(digits[md[i] >> 4]);
      out.push_back(digits[md[i] & 0xf]);
    }
    return out;
  }
};

std::string hex_of(const EVP_MD* md, std::string_view data) {
  Hasher h(md);
  h.update(data.data(), data.size());
  return h.hex();
}

Result<std::string> hex_of_file(const EVP_MD* md, const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return errno_error("cannot open for hashing", path.string());
  Hasher h(md);
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.gcount() > 0) h.update(buf.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return errno_error("read failed while hashing", path.string());
  return h.hex();
}

}  // namespace

std::string sha256_hex(std::string_view data) { return hex_of(EVP_sha256(), data); }
Result<std::string> sha256_file(const std::filesystem::path& path) {
  return hex_of_file(EVP_sha256(), path);
}
std::string sha1_hex(std::string_view data) { return hex_of(EVP_sha1(), data); }
Result<std::string> sha1_file(const std::filesystem::path& path) {
  return hex_of_file(EVP_sha1(), path);
}

}  // namespace vmtest
