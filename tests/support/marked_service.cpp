#include "support/marked_service.hpp"

#include <optional>
#include <stdexcept>

#include "support/fake_services.hpp"
#include "support/fake_services2.hpp"

namespace notify::test {

namespace {

// The marker in the body, or in a multipart part (Discord and Telegram uploads).
std::optional<std::string> find_marker(const Recorded& r, const std::regex& pattern) {
  std::smatch m;
  if (std::regex_search(r.body, m, pattern)) return m.str();
  for (const auto& part : r.parts)
    if (std::regex_search(part.content, m, pattern)) return m.str();
  return std::nullopt;
}

Handler handler_of(const std::string& kind) {
  if (kind == "slack") return FakeSlack().handler();
  if (kind == "ntfy") return FakeNtfy().handler();
  return service_handler(kind);
}

}  // namespace

std::string_view fault_name(Fault f) {
  switch (f) {
    case Fault::http_500: return "500";
    case Fault::http_429_after_1s: return "429/1s";
    case Fault::drop: return "drop";
    case Fault::accept_then_drop: return "accept+drop";
  }
  return "?";
}

MarkedService::MarkedService(std::string kind, std::string marker_pattern)
    : kind_(std::move(kind)), marker_(marker_pattern), service_(handler_of(kind_)) {}

void MarkedService::install(FakeServer& server) {
  server.set_handler([this](const Recorded& r) { return answer(r); });
}

void MarkedService::plan(const std::string& marker, std::vector<Fault> faults) {
  std::lock_guard lock(mutex_);
  pending_[marker] = std::move(faults);
}

void MarkedService::delay_accepted(std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  accepted_delay_ = delay;
}

void MarkedService::observe(std::function<void(const std::string&)> observer) {
  std::lock_guard lock(mutex_);
  observer_ = std::move(observer);
}

MarkerCounts MarkedService::counts(const std::string& marker) const {
  std::lock_guard lock(mutex_);
  const auto it = counts_.find(marker);
  return it == counts_.end() ? MarkerCounts{} : it->second;
}

int MarkedService::unmarked() const {
  std::lock_guard lock(mutex_);
  return unmarked_;
}

Reply MarkedService::fault_reply(Fault f) const {
  switch (f) {
    case Fault::http_500: return server_error(500);
    case Fault::drop:
    case Fault::accept_then_drop: return dropped_reply();
    case Fault::http_429_after_1s:
      if (kind_ == "telegram") return telegram_429(1);
      if (kind_ == "discord") return discord_429(1.0);
      if (kind_ == "mattermost") return mattermost_429(1);
      if (kind_ == "slack") return slack_429(1);
      if (kind_ == "ntfy") return ntfy_429(1);
      {
        // LINE's own 429 has no Retry-After; the trials want the same wait everywhere.
        Reply r = line_429();
        r.headers.emplace_back("Retry-After", "1");
        return r;
      }
  }
  throw std::logic_error("unknown fault");
}

Reply MarkedService::answer(const Recorded& r) {
  const auto marker = find_marker(r, marker_);
  Reply reply = answer_counting(r, marker);
  std::function<void(const std::string&)> observer;
  {
    std::lock_guard lock(mutex_);
    observer = observer_;
  }
  if (marker && observer) observer(*marker);
  return reply;
}

Reply MarkedService::answer_counting(const Recorded& r, const std::optional<std::string>& marker) {
  std::lock_guard lock(mutex_);
  if (!marker) {
    ++unmarked_;
    return service_(r);
  }
  MarkerCounts& c = counts_[*marker];
  ++c.requests;
  auto& faults = pending_[*marker];
  if (!faults.empty()) {
    const Fault f = faults.front();
    faults.erase(faults.begin());
    ++c.faults;
    if (f == Fault::accept_then_drop) {
      const Reply acted = service_(r);
      if (acted.status >= 200 && acted.status < 300) ++c.accepted;
    }
    return fault_reply(f);
  }
  // The service handler decides what "accepted" means: LINE answers a repeated retry
  // key with 409, which is not a second delivery.
  Reply reply = service_(r);
  if (reply.status >= 200 && reply.status < 300) {
    ++c.accepted;
    reply.delay = accepted_delay_;
  }
  return reply;
}

}  // namespace notify::test
