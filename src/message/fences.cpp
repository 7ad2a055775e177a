#include "message/fences.hpp"

#include <algorithm>

#include "message/cmark.hpp"
#include "message/split.hpp"

namespace notify::message {

namespace {


struct FencedBlock {
  std::size_t first_line;  // 1-based line of the opening fence
  std::size_t end_line;    // of the closing fence, or the last line when unclosed
  std::size_t column;      // byte offset of the fence in the opening line
  std::size_t length;
  char marker;
};

std::vector<FencedBlock> fenced_blocks(std::string_view md) {
  NodePtr doc = parse_gfm(md, CMARK_OPT_SOURCEPOS);
  IterPtr iter(cmark_iter_new(doc.get()));
  std::vector<FencedBlock> blocks;
  cmark_event_type ev;
  while ((ev = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE) {
    cmark_node* n = cmark_iter_get_node(iter.get());
    if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(n) != CMARK_NODE_CODE_BLOCK) continue;
    int length = 0;
    int offset = 0;
    char marker = 0;
    if (!cmark_node_get_fenced(n, &length, &offset, &marker) || length <= 0) continue;
    const int first = cmark_node_get_start_line(n);
    const int last = cmark_node_get_end_line(n);
    if (first < 1 || last <= first) continue;  // no line inside to cut at
    blocks.push_back(FencedBlock{std::size_t(first), std::size_t(last),
                                 std::size_t(std::max(0, cmark_node_get_start_column(n) - 1)),
                                 std::size_t(length), marker});
  }
  return blocks;
}

// Counts newlines up to positions that never decrease: linear overall.
class LineCounter {
 public:
  explicit LineCounter(std::string_view md) : md_(md) {}

  std::size_t newlines_before(std::size_t at) {
    at = std::min(at, md_.size());
    if (at > pos_) {
      lines_ += std::size_t(std::count(md_.begin() + std::ptrdiff_t(pos_),
                                       md_.begin() + std::ptrdiff_t(at), '\n'));
      pos_ = at;
    }
    return lines_;
  }

  /// The text of 1-based line `line`, lines asked in increasing order.
  std::string_view line(std::size_t line) {
    while (lines_ + 1 < line) {
      const std::size_t nl = md_.find('\n', pos_);
      if (nl == std::string_view::npos) return {};
      pos_ = nl + 1;
      ++lines_;
    }
    const std::size_t nl = md_.find('\n', pos_);
    return md_.substr(pos_, nl == std::string_view::npos ? nl : nl - pos_);
  }

 private:
  std::string_view md_;
  std::size_t pos_ = 0;
  std::size_t lines_ = 0;
};

// What stood before the fence on its line, for a part that has none of the
// containers: list markers become spaces, quote markers stay. More than 3
// spaces (4 after a '>', whose own space is one of them) would turn the
// fence into indented code.
std::string container_prefix(std::string_view raw) {
  std::string out;
  std::size_t run = 0;
  bool after_quote = false;
  auto flush = [&] {
    out.append(std::min(run, std::size_t(after_quote ? 4 : 3)), ' ');
    run = 0;
  };
  for (char c : raw) {
    if (c != '>') {
      ++run;
      continue;
    }
    flush();
    out += '>';
    after_quote = true;
  }
  flush();
  return out;
}

FenceRepair repair_for(std::string_view line, const FencedBlock& b, std::size_t room) {
  const std::string fence(b.length, b.marker);
  std::size_t col = b.column;
  if (line.substr(std::min(col, line.size()), fence.size()) != fence) col = line.find(fence);
  if (col == std::string_view::npos) return {};
  const std::string prefix = container_prefix(line.substr(0, col));
  std::string_view info = line.substr(col + fence.size());
  const std::size_t lead = info.find_first_not_of(" \t");
  info = lead == std::string_view::npos ? std::string_view() : info.substr(lead);
  while (!info.empty() && (info.back() == ' ' || info.back() == '\t')) info.remove_suffix(1);

  // Both lines, with the newline each adds.
  const std::size_t fixed = 2 * (prefix.size() + fence.size() + 1);
  if (fixed > room) return {};
  std::string kept(info);
  if (fixed + length_in(kept, Unit::utf16) > room) kept = info_language(info);
  if (fixed + length_in(kept, Unit::utf16) > room) kept.clear();
  return FenceRepair{prefix + fence + kept + "\n", "\n" + prefix + fence};
}

// A cheap test that spares parsing text without a fence.
bool may_hold_fences(std::string_view md) {
  return md.find("```") != std::string_view::npos || md.find("~~~") != std::string_view::npos;
}

// The block a text is inside once `lines` complete lines have been read.
const FencedBlock* open_after(const std::vector<FencedBlock>& blocks, std::size_t lines) {
  auto it = std::upper_bound(blocks.begin(), blocks.end(), lines,
                             [](std::size_t l, const FencedBlock& b) { return l < b.end_line; });
  return it != blocks.end() && it->first_line <= lines ? &*it : nullptr;
}

}  // namespace

std::size_t fence_repair_room(std::string_view md, std::size_t limit) {
  return may_hold_fences(md) ? max_fence_repair_room(limit) : 0;
}

std::size_t max_fence_repair_room(std::size_t limit) { return std::min(kFenceRepairRoom, limit / 4); }

std::vector<FenceRepair> repair_fences(std::string_view md, const std::vector<Slice>& slices,
                                       std::size_t room) {
  std::vector<FenceRepair> out(slices.size());
  if (room == 0 || !may_hold_fences(md)) return out;
  const std::vector<FencedBlock> blocks = fenced_blocks(md);
  if (blocks.empty()) return out;

  std::vector<FenceRepair> per_block;
  per_block.reserve(blocks.size());
  LineCounter opening_lines(md);
  for (const auto& b : blocks)
    per_block.push_back(repair_for(opening_lines.line(b.first_line), b, room));
  auto repair = [&](const FencedBlock* b) { return b ? &per_block[std::size_t(b - blocks.data())] : nullptr; };

  LineCounter counter(md);
  for (std::size_t i = 0; i < slices.size(); ++i) {
    const Slice& s = slices[i];
    if (const FenceRepair* r = repair(open_after(blocks, counter.newlines_before(s.begin))))
      out[i].reopen = r->reopen;
    if (s.end >= md.size()) break;  // nothing follows to be cut from
    std::size_t lines = counter.newlines_before(s.end);
    // The line break dropped after the slice completes its last line.
    if (s.end < md.size() && md[s.end] == '\n') ++lines;
    if (const FenceRepair* r = repair(open_after(blocks, lines))) out[i].close = r->close;
  }
  return out;
}

}  // namespace notify::message
