#pragma once
// The message a user asked to send, with every per-message option: what a
// send builds from its command line and what the spool keeps, so a flush
// renders it with the profile as it is then.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "message/priority.hpp"

namespace notify {

/// A file to attach (--file), read once when the message is made.
struct Attachment {
  std::string name;  ///< base name shown in the chat
  std::string data;
  /// Set when the file was too large for every profile the message could
  /// reach, so it was not read (nor kept in the spool): its size, for the
  /// note that says why it is not attached.
  std::optional<std::uint64_t> withheld_size = std::nullopt;

  std::uint64_t size() const { return withheld_size ? *withheld_size : data.size(); }
};

/// Where a message of an alert key lands on one profile that remembers
/// its messages (--edit, --reply, `run --live`): the ids its service gave
/// them. Kept with the message, so a flush edits what the send would have.
struct Anchor {
  /// The messages to replace, one per text part in order; a part beyond
  /// them is posted anew.
  std::vector<std::string> edit;
  /// The message every new part answers; empty: none.
  std::string reply_to;
  /// The alert key whose state keeps what this message becomes there
  /// (its ids for --edit, the first one's for --reply), when a flush
  /// delivers it instead of the send; "" for none.
  std::string key;
  bool keep_ids = false;     ///< --edit there: its ids, when the key has none
  bool keep_thread = false;  ///< --reply there: its id as the thread's first, when none

  bool empty() const { return edit.empty() && reply_to.empty() && !keep_ids && !keep_thread; }
};

/// What a heartbeat profile (a dead-man switch: PRODUCT.md "Heartbeats")
/// is told about a job. Chat services ignore it. A plain send
/// is a success whatever its priority: only --fail or a run's status says
/// a job failed.
struct Beat {
  enum class Kind {
    success,  ///< a plain send
    fail,     ///< --fail
    start,    ///< `notify run`: the command starts
    exit,     ///< `notify run`: the command ended with `exit_status`
  };
  Kind kind = Kind::success;
  int exit_status = 0;
  /// One UUID per `notify run`, so that a start and its end pair up when
  /// runs of the same job overlap; empty outside `run`.
  std::string run_id;
  /// How long the command ran, in milliseconds (Kind::exit); -1: unknown.
  std::int64_t duration_ms = -1;
  /// The most report a server said it keeps (learnt from its answer to
  /// the run's start ping); 0: unknown.
  std::size_t body_limit = 0;

  bool plain() const { return kind == Kind::success && run_id.empty(); }
};

struct Draft {
  std::string title;
  std::string body;
  bool code = false;
  std::string code_lang;
  bool markdown = false;
  bool silent = false;  ///< --silent: the same as --priority low
  std::optional<Priority> priority;  ///< --priority; unset: the profile's
  std::string username;
  std::string icon;     ///< URL or :emoji:
  std::string channel;
  int max_parts = 0;    ///< --max-parts; 0 = the profile's
  std::vector<Attachment> files;
  /// A notice_only profile's notice (app::notice_of): flushed as it is.
  bool notice = false;
  /// The alert key (--key, run's own); "" for none. What a service may
  /// show of it (the webhook's {{key}}); the rules read SendOptions'.
  std::string key;
  /// By profile name: what this message replaces or answers there.
  std::map<std::string, Anchor> anchors;
  Beat beat;
};

}  // namespace notify
