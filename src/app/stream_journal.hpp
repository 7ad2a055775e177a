#pragma once
// --stream's journal. Lines read and not yet in a batch of their own wait
// in the spool as a buffer, at most a second behind, so a SIGKILL during a
// long Retry-After loses at most the last second of input. Each batch cut
// from the buffer gets its own journal (app::send); the buffer records the
// cut before that journal is written and its end after, so that a flush
// after a death sends every line exactly once (see app::flush).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/world.hpp"
#include "config/profile.hpp"
#include "message/draft.hpp"
#include "spool/spool.hpp"

namespace notify::app {

class StreamJournal {
 public:
  /// The buffer of a stream of `base` messages to these targets (those
  /// that keep a spool copy; with none, it keeps nothing). An error when
  /// the spool cannot be written.
  static Result<StreamJournal> begin(const config::Config& config,
                                     const std::vector<std::string>& targets, const Draft& base,
                                     World& world);

  /// The text waiting now; written unless unchanged.
  void snapshot(const std::string& waiting);
  /// A batch is cut from what waits and `rest` stays; returns the tag the
  /// batch's journals carry (SendOptions::batch_of).
  std::string take(const std::string& batch, const std::string& rest);
  /// The batch's journals are written (or none will be).
  void taken();
  /// The stream is over and nothing waits: the buffer goes.
  void close();

 private:
  void keep_small();

  std::optional<spool::Journal> journal_;
  std::uint64_t seq_ = 0;
  std::string last_;
};

/// For a flush: the buffer of a --stream that died (its claim succeeded),
/// as the plain message it becomes: what waited, with a cut batch that
/// never reached the spool put back in front. nullopt when nothing waited.
std::optional<std::string> stream_leftover(const spool::Spool& spool, const spool::Record& buffer);

}  // namespace notify::app
