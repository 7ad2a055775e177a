#pragma once
// Length counting and splitting in the unit each service counts.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace notify::message {

enum class Unit {
  code_points,  ///< Telegram, Discord, Mattermost
  utf16,        ///< LINE (an astral character counts 2)
  bytes,        ///< ntfy: UTF-8 bytes (a CJK character counts 3, an emoji 4)
};

/// Length of valid UTF-8 text in the given unit.
std::size_t length_in(std::string_view utf8, Unit unit);

/// Splits valid UTF-8 into parts each at most `limit` units long, preferring
/// a line break, then a word break, never cutting a UTF-8 sequence, a
/// surrogate pair or a grapheme cluster (unless a single cluster is longer
/// than the limit; then it is cut between code points, never inside one). The break character (newline/space) at a cut is dropped;
/// nothing else is lost or reordered. Empty input gives no parts.
/// Break order: the last newline whose text before it fits (the newline may
/// sit right at the limit), else the last space/tab that is a cluster of its
/// own, else the last cluster boundary, else (one cluster over the limit) the
/// last code point boundary. A limit of 0 counts as 1; a code point longer
/// than the limit (an astral character with a UTF-16 limit of 1, a 3-byte
/// character with a byte limit of 2) goes alone in an over-long part.
/// Linear time.
std::vector<std::string> split(std::string_view text, std::size_t limit,
                               Unit unit);

/// True when a grapheme-cluster boundary lies at byte `offset` of valid
/// UTF-8 text (0 and text.size() always are). Scans back only as far as the
/// rules need; meant for checks, split() itself scans forward once.
bool is_grapheme_boundary(std::string_view text, std::size_t offset);

/// Byte offset in `text` of each piece split() cut from it: each starts where
/// the previous ended or one byte later, past a dropped line break or space.
std::vector<std::size_t> piece_offsets(std::string_view text,
                                       const std::vector<std::string>& pieces);

/// Keeps at most max_parts of the pieces split() cut from `text`: the head
/// and the tail, with one line in place of the middle that says how many
/// lines and bytes of the input were left out (omitted_between(): a cut
/// made earlier while reading, whose note lies in the middle, is counted
/// in, so the one line covers the whole input). Returns the pieces
/// unchanged when they already fit. With max_parts >= 3 the note is a part
/// of its own between (max_parts-1)/2 head parts and the rest as tail parts
/// (the tail gets the extra one: that is where errors are). With 1 or 2 (0
/// counts as 1) there is no room for it: the note opens the last part,
/// which gives up at least as many leading code points as the note takes
/// (up to a grapheme boundary), so it grows only if it was shorter than the
/// note. The note reads "[... N lines (B bytes) omitted ...]".
std::vector<std::string> cap_parts(std::string_view text, std::vector<std::string> parts,
                                   std::size_t max_parts);

}  // namespace notify::message
