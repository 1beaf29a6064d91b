#include "image/guest_image.h"

#include "image/initramfs_writer.h"

namespace vmtest {

Manifest guest_manifest(const GuestImageSpec& spec) {
  Manifest m;
  m.log_tail_lines = spec.log_tail_lines;
  for (const auto& o : spec.objects) m.objects.push_back({o.name, "/objects/" + o.name, o.cases});
  return m;
}

Result<void> build_guest_image(const GuestImageSpec& spec, const std::filesystem::path& out) {
  InitramfsWriter w;
  for (const char* d : {"dev", "proc", "sys", "tmp", "vmtest", "objects"}) w.add_dir(d);
  // The kernel opens /dev/console for init's stdio before init can mount devtmpfs.
  w.add_char_device("dev/console", 5, 1);
  if (auto r = w.add_file_from("init", spec.agent, 0755); !r) return r.error();
  w.add_file("vmtest/manifest.json", nlohmann::json(guest_manifest(spec)).dump());
  for (const auto& o : spec.objects) {
    if (auto r = w.add_file_from("objects/" + o.name, o.source); !r) return r.error();
  }
  return w.write(out);
}

}  // namespace vmtest
