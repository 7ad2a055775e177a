#pragma once
// --markdown for the services that render Markdown themselves (Mattermost,
// Discord): a fenced code block cut between two parts is closed at the end
// of one and reopened at the start of the next, so every part renders.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace notify::message {

/// Units (UTF-16, so code points as well) that fence
/// repair may add to one part: a closing fence line at its end and the
/// reopening fence line at its start. A reopened info string is cut to fit;
/// a fence whose markers alone do not fit is not repaired.
inline constexpr std::size_t kFenceRepairRoom = 48;

/// The room to reserve in each part of `md` cut to `limit` units:
/// kFenceRepairRoom, or a quarter of a small limit so that the text still
/// gets most of it, when `md` may hold a fenced code block; else 0, so that
/// markdown without fences splits exactly like plain text.
std::size_t fence_repair_room(std::string_view md, std::size_t limit);

/// The room for a `limit` whatever the text: what fence_repair_room() gives
/// markdown that holds a fence.
std::size_t max_fence_repair_room(std::size_t limit);

/// A byte range [begin, end) of a markdown text.
struct Slice {
  std::size_t begin = 0;
  std::size_t end = 0;
};

/// What to put around one slice so that it renders alone.
struct FenceRepair {
  std::string reopen;  ///< before it: the fence line open at its start
  std::string close;   ///< after it: "\n" and the closing fence
};

/// For slices of `md` in increasing order, not overlapping (the bytes between
/// two are a dropped line break, nothing, or parts left out), the fences that
/// reopen a code block a slice starts inside and close one it ends inside,
/// with the block's container prefix ("> ") and its own fence and info
/// string. Blocks are found by parsing `md`, so a ``` inside an indented
/// block or HTML does not count. A slice that ends where `md` ends is never
/// closed: nothing was cut there.
/// Reopen plus close take at most `room` units (fence_repair_room()).
std::vector<FenceRepair> repair_fences(std::string_view md, const std::vector<Slice>& slices,
                                       std::size_t room = kFenceRepairRoom);

}  // namespace notify::message
