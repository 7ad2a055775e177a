#pragma once
// The journal file format: one JSON line holding the record, then one JSON
// line per event appended as delivery goes on. Appending a line is one
// write(2), so recording progress costs microseconds and a crash can leave
// at most a torn last line, which reading ignores.

#include <optional>
#include <string>

#include "spool/record.hpp"

namespace notify::spool {

/// The record as the journal's first line (attachments base64-encoded).
std::string encode_record(const Record& record);

/// Reads a whole journal: the record with every complete event applied.
/// nullopt when the first line is not a record (or a first-edition spool
/// file, which is read as a record of one target).
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

/// Applies one event line to a record; false when it is not a valid event.
bool apply_event(Record& record, const std::string& line);


}  // namespace notify::spool
