// SPDX-License-Identifier: BSD-2-Clause
#include "kernel/oci_manifest.h"

#include <gtest/gtest.h>

namespace vmtest {

namespace {
std::string manifest_with_config_size(const std::string& size) {
  return R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
               "digest": "sha256:)" +
         std::string(64, 'c') + R"(", "size": )" + size + R"(}, "layers": []})";
}
} // namespace

TEST(OciManifest, ReadsADescriptorSize) {
  auto doc = parse_oci_document(manifest_with_config_size("1234"), "", "quay.io/x");
  ASSERT_TRUE(doc.ok()) << doc.error().str();
  EXPECT_EQ(doc->config.size, 1234);
}

// 2^64-1 used to wrap to -1 and 1e+300 to be ignored; a registry's numbers are checked like ours.
TEST(OciManifest, ADescriptorSizeThatIsNoByteCountIsAnError) {
  for (const char* size :
       {"18446744073709551615", "-5", "1e+300", "\"12\"", "9223372036854775808"}) {
    auto doc = parse_oci_document(manifest_with_config_size(size), "", "quay.io/x");
    ASSERT_FALSE(doc.ok()) << size;
    EXPECT_EQ(doc.error().str(),
              std::string("quay.io/x: descriptor size ") + size + " is not a byte count");
  }
  EXPECT_TRUE(parse_oci_document(manifest_with_config_size("9223372036854775807"), "", "q").ok());
}

TEST(OciManifest, DeepNestingIsAnErrorNotACrash) {
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  auto doc = parse_oci_document(R"({"manifests": )" + deep + "}", "", "quay.io/x");
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.error().str().find("manifest is nested deeper than"), std::string::npos);
  auto cfg = check_config_platform(deep, "linux", "amd64", "quay.io/x");
  ASSERT_FALSE(cfg.ok());
  EXPECT_NE(cfg.error().str().find("image config is nested deeper than"), std::string::npos);
}

} // namespace vmtest
