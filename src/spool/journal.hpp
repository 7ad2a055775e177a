#pragma once
// The journal file format: a short head line that says "a notify journal",
// one JSON line holding the record, then one JSON line per event appended
// as delivery goes on. Appending a line is one write(2), so recording
// progress costs microseconds and a crash can leave at most a torn last
// line, which reading ignores.
//
// The head comes first so that a file is recognised from its first line
// alone (a record line holds the message and its attachments: megabytes);
// journals of earlier editions (version 1 and 2) began with the record.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "spool/record.hpp"

namespace notify::spool {

/// At most this much of a spool file is read to recognise it: a foreign or
/// junk file costs this, whatever its size.
inline constexpr std::size_t kRecogniseBytes = 64u << 10;

/// Whether a file that starts with `start` is a notify journal. `start` is
/// the file's first kRecogniseBytes, or all of it when `whole` (a shorter
/// file). Recognised: a complete head line, or a complete version 1 or 2
/// record line; an earlier edition's record line longer than `start` is
/// recognised by its beginning (a well-formed JSON object so far, with the
/// key those editions always wrote first).
bool recognised(std::string_view start, bool whole);

/// The opening of a journal for `record`: its head line and its record
/// line (attachments base64-encoded).
std::string encode_record(const Record& record);

/// Reads a whole journal: the record with every complete event applied.
/// nullopt when the file does not open with a record (first-edition spool
/// files are read as a record of one target). A complete line that is not
/// an event, or contradicts the record, changes nothing and sets
/// Record::damaged; after an unreadable line, progress (parts accepted)
/// cannot be known and is forgotten, so nothing is ever skipped.
std::optional<Record> decode_journal(const std::string& text);

/// Event lines, each ending in '\n'.
std::string event_part(const std::string& destination, std::size_t part);
std::string event_plan(const std::string& destination, const Plan& plan);
/// Where a destination profile sends to, now known (or, after `spool
/// retry`, accepted anew: then it holds none of the message yet).
std::string event_destination(const std::string& destination, const std::string& identity);
std::string event_done(const std::string& target, const std::string& via);
/// A --stream buffer's events: the text now waiting; a batch cut from it
/// (before the batch's own journal is written) and what stays; the batch
/// journalled; and, at a flush, the buffer made a plain message.
std::string event_stream_text(const std::string& waiting);
std::string event_stream_take(std::uint64_t seq, const std::string& batch, const std::string& rest);
std::string event_stream_taken(std::uint64_t seq);
std::string event_stream_seal(const std::string& body);
std::string event_failed(const std::string& target, const TargetState& state);

/// Applies one event line to a record. Returns what is wrong with the line,
/// "" when nothing is: a line that is not an event, or an event that
/// contradicts the record (a part its destination's plan does not have, a
/// part before the earlier ones were recorded, a target the message does
/// not have, a target done through a destination that has not got every
/// part), is not applied.
std::string apply_event(Record& record, const std::string& line);

}  // namespace notify::spool
