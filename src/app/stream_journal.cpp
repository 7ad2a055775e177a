#include "app/stream_journal.hpp"

#include <algorithm>

#include "app/targets.hpp"
#include "message/sanitize.hpp"

namespace notify::app {

namespace {

// A long stream appends a snapshot a second; past this the file is
// rewritten with only the last one.
constexpr std::size_t kCompactAfterBytes = 1 << 20;

}  // namespace

Result<StreamJournal> StreamJournal::begin(const config::Config& cfg,
                                           const std::vector<std::string>& targets,
                                           const Draft& base, World& world) {
  StreamJournal out;
  spool::Record record;
  record.message = base;
  record.message.body.clear();
  record.created_unix = world.clock_or_default().unix_seconds();
  record.config_path = cfg.absolute_path;
  record.stream_open = true;
  record.targets = kept_targets(cfg, targets, base);
  if (record.targets.empty()) return out;
  if (!world.spool_dir) return make_error(ErrorKind::io, "neither XDG_STATE_HOME nor HOME is set");
  auto journal = spool::Spool(*world.spool_dir).begin(record);
  if (!journal) return journal.error();
  out.journal_ = std::move(*journal);
  return out;
}

void StreamJournal::snapshot(const std::string& waiting) {
  if (!journal_ || waiting == last_) return;
  journal_->append(spool::event_stream_text(waiting));
  last_ = waiting;
  keep_small();
}

std::string StreamJournal::take(const std::string& batch, const std::string& rest) {
  if (!journal_) return {};
  ++seq_;
  journal_->append(spool::event_stream_take(seq_, batch, rest));
  last_ = rest;
  keep_small();
  return std::to_string(journal_->record().id) + ":" + std::to_string(seq_);
}

void StreamJournal::taken() {
  if (journal_) journal_->append(spool::event_stream_taken(seq_));
}

void StreamJournal::close() {
  if (journal_) (void)journal_->remove();
  journal_.reset();
}

void StreamJournal::keep_small() {
  if (journal_->appended() > std::max(kCompactAfterBytes, 8 * last_.size())) (void)journal_->compact();
}

std::optional<std::string> stream_leftover(const spool::Spool& sp, const spool::Record& buffer) {
  std::string body = buffer.message.body;
  if (buffer.taking) {
    // The stream died between cutting a batch and recording that the
    // batch's own journal was written: that journal tells.
    const std::string tag = std::to_string(buffer.id) + ":" + std::to_string(buffer.taking->seq);
    const auto listing = sp.list();
    bool journalled = false;
    for (const auto* group : {&listing.pending, &listing.failed})
      for (const auto& e : *group) journalled = journalled || e.record.batch_of == tag;
    if (!journalled) body = buffer.taking->batch + (body.empty() ? "" : "\n" + body);
  }
  message::trim_end(body);
  if (message::is_blank(body)) return std::nullopt;
  return body;
}

}  // namespace notify::app
