// SPDX-License-Identifier: BSD-2-Clause
// The one verdict on a real guest: what `vmtest run` decides about a run, `vmtest gate` and
// `vmtest report` decide about its results.json, for a missed testrun expectation, an object
// that cannot be opened and an empty corpus; and `--corpus` finds objects in subfolders.
#include "test_paths.h"
#include "e2e_support.h"

#include <sstream>

namespace vmtest::e2e {
namespace fs = std::filesystem;

namespace {

int exit_of(std::vector<std::string> args) {
  const fs::path unused = fs::temp_directory_path() / "vmtest-e2e-unused";
  return run_vmtest(std::move(args), unused).exit_code;
}

size_t count_programs(const RunResults& r, const std::string& kernel) {
  size_t n = 0;
  if (const KernelResult* k = r.find(kernel))
    for (const auto& o : k->objects)
      n += o.programs.size();
  return n;
}

} // namespace

class GatePathsE2E : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = *make_temp_dir(fs::temp_directory_path(), "vmtest-e2e-paths-");
    corpus_ = dir_ / "build-tree";
    // The bundled corpus spread over subfolders only, as a build tree would hold it.
    const fs::path built = fs::path(VMTEST_BINARY_DIR) / "bpf" / "corpus";
    std::vector<fs::path> objects;
    for (const auto& e : fs::directory_iterator(built))
      if (e.path().extension() == ".o") objects.push_back(e.path());
    std::sort(objects.begin(), objects.end());
    for (size_t i = 0; i < objects.size(); ++i) {
      const std::string sub = i % 2 ? "net/xdp" : "tracing";
      fs::create_directories(corpus_ / sub);
      fs::copy_file(objects[i], corpus_ / sub / objects[i].filename());
      if (objects[i].filename() == "parser.bpf.o") parser_ = sub + "/parser.bpf.o";
    }
    objects_ = objects.size();
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  fs::path corpus_;
  size_t objects_ = 0;
  std::string parser_; // where parser.bpf.o landed, relative to the corpus
};

TEST_F(GatePathsE2E, MissedExpectationFailsRunGateAndReportAlikeAndIsNamed) {
  // A testrun/ copy in which one case expects the wrong retval.
  const fs::path cases = dir_ / "testrun";
  fs::copy(source_dir() / "testrun", cases, fs::copy_options::recursive);
  std::string parser = *read_file(cases / "parser.yaml");
  const std::string from = "    name: ipv4_tcp_http_passes\n", to = "      retval: XDP_PASS\n";
  const size_t at = parser.find(to, parser.find(from));
  ASSERT_NE(at, std::string::npos);
  parser.replace(at, to.size(), "      retval: XDP_DROP\n");
  ASSERT_TRUE(write_file_atomic(cases / "parser.yaml", parser).ok());

  const fs::path out = dir_ / "out";
  auto r = run_vmtest({"run", "--kernel", "6.1", "--corpus", corpus_.string(), "--testrun",
                       cases.string(), "--out", out.string()},
                      out);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  ASSERT_TRUE(r.has_results);
  // Every object in the subfolders was found and verified.
  EXPECT_NE(r.output.find("corpus: " + std::to_string(objects_) +
                          " objects with 28 programs found under"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(count_programs(r.results, "6.1"), 28u); // rodata_flag: two presets
  // The failing case is named on a line of its own, with expected and actual values.
  EXPECT_NE(r.output.find("FAIL  6.1 " + parser_ +
                          "/xdp_parser: test_run case ipv4_tcp_http_passes: "
                          "expectation failed (retval 2, expected 1)"),
            std::string::npos)
      << r.output;
  const std::string results = (out / "results.json").string();
  EXPECT_EQ(exit_of({"gate", results}), 1);
  EXPECT_EQ(exit_of({"report", results, "--html", (dir_ / "r.html").string()}), 1);
  // stdout and stderr share one pipe here, as in a CI log: no line is cut by another.
  std::istringstream lines(r.output);
  for (std::string l; std::getline(lines, l);) {
    const size_t v = l.find("vmtest: ");
    EXPECT_TRUE(v == std::string::npos || v == 0) << "interleaved line: " << l;
  }
}

TEST_F(GatePathsE2E, UnopenableObjectIsAnErrorOnEveryPathAndTheOthersAreVerified) {
  // An ELF for BPF whose body is garbage: libbpf in the guest cannot open it.
  std::string bad = "\x7f"
                    "ELF\x02\x01\x01";
  bad += std::string(9, '\0');
  bad += std::string("\x01\x00\xf7\x00", 4);
  bad += std::string(200, 'x');
  ASSERT_TRUE(write_file_atomic(corpus_ / "vendor" / "broken.bpf.o", bad).ok());
  const fs::path out = dir_ / "out";
  auto r = run_vmtest(
      {"run", "--kernel", "6.1", "--corpus", corpus_.string(), "--out", out.string()}, out);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("ERROR 6.1 vendor/broken.bpf.o: object cannot be opened"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(count_programs(r.results, "6.1"), 28u) << "one broken object never hides the others";
  EXPECT_EQ(exit_of({"gate", (out / "results.json").string()}), 2);
  EXPECT_EQ(
      exit_of({"report", (out / "results.json").string(), "--html", (dir_ / "r.html").string()}),
      2);
}

TEST_F(GatePathsE2E, EmptyCorpusExitsTwoWithoutBootingAndSaysWhy) {
  fs::create_directories(dir_ / "empty" / "sub");
  ASSERT_TRUE(write_file_atomic(dir_ / "empty" / "sub" / "notes.txt", "no objects here").ok());
  const fs::path out = dir_ / "out";
  auto r = run_vmtest(
      {"run", "--kernel", "6.1", "--corpus", (dir_ / "empty").string(), "--out", out.string()},
      out);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("0 programs verified: no BPF objects in " + (dir_ / "empty").string()),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("1 files looked at"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("booting"), std::string::npos) << "nothing to verify, nothing booted";
  EXPECT_EQ(exit_of({"gate", (out / "results.json").string()}), 2);

  // --boot-empty (bench/'s floor) boots the kernel anyway; the verdict is the same.
  const fs::path booted = dir_ / "booted";
  auto b = run_vmtest({"run", "--kernel", "6.1", "--corpus", (dir_ / "empty").string(),
                       "--boot-empty", "--no-capabilities", "--out", booted.string()},
                      booted);
  EXPECT_EQ(b.exit_code, 2) << b.output;
  ASSERT_TRUE(b.has_results) << b.output;
  ASSERT_NE(b.results.find("6.1"), nullptr);
  EXPECT_EQ(b.results.find("6.1")->status, KernelStatus::Ok) << b.output;
  EXPECT_NE(b.output.find("0 programs verified"), std::string::npos) << b.output;

  // A mistyped path is a usage error, never an empty corpus that passes.
  EXPECT_EQ(exit_of({"run", "--kernel", "6.1", "--corpus", (dir_ / "typo").string(), "--out",
                     out.string()}),
            2);
}

} // namespace vmtest::e2e
