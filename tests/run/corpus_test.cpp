// SPDX-License-Identifier: BSD-2-Clause
#include "core/fs.h"
#include "core/sha256.h"
#include "run/corpus.h"

#include <cstring>
#include <fcntl.h>
#include <future>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace vmtest {
namespace fs = std::filesystem;

namespace {

// The first 20 bytes of an ELF64 file for `machine`, then some body so hashes differ.
std::string elf(unsigned machine, bool big_endian = false, const std::string& body = "body") {
  std::string h = "\x7f"
                  "ELF";
  h += '\x02';                                                               // ELFCLASS64
  h += big_endian ? '\x02' : '\x01';                                         // ELFDATA2MSB / LSB
  h += '\x01';                                                               // EV_CURRENT
  h += std::string(9, '\0');                                                 // OS ABI, padding
  h += big_endian ? std::string("\x00\x01", 2) : std::string("\x01\x00", 2); // ET_REL
  const char lo = static_cast<char>(machine & 0xff), hi = static_cast<char>(machine >> 8);
  h += big_endian ? std::string{hi, lo} : std::string{lo, hi};
  return h + body;
}

const std::string kBpf = elf(247);

struct TempDir {
  fs::path path = *make_temp_dir(fs::temp_directory_path(), "corpus-");
  ~TempDir() { fs::remove_all(path); }
  void put(const std::string& rel, const std::string& bytes) const {
    fs::create_directories((path / rel).parent_path());
    ASSERT_TRUE(write_file_atomic(path / rel, bytes).ok());
  }
};

std::vector<std::string> names(const Corpus& c) {
  std::vector<std::string> out;
  for (const auto& o : c.objects)
    out.push_back(o.name);
  return out;
}

} // namespace

TEST(Corpus, StemStripsBpfSuffixes) {
  EXPECT_EQ(object_stem("bpf_loop.bpf.o"), "bpf_loop");
  EXPECT_EQ(object_stem("xdp_flowtable.o"), "xdp_flowtable");
  EXPECT_EQ(object_stem("net/probe.elf"), "net/probe");
  EXPECT_EQ(object_stem("odd"), "odd");
}

TEST(Corpus, RecognisesBpfElfByMachineInEitherByteOrder) {
  EXPECT_TRUE(is_bpf_elf(kBpf));
  EXPECT_TRUE(is_bpf_elf(elf(247, true)));
  EXPECT_FALSE(is_bpf_elf(elf(62))); // x86-64
  EXPECT_FALSE(is_bpf_elf(elf(247).substr(0, 19)));
  EXPECT_FALSE(is_bpf_elf("not an elf file at all, no"));
}

TEST(Corpus, WalksSubfoldersAndTakesBpfElfWhateverItsName) {
  TempDir d;
  d.put("b.bpf.o", kBpf);
  d.put("a.o", elf(247, false, "a"));
  d.put("build/obj/x86/probe.elf", elf(247, false, "p"));
  d.put("build/obj/skel", elf(247, false, "no suffix"));
  d.put("build/host_tool.o", elf(62)); // a host object, not BPF
  d.put("README", "not an object");
  std::vector<std::string> asked;
  auto got = discover_corpus({d.path}, [&](const std::string& stem) -> Result<TestrunSpec> {
    asked.push_back(stem);
    if (stem == "b")
      return TestrunSpec{{TestCase{.program = "p", .name = "c"}}, {Preset{"on", {{"flag", "1"}}}}};
    return TestrunSpec{};
  });
  ASSERT_TRUE(got.ok()) << got.error().str();
  EXPECT_EQ(names(*got), (std::vector<std::string>{"a.o", "b.bpf.o", "build/obj/skel",
                                                   "build/obj/x86/probe.elf"}));
  EXPECT_EQ(got->objects[0].sha256, sha256_hex(elf(247, false, "a")));
  ASSERT_EQ(got->objects[1].cases.size(), 1u);
  ASSERT_EQ(got->objects[1].presets.size(), 1u);
  EXPECT_EQ(got->objects[1].presets[0].name, "on");
  EXPECT_TRUE(got->objects[0].presets.empty());
  EXPECT_EQ(got->files_scanned, 6);
  EXPECT_EQ(asked.size(), 4u);
  EXPECT_TRUE(got->notes.empty());
}

TEST(Corpus, FolderOfOnlySubfoldersIsNotEmpty) {
  TempDir d;
  d.put("one/x.bpf.o", kBpf);
  d.put("two/deeper/y.bpf.o", elf(247, false, "y"));
  auto got = discover_corpus({d.path}, nullptr);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(names(*got), (std::vector<std::string>{"one/x.bpf.o", "two/deeper/y.bpf.o"}));
}

TEST(Corpus, SymlinkLoopIsWalkedOnceAndNamed) {
  TempDir d;
  d.put("sub/x.bpf.o", kBpf);
  fs::create_directory_symlink(d.path, d.path / "sub" / "loop");
  fs::create_directory_symlink("self", d.path / "self"); // a link to itself: ELOOP
  auto got = discover_corpus({d.path}, nullptr);
  ASSERT_TRUE(got.ok()) << got.error().str();
  EXPECT_EQ(names(*got), (std::vector<std::string>{"sub/x.bpf.o"}));
  std::string notes;
  for (const auto& n : got->notes)
    notes += n + "\n";
  EXPECT_NE(notes.find("sub/loop: skipped, already visited"), std::string::npos) << notes;
  EXPECT_NE(notes.find("self: skipped"), std::string::npos) << notes;
}

TEST(Corpus, EmptyFolderIsAnEmptyCorpusNotAnError) {
  TempDir d;
  auto got = discover_corpus({d.path}, nullptr);
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->objects.empty());
  EXPECT_EQ(got->files_scanned, 0);
}

TEST(Corpus, FilesAndSeveralRoots) {
  TempDir a, b;
  a.put("x.bpf.o", kBpf);
  b.put("y.bpf.o", elf(247, false, "y"));
  auto got = discover_corpus({a.path, b.path / "y.bpf.o"}, nullptr);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(names(*got), (std::vector<std::string>{"x.bpf.o", "y.bpf.o"}));
  EXPECT_EQ(got->roots.size(), 2u);

  b.put("x.bpf.o", elf(247, false, "other"));
  auto clash = discover_corpus({a.path, b.path}, nullptr);
  ASSERT_FALSE(clash.ok());
  EXPECT_NE(clash.error().str().find("both be named 'x.bpf.o'"), std::string::npos)
      << clash.error().str();
}

TEST(Corpus, BadCaseFileFailsWithObjectContext) {
  TempDir d;
  d.put("x.bpf.o", kBpf);
  auto got = discover_corpus({d.path}, [](const std::string&) -> Result<TestrunSpec> {
    return Error{"bad yaml", "testrun/x.yaml"};
  });
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().str().find("x.bpf.o"), std::string::npos);
  EXPECT_NE(got.error().str().find("testrun/x.yaml"), std::string::npos);
}

TEST(Corpus, MissingPathIsAClearError) {
  auto got = discover_corpus({"/nonexistent/corpus"}, nullptr);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().str().find("/nonexistent/corpus"), std::string::npos);
}

} // namespace vmtest

namespace vmtest {
namespace {

// Runs discover_corpus off the test's thread: on a FIFO it used to block in open() forever.
// When it does not return in time, a writer is opened on every FIFO to free it, and the test
// fails instead of hanging.
Result<Corpus> discover_or_unblock(const std::vector<fs::path>& roots,
                                   const std::vector<fs::path>& fifos) {
  auto job = std::async(std::launch::async, [&] { return discover_corpus(roots, nullptr); });
  if (job.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    ADD_FAILURE() << "discover_corpus blocked on a FIFO";
    for (const auto& f : fifos) {
      int fd = ::open(f.c_str(), O_WRONLY | O_NONBLOCK);
      if (fd >= 0) ::close(fd);
    }
  }
  return job.get();
}

} // namespace

// Issue 24: a FIFO as --corpus, or matched by a vmtest.yaml glob, blocked vmtest in open()
// while it held the --out lock. Special files are skipped and named, never opened.
TEST(Corpus, FifosSocketsAndDevicesAreSkippedAndNamedWithoutOpeningThem) {
  TempDir d;
  d.put("good.bpf.o", kBpf);
  const fs::path fifo_in = d.path / "pipe.bpf.o", fifo_root = d.path / "other" / "root.bpf.o";
  fs::create_directories(fifo_root.parent_path());
  ASSERT_EQ(::mkfifo(fifo_in.c_str(), 0600), 0);
  ASSERT_EQ(::mkfifo(fifo_root.c_str(), 0600), 0);
  const int sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string sock_path = (d.path / "sock.o").string();
  ASSERT_LT(sock_path.size(), sizeof addr.sun_path);
  std::strcpy(addr.sun_path, sock_path.c_str());
  ASSERT_EQ(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  fs::create_symlink("/dev/null", d.path / "null.o");

  auto got = discover_or_unblock({d.path, fifo_root}, {fifo_in, fifo_root});
  ::close(sock);
  ASSERT_TRUE(got.ok()) << got.error().str();
  EXPECT_EQ(names(*got), (std::vector<std::string>{"good.bpf.o"}));
  std::string notes;
  for (const auto& n : got->notes)
    notes += n + "\n";
  EXPECT_NE(notes.find("pipe.bpf.o: skipped, a FIFO is not a regular file"), std::string::npos)
      << notes;
  EXPECT_NE(notes.find(fifo_root.string() + ": skipped, a FIFO"), std::string::npos) << notes;
  EXPECT_NE(notes.find("sock.o: skipped, a socket"), std::string::npos) << notes;
  EXPECT_NE(notes.find("null.o: skipped, a character device"), std::string::npos) << notes;
  EXPECT_EQ(got->files_scanned, 1);
}

} // namespace vmtest
