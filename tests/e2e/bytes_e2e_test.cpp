// SPDX-License-Identifier: BSD-2-Clause
// Bytes are data (issue 24), on the host kernel and in a real 6.1 guest: a corpus file named
// caf\xe9.bpf.o, a program and section named with raw bytes, and a Latin-1 source comment that
// BTF line info carries into the verifier log. Before, the file name aborted vmtest before any
// boot (json type_error.316, exit 134), the names aborted the host agent, and in a guest the
// bytes became U+FFFD, so the "byte for byte" full log was not. Also here: corpus entries that
// are FIFOs, which blocked vmtest in open() while it held the --out lock.
#include "test_paths.h"
#include "e2e_support.h"

#include <fstream>
#include <sys/stat.h>

namespace vmtest::e2e {
namespace fs = std::filesystem;

class BytesE2E : public ::testing::Test {
protected:
  void SetUp() override { dir_ = *make_temp_dir(fs::temp_directory_path(), "vmtest-e2e-bytes-"); }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path corpus() {
    const fs::path c = dir_ / "corpus";
    fs::create_directories(c);
    fs::copy_file(fs::path(VMTEST_BINARY_DIR) / "bpf/corpus/bpf_loop.bpf.o", c / "caf\xe9.bpf.o");
    fs::copy_file(fs::path(VMTEST_BINARY_DIR) / "tests/bpf/bytes/bytes_fixture.bpf.o",
                  c / "bytes_fixture.bpf.o");
    return c;
  }

  void check(const std::string& kernel) {
    SCOPED_TRACE(kernel);
    const fs::path out = dir_ / ("out-" + kernel);
    auto r = run_vmtest({"run", "--kernel", kernel, "--corpus", corpus_.string(), "--no-testrun",
                         "--out", out.string()},
                        out);
    EXPECT_NE(r.exit_code, 134) << r.output;
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.output;
    ASSERT_TRUE(r.has_results) << r.output;
    const KernelResult* k = r.results.find(kernel);
    ASSERT_NE(k, nullptr);
    ASSERT_EQ(k->status, KernelStatus::Ok) << k->error;

    // The file name, exactly.
    const ProgramResult* loop = nullptr;
    for (const auto& o : k->objects)
      if (o.name == "caf\xe9.bpf.o" && !o.programs.empty()) loop = &o.programs[0];
    ASSERT_NE(loop, nullptr) << "caf\\xe9.bpf.o is missing or renamed";
    EXPECT_EQ(loop->verdict, Verdict::Accepted);

    // A program and section named with raw bytes: whatever the kernel makes of the name, the
    // verdict is filed under the name the object gives it.
    const ProgramResult* raw = find_program(*k, "bytes_fixture.bpf.o", "caf\xe9_prog");
    ASSERT_NE(raw, nullptr) << "caf\\xe9_prog is missing or renamed";
    EXPECT_EQ(raw->section, "kprobe/caf\xe9");

    // The Latin-1 comment: in the log tail and in the full log file, as the kernel's bytes.
    const ProgramResult* latin1 = find_program(*k, "bytes_fixture.bpf.o", "latin1_log");
    ASSERT_NE(latin1, nullptr);
    EXPECT_EQ(latin1->verdict, Verdict::Rejected);
    const std::string comment = "/* caf\xe9: no bounds check, so rejected */";
    EXPECT_NE(joined(latin1->log_tail).find(comment), std::string::npos)
        << joined(latin1->log_tail);
    ASSERT_FALSE(latin1->full_log.file.empty());
    auto full = read_file(out / latin1->full_log.file);
    ASSERT_TRUE(full.ok()) << full.error().str();
    EXPECT_NE(full->find(comment), std::string::npos) << "the full log lost the byte 0xE9";
    EXPECT_EQ(full->find("\xef\xbf\xbd"), std::string::npos) << "U+FFFD in the full log";
    EXPECT_EQ(full->size(), latin1->full_log.bytes);

    // results.json is text, with the bytes escaped beside their marker.
    auto text = read_file(out / "results.json");
    ASSERT_TRUE(text.ok());
    EXPECT_NE(text->find("\"caf\\\\xe9.bpf.o\""), std::string::npos);
    EXPECT_NE(text->find("\"name_escaped\": true"), std::string::npos);
    // The reports show the display form and never the raw byte.
    auto html = read_file(out / "report.html");
    ASSERT_TRUE(html.ok()) << html.error().str();
    EXPECT_NE(html->find("caf\\xe9"), std::string::npos);
    EXPECT_EQ(html->find('\xe9'), std::string::npos);
  }

  fs::path dir_, corpus_;
};

TEST_F(BytesE2E, NamesSectionsAndLogsThatAreNotUtf8OnTheHostAndInAGuest) {
  corpus_ = corpus();
  check("host");
  check("6.1");
}

TEST_F(BytesE2E, AFifoAsCorpusOrInsideItIsSkippedAndNamedNotOpened) {
  const fs::path c = dir_ / "corpus";
  fs::create_directories(c);
  fs::copy_file(fs::path(VMTEST_BINARY_DIR) / "bpf/corpus/bpf_loop.bpf.o", c / "loop.bpf.o");
  ASSERT_EQ(::mkfifo((c / "pipe.bpf.o").c_str(), 0600), 0);
  const fs::path fifo = dir_ / "alone.bpf.o";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const fs::path out = dir_ / "out";
  // Blocked forever before; a minute is ample for one object on the host kernel.
  auto r = run_vmtest({"run", "--kernel", "host", "--corpus", c.string(), "--corpus", fifo.string(),
                       "--no-testrun", "--out", out.string()},
                      out, std::chrono::seconds(60));
  ASSERT_NE(r.exit_code, -1) << "vmtest blocked on a FIFO\n" << r.output;
  EXPECT_NE(r.output.find("pipe.bpf.o: skipped, a FIFO"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("alone.bpf.o: skipped, a FIFO"), std::string::npos) << r.output;
  ASSERT_TRUE(r.has_results) << r.output;
  const KernelResult* k = r.results.find("host");
  ASSERT_NE(k, nullptr);
  ASSERT_EQ(k->objects.size(), 1u);
  EXPECT_EQ(k->objects[0].name, "loop.bpf.o");
}

} // namespace vmtest::e2e
