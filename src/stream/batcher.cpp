#include "stream/batcher.hpp"

#include <algorithm>

#include "message/split.hpp"

namespace notify::stream {

namespace {

// Counted in UTF-16 units, the larger of the two units services use, so a
// message that fits here fits every service's limit.
std::size_t units_of(std::string_view text) {
  return message::length_in(text, message::Unit::utf16) + 1;
}

}  // namespace

std::string Batcher::skip_note(std::size_t lines) {
  return "[... " + std::to_string(lines) + (lines == 1 ? " line" : " lines") + " skipped ...]";
}

void Batcher::add_line(std::string_view line, Clock::time_point now) {
  const std::size_t cost = units_of(line);
  // Once a skip run starts it lasts until its note is taken, so the gap is
  // one block under one note, not lines dotted with notes.
  if (!skipping_ && !waiting_.empty() && units_ + cost > limits_.held_units) {
    Entry note{"", true, 0, units_of(skip_note(1000000)), now};
    units_ += note.units;
    waiting_.push_back(std::move(note));
    skipping_ = true;
    tail_lines_ = tail_units_ = 0;
  }
  if (skipping_) {
    // The note sits right before the tail; the tail's oldest line follows it.
    while (tail_lines_ > 0 && tail_units_ + cost > limits_.part_units) {
      const auto note = waiting_.end() - static_cast<std::ptrdiff_t>(tail_lines_) - 1;
      const auto oldest = note + 1;
      tail_units_ -= oldest->units;
      units_ -= oldest->units;
      --tail_lines_;
      ++note->skipped;
      ++skipped_total_;
      waiting_.erase(oldest);
    }
    ++tail_lines_;
    tail_units_ += cost;
  }
  units_ += cost;
  waiting_.push_back(Entry{std::string(line), false, 0, cost, now});
}

std::optional<Clock::time_point> Batcher::due() const {
  if (waiting_.empty()) return std::nullopt;
  Clock::time_point t = ended_ || units_ >= limits_.part_units
                            ? waiting_.front().arrival
                            : waiting_.front().arrival + limits_.interval;
  if (last_take_) t = std::max(t, *last_take_ + limits_.min_gap);
  return t;
}

void Batcher::pop_front_into(std::string& out) {
  Entry& e = waiting_.front();
  // At most one note waits at a time, so this one is the open run's.
  if (e.note) skipping_ = false;
  // A note whose tail never overflowed stands for nothing.
  if (!e.note || e.skipped > 0) {
    if (!out.empty()) out += '\n';
    out += e.note ? skip_note(e.skipped) : e.text;
  }
  units_ -= e.units;
  waiting_.pop_front();
}

std::string Batcher::take(Clock::time_point now) {
  std::string out;
  std::size_t taken = 0;
  while (!waiting_.empty() &&
         (taken == 0 || taken + waiting_.front().units <= limits_.part_units)) {
    taken += waiting_.front().units;
    pop_front_into(out);
  }
  last_take_ = now;
  return out;
}

std::string Batcher::peek_all() const {
  std::string out;
  for (const auto& e : waiting_) {
    if (e.note && e.skipped == 0) continue;
    if (!out.empty()) out += '\n';
    out += e.note ? skip_note(e.skipped) : e.text;
  }
  return out;
}

std::string Batcher::take_all() {
  std::string out;
  while (!waiting_.empty()) pop_front_into(out);
  skipping_ = false;
  return out;
}

}  // namespace notify::stream
