#include "results/guest_protocol.h"

#include <charconv>

namespace vmtest {

std::string frame_report(std::string_view json) {
  std::string out;
  out.reserve(json.size() + 64);
  out += "\n";
  out += kFrameBegin;
  out += std::to_string(json.size());
  out += "\n";
  out += json;
  out += "\n";
  out += kFrameEnd;
  out += "\n";
  return out;
}

Result<std::string> unframe_report(std::string_view raw) {
  size_t begin = raw.rfind(kFrameBegin);
  if (begin == std::string_view::npos)
    return Error{"the guest wrote no results (no begin marker on the results port)", ""};
  size_t num_start = begin + kFrameBegin.size();
  size_t nl = raw.find('\n', num_start);
  if (nl == std::string_view::npos) return Error{"results frame header is cut short", ""};
  size_t len = 0;
  auto [ptr, ec] = std::from_chars(raw.data() + num_start, raw.data() + nl, len);
  if (ec != std::errc() || ptr != raw.data() + nl)
    return Error{"results frame header has no valid length", ""};
  size_t body = nl + 1;
  if (raw.size() < body + len)
    return Error{"results are truncated: expected " + std::to_string(len) + " bytes, got " +
                     std::to_string(raw.size() - body),
                 ""};
  std::string_view rest = raw.substr(body + len);
  if (rest.substr(0, 1) != "\n" || rest.substr(1, kFrameEnd.size()) != kFrameEnd)
    return Error{"results frame has no end marker after its declared length", ""};
  return std::string(raw.substr(body, len));
}

}  // namespace vmtest
