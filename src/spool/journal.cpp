#include "spool/journal.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "core/base64.hpp"

namespace notify::spool {

namespace {

using nlohmann::json;

constexpr int kVersion = 2;

// Thrown inside decoding for content nlohmann accepts but we do not.
struct BadRecord {};

std::string dump_line(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

json draft_json(const Draft& d) {
  json files = json::array();
  for (const auto& f : d.files) files.push_back({{"name", f.name}, {"data", base64_encode(f.data)}});
  return {{"title", d.title},       {"body", d.body},         {"code", d.code},
          {"code_lang", d.code_lang}, {"markdown", d.markdown}, {"silent", d.silent},
          {"username", d.username}, {"icon", d.icon},         {"channel", d.channel},
          {"max_parts", d.max_parts}, {"files", files},
          {"priority", d.priority ? json(to_string(*d.priority)) : json()},
          {"notice", d.notice}};
}

Draft draft_from(const json& j) {
  Draft d;
  d.title = j.value("title", "");
  d.body = j.at("body").get<std::string>();
  d.code = j.value("code", false);
  d.code_lang = j.value("code_lang", "");
  d.markdown = j.value("markdown", false);
  d.silent = j.value("silent", false);
  if (j.contains("priority") && j["priority"].is_string())
    d.priority = parse_priority(j["priority"].get<std::string>());
  d.notice = j.value("notice", false);
  d.username = j.value("username", "");
  d.icon = j.value("icon", "");
  d.channel = j.value("channel", "");
  d.max_parts = j.value("max_parts", 0);
  if (j.contains("files"))
    for (const auto& f : j.at("files")) {
      auto data = base64_decode(f.at("data").get<std::string>());
      if (!data) throw BadRecord{};
      d.files.push_back({f.at("name").get<std::string>(), std::move(*data)});
    }
  return d;
}

json plan_json(const Plan& p) {
  json j = {{"parts", p.parts}, {"fp", p.fingerprint}, {"uuids", p.uuids}};
  if (p.title) j["title"] = *p.title;
  return j;
}

Plan plan_from(const json& j) {
  Plan p;
  p.parts = j.at("parts").get<std::size_t>();
  p.fingerprint = j.value("fp", "");
  p.uuids = j.value("uuids", std::vector<std::string>{});
  if (j.contains("title") && j["title"].is_string()) p.title = j["title"].get<std::string>();
  return p;
}

// First edition: one file per message and target, no progress.
Record from_first_edition(const json& j) {
  Record r;
  r.created_unix = j.value("created_unix", std::int64_t{0});
  r.message.title = j.value("title", "");
  r.message.body = j.at("body").get<std::string>();
  r.message.code = j.value("code", false);
  r.message.code_lang = j.value("code_lang", "");
  r.message.markdown = j.value("markdown", false);
  r.message.silent = j.value("silent", false);
  r.message.username = j.value("username", "");
  r.message.icon = j.value("icon", "");
  r.message.channel = j.value("channel", "");
  const auto target = j.at("target").get<std::string>();
  if (target.empty()) throw BadRecord{};
  r.targets = {target};
  r.state[target].last_error = j.value("last_error", "");
  return r;
}

void drop_target(Record& r, const std::string& target) {
  r.targets.erase(std::remove(r.targets.begin(), r.targets.end(), target), r.targets.end());
  r.state.erase(target);
}

}  // namespace

std::string encode_record(const Record& r) {
  json state = json::object();
  for (const auto& [t, s] : r.state)
    state[t] = {{"attempts", s.attempts}, {"error", s.last_error}, {"dead", s.dead}};
  json plans = json::object();
  for (const auto& [d, p] : r.plans) plans[d] = plan_json(p);
  return dump_line({{"version", kVersion},
                    {"id", r.id},
                    {"created", r.created_unix},
                    {"config", r.config_path},
                    {"message", draft_json(r.message)},
                    {"targets", r.targets},
                    {"state", state},
                    {"plans", plans},
                    {"accepted", r.accepted},
                    {"have", r.have},
                    {"destinations", r.destinations},
                    {"accept_new", r.accept_new},
                    {"stream", r.stream_open},
                    {"taking", r.taking ? json{{"seq", r.taking->seq}, {"batch", r.taking->batch}} : json()},
                    {"batch_of", r.batch_of}});
}

std::string event_part(const std::string& destination, std::size_t part) {
  return dump_line({{"ev", "part"}, {"dest", destination}, {"part", part}});
}
std::string event_plan(const std::string& destination, const Plan& plan) {
  return dump_line({{"ev", "plan"}, {"dest", destination}, {"plan", plan_json(plan)}});
}
std::string event_destination(const std::string& destination, const std::string& identity) {
  return dump_line({{"ev", "dest"}, {"dest", destination}, {"id", identity}});
}
std::string event_done(const std::string& target, const std::string& via) {
  return dump_line({{"ev", "done"}, {"target", target}, {"via", via}});
}
std::string event_stream_text(const std::string& waiting) {
  return dump_line({{"ev", "text"}, {"body", waiting}});
}
std::string event_stream_take(std::uint64_t seq, const std::string& batch, const std::string& rest) {
  return dump_line({{"ev", "take"}, {"seq", seq}, {"batch", batch}, {"rest", rest}});
}
std::string event_stream_taken(std::uint64_t seq) {
  return dump_line({{"ev", "taken"}, {"seq", seq}});
}
std::string event_stream_seal(const std::string& body) {
  return dump_line({{"ev", "seal"}, {"body", body}});
}
std::string event_failed(const std::string& target, const TargetState& s) {
  return dump_line({{"ev", "failed"}, {"target", target}, {"attempts", s.attempts},
                    {"error", s.last_error}, {"dead", s.dead}});
}

bool apply_event(Record& r, const std::string& line) {
  auto j = json::parse(line, nullptr, false);
  if (!j.is_object()) return false;
  try {
    const auto ev = j.at("ev").get<std::string>();
    if (ev == "part") {
      const auto dest = j.at("dest").get<std::string>();
      auto& n = r.accepted[dest];
      n = std::max(n, j.at("part").get<std::size_t>() + 1);
    } else if (ev == "plan") {
      const auto dest = j.at("dest").get<std::string>();
      r.plans[dest] = plan_from(j.at("plan"));
      r.accepted.erase(dest);
    } else if (ev == "text" || ev == "take" || ev == "taken" || ev == "seal") {
      // Only an open --stream buffer has these.
      if (!r.stream_open) return false;
      if (ev == "text") {
        r.message.body = j.at("body").get<std::string>();
      } else if (ev == "take") {
        r.taking = Record::Taking{j.at("seq").get<std::uint64_t>(), j.at("batch").get<std::string>()};
        r.message.body = j.at("rest").get<std::string>();
      } else if (ev == "taken") {
        if (r.taking && r.taking->seq == j.at("seq").get<std::uint64_t>()) r.taking.reset();
      } else {
        r.message.body = j.at("body").get<std::string>();
        r.taking.reset();
        r.stream_open = false;
      }
    } else if (ev == "dest") {
      const auto dest = j.at("dest").get<std::string>();
      const auto id = j.at("id").get<std::string>();
      if (const auto it = r.destinations.find(dest); it != r.destinations.end() && it->second != id) {
        // A new place (accepted by `spool retry`) has none of the message.
        r.plans.erase(dest);
        r.accepted.erase(dest);
        r.have.erase(dest);
      }
      r.destinations[dest] = id;
      r.accept_new.erase(dest);
    } else if (ev == "done") {
      const auto target = j.at("target").get<std::string>();
      r.have.insert(j.at("via").get<std::string>());
      drop_target(r, target);
    } else if (ev == "failed") {
      auto& s = r.state[j.at("target").get<std::string>()];
      s.attempts = j.value("attempts", s.attempts);
      s.last_error = j.value("error", "");
      s.dead = j.value("dead", false);
    } else {
      return false;
    }
  } catch (const json::exception&) {
    return false;
  }
  return true;
}

std::optional<Record> decode_journal(const std::string& text) {
  const auto first_end = text.find('\n');
  auto j = json::parse(text.substr(0, first_end), nullptr, false);
  if (!j.is_object()) return std::nullopt;
  Record r;
  try {
    const int version = j.value("version", 0);
    if (version == 1) {
      try {
        return from_first_edition(j);
      } catch (const BadRecord&) {
        return std::nullopt;
      }
    }
    if (version != kVersion) return std::nullopt;
    r.id = j.at("id").get<std::uint64_t>();
    r.created_unix = j.value("created", std::int64_t{0});
    r.config_path = j.value("config", "");
    r.message = draft_from(j.at("message"));
    r.targets = j.at("targets").get<std::vector<std::string>>();
    const json state = j.value("state", json::object());
    for (const auto& [t, s] : state.items())
      r.state[t] = TargetState{s.value("attempts", 0), s.value("error", ""), s.value("dead", false)};
    const json plans = j.value("plans", json::object());
    for (const auto& [d, p] : plans.items()) r.plans[d] = plan_from(p);
    r.accepted = j.value("accepted", std::map<std::string, std::size_t>{});
    r.have = j.value("have", std::set<std::string>{});
    r.destinations = j.value("destinations", std::map<std::string, std::string>{});
    r.accept_new = j.value("accept_new", std::set<std::string>{});
    r.stream_open = j.value("stream", false);
    if (j.contains("taking") && j["taking"].is_object())
      r.taking = Record::Taking{j["taking"].at("seq").get<std::uint64_t>(),
                                j["taking"].at("batch").get<std::string>()};
    r.batch_of = j.value("batch_of", "");
  } catch (const json::exception&) {
    return std::nullopt;
  } catch (const BadRecord&) {
    return std::nullopt;
  }
  if (r.targets.empty() && r.state.empty()) return std::nullopt;
  // Events: only complete lines count; a crash mid-append leaves at most
  // the last one torn.
  std::size_t pos = first_end == std::string::npos ? text.size() : first_end + 1;
  while (pos < text.size()) {
    const auto nl = text.find('\n', pos);
    if (nl == std::string::npos) break;
    apply_event(r, text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return r;
}

}  // namespace notify::spool
