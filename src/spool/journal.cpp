#include "spool/journal.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base64.hpp"

namespace notify::spool {

namespace {

using nlohmann::json;

constexpr int kVersion = 3;

// Thrown inside decoding for content nlohmann accepts but we do not.
struct BadRecord {};

std::string dump_line(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

const char* beat_word(Beat::Kind kind) {
  switch (kind) {
    case Beat::Kind::success: return "success";
    case Beat::Kind::fail: return "fail";
    case Beat::Kind::start: return "start";
    case Beat::Kind::exit: return "exit";
  }
  return "success";
}

Beat beat_from(const json& j) {
  Beat b;
  const auto kind = j.value("kind", "success");
  if (kind == "fail") b.kind = Beat::Kind::fail;
  else if (kind == "start") b.kind = Beat::Kind::start;
  else if (kind == "exit") b.kind = Beat::Kind::exit;
  else if (kind != "success") throw BadRecord{};
  b.exit_status = j.value("exit_status", 0);
  b.run_id = j.value("run_id", "");
  b.duration_ms = j.value("duration_ms", std::int64_t{-1});
  b.body_limit = j.value("body_limit", std::size_t{0});
  return b;
}

json draft_json(const Draft& d) {
  json files = json::array();
  for (const auto& f : d.files) {
    json file = {{"name", f.name}, {"data", base64_encode(f.data)}};
    if (f.withheld_size) file["withheld_size"] = *f.withheld_size;
    files.push_back(std::move(file));
  }
  json j = {{"title", d.title},       {"body", d.body},         {"code", d.code},
            {"code_lang", d.code_lang}, {"markdown", d.markdown}, {"silent", d.silent},
            {"username", d.username}, {"icon", d.icon},         {"channel", d.channel},
            {"max_parts", d.max_parts}, {"files", files},
            {"priority", d.priority ? json(to_string(*d.priority)) : json()},
            {"notice", d.notice}};
  if (!d.key.empty()) j["key"] = d.key;  // only when set: older journals read as before
  // Only when there are any: a journal without them reads as before.
  if (!d.anchors.empty()) {
    json anchors = json::object();
    for (const auto& [profile, a] : d.anchors)
      anchors[profile] = {{"edit", a.edit}, {"reply_to", a.reply_to}, {"key", a.key},
                          {"keep_ids", a.keep_ids}, {"keep_thread", a.keep_thread}};
    j["anchors"] = std::move(anchors);
  }
  if (!d.beat.plain())
    j["beat"] = {{"kind", beat_word(d.beat.kind)}, {"exit_status", d.beat.exit_status},
                 {"run_id", d.beat.run_id}, {"duration_ms", d.beat.duration_ms},
                 {"body_limit", d.beat.body_limit}};
  return j;
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
  d.key = j.value("key", "");
  if (j.contains("files"))
    for (const auto& f : j.at("files")) {
      auto data = base64_decode(f.at("data").get<std::string>());
      if (!data) throw BadRecord{};
      Attachment file{f.at("name").get<std::string>(), std::move(*data), std::nullopt};
      if (f.contains("withheld_size")) file.withheld_size = f.at("withheld_size").get<std::uint64_t>();
      d.files.push_back(std::move(file));
    }
  if (j.contains("anchors"))
    for (const auto& [profile, a] : j.at("anchors").items()) {
      Anchor anchor;
      anchor.edit = a.at("edit").get<std::vector<std::string>>();
      anchor.reply_to = a.at("reply_to").get<std::string>();
      anchor.key = a.value("key", "");
      anchor.keep_ids = a.value("keep_ids", false);
      anchor.keep_thread = a.value("keep_thread", false);
      d.anchors[profile] = std::move(anchor);
    }
  if (j.contains("beat")) d.beat = beat_from(j.at("beat"));
  return d;
}

json plan_json(const Plan& p) {
  json j = {{"parts", p.parts}, {"fp", p.fingerprint}, {"uuids", p.uuids}};
  if (p.title) j["title"] = *p.title;
  if (p.lookup) j["lookup"] = *p.lookup;
  return j;
}

Plan plan_from(const json& j) {
  Plan p;
  p.parts = j.at("parts").get<std::size_t>();
  p.fingerprint = j.value("fp", "");
  p.uuids = j.value("uuids", std::vector<std::string>{});
  if (j.contains("title") && j["title"].is_string()) p.title = j["title"].get<std::string>();
  if (j.contains("lookup") && j["lookup"].is_string()) p.lookup = j["lookup"].get<std::string>();
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

bool has_target(const Record& r, const std::string& target) {
  return std::find(r.targets.begin(), r.targets.end(), target) != r.targets.end();
}

// The head line: what makes a file a journal of this edition.
json head_json() { return {{"journal", "notify"}, {"version", kVersion}}; }

bool is_head(const json& j) {
  return j.is_object() && j.size() == 2 && j.contains("journal") && j["journal"] == "notify" &&
         j.contains("version") && j["version"].is_number_integer() && j["version"] == kVersion;
}

// Accepts any JSON so far: only where the parse stopped matters.
struct PrefixSax {
  std::size_t stopped_at = 0;
  bool null() { return true; }
  bool boolean(bool) { return true; }
  bool number_integer(json::number_integer_t) { return true; }
  bool number_unsigned(json::number_unsigned_t) { return true; }
  bool number_float(json::number_float_t, const std::string&) { return true; }
  bool string(std::string&) { return true; }
  bool binary(json::binary_t&) { return true; }
  bool start_object(std::size_t) { return true; }
  bool key(std::string&) { return true; }
  bool end_object() { return true; }
  bool start_array(std::size_t) { return true; }
  bool end_array() { return true; }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) {
    stopped_at = position;
    return false;
  }
};

// Whether `start` is the beginning of a well-formed JSON text: the parse
// fails only where the input runs out.
bool well_formed_so_far(std::string_view start) {
  PrefixSax sax;
  if (json::sax_parse(start.begin(), start.end(), &sax, json::input_format_t::json, false))
    return true;
  return sax.stopped_at > start.size();  // the end of input was read
}

// The record line of an earlier edition: version 1 (one target, no
// progress) or 2.
bool is_legacy_record(const json& j) {
  if (!j.is_object() || !j.contains("version") || !j["version"].is_number_integer()) return false;
  const auto v = j["version"].get<int>();
  return (v == 1 && j.contains("target")) || (v == 2 && j.contains("targets"));
}

std::string quoted(const std::string& name) { return "'" + name + "'"; }

// Progress claimed by the record line itself must fit its plans too.
void check_accepted(Record& r, std::vector<std::string>& problems) {
  for (auto it = r.accepted.begin(); it != r.accepted.end();) {
    const auto plan = r.plans.find(it->first);
    std::string problem;
    if (plan == r.plans.end())
      problem = "the record counts " + std::to_string(it->second) + " part(s) of " +
                quoted(it->first) + ", which has no plan";
    else if (it->second > plan->second.parts)
      problem = "the record counts " + std::to_string(it->second) + " part(s) of " +
                quoted(it->first) + ", whose plan has " + std::to_string(plan->second.parts);
    if (problem.empty()) {
      ++it;
      continue;
    }
    problems.push_back(std::move(problem));
    it = r.accepted.erase(it);  // how far it got cannot be known: all of it again
  }
}

const std::string kNotAnEvent = "not a journal event";

// Applies one parsed event; `count_parts` false once progress cannot be
// known (part events are then read but not counted).
std::string apply_parsed(Record& r, const json& j, bool count_parts) {
  if (!j.is_object() || !j.contains("ev") || !j["ev"].is_string()) return kNotAnEvent;
  try {
    const auto ev = j.at("ev").get<std::string>();
    if (ev == "part") {
      const auto dest = j.at("dest").get<std::string>();
      const json& part = j.at("part");
      if (!part.is_number_integer() || part.get<std::int64_t>() < 0)
        return "part " + part.dump() + " of " + quoted(dest) + " is not a part number";
      const auto k = part.get<std::size_t>();
      const auto plan = r.plans.find(dest);
      if (plan == r.plans.end())
        return "part " + std::to_string(k) + " of " + quoted(dest) + ", which has no plan";
      if (k >= plan->second.parts)
        return "part " + std::to_string(k) + " of " + quoted(dest) + ", whose plan has " +
               std::to_string(plan->second.parts) + " part(s), numbered from 0";
      if (!count_parts) return {};
      // Parts go out in order, one after the other: a number past the next
      // one says a part was skipped, which the journal cannot prove.
      auto& n = r.accepted[dest];
      if (k > n)
        return "part " + std::to_string(k) + " of " + quoted(dest) + " before part " +
               std::to_string(n) + " was recorded";
      n = std::max(n, k + 1);
    } else if (ev == "plan") {
      const auto dest = j.at("dest").get<std::string>();
      r.plans[dest] = plan_from(j.at("plan"));
      r.accepted.erase(dest);
    } else if (ev == "text" || ev == "take" || ev == "taken" || ev == "seal") {
      if (!r.stream_open) return ev + " in a message that is not an open --stream buffer";
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
      const auto via = j.at("via").get<std::string>();
      if (!has_target(r, target))
        return "done for " + quoted(target) + ", which is not a target of this message";
      // "" is a target that now skips the message: nothing was sent.
      if (!via.empty() && !r.have.count(via)) {
        const auto plan = r.plans.find(via);
        if (plan == r.plans.end())
          return "done for " + quoted(target) + " via " + quoted(via) + ", which has no plan";
        const auto got = r.accepted.count(via) ? r.accepted.at(via) : 0;
        if (got < plan->second.parts)
          return "done for " + quoted(target) + " via " + quoted(via) + " after " +
                 std::to_string(got) + " of its " + std::to_string(plan->second.parts) +
                 " part(s)";
      }
      if (!via.empty()) r.have.insert(via);
      drop_target(r, target);
    } else if (ev == "failed") {
      const auto target = j.at("target").get<std::string>();
      if (!has_target(r, target))
        return "failed for " + quoted(target) + ", which is not a target of this message";
      auto& s = r.state[target];
      s.attempts = j.value("attempts", s.attempts);
      s.last_error = j.value("error", "");
      s.dead = j.value("dead", false);
    } else {
      return kNotAnEvent;
    }
  } catch (const json::exception&) {
    return kNotAnEvent;
  }
  return {};
}

// The record from its line; nullopt when it is not one.
std::optional<Record> record_from(const json& j, int version) {
  Record r;
  try {
    if (version == 1) return from_first_edition(j);
    r.id = j.at("id").get<std::uint64_t>();
    r.created_unix = j.value("created", std::int64_t{0});
    r.message = draft_from(j.at("message"));
    r.targets = j.at("targets").get<std::vector<std::string>>();
    const json state = j.value("state", json::object());
    for (const auto& [t, s] : state.items())
      r.state[t] = TargetState{s.value("attempts", 0), s.value("error", ""), s.value("dead", false)};
    const json plans = j.value("plans", json::object());
    for (const auto& [d, p] : plans.items()) r.plans[d] = plan_from(p);
    r.accepted = j.value("accepted", std::map<std::string, std::size_t>{});
    r.have = j.value("have", std::set<std::string>{});
    r.config_path = j.value("config", "");
    r.destinations = j.value("destinations", std::map<std::string, std::string>{});
    r.accept_new = j.value("accept_new", std::set<std::string>{});
    r.stream_open = j.value("stream", false);
    if (j.contains("taking") && j["taking"].is_object())
      r.taking = Record::Taking{j["taking"].at("seq").get<std::uint64_t>(),
                                j["taking"].at("batch").get<std::string>()};
    r.batch_of = j.value("batch_of", "");
    r.due_unix = j.value("due", std::int64_t{0});
    if (j.contains("summary") && j["summary"].is_object())
      r.summary = Record::AlertSummary{j["summary"].at("key").get<std::string>(),
                                       j["summary"].value("cooldown", std::int64_t{0})};
    if (j.contains("quiet") && j["quiet"].is_object())
      r.quiet = Record::QuietHold{j["quiet"].at("window").get<std::string>()};
    r.digest_of = j.value("digest_of", std::vector<std::uint64_t>{});
  } catch (const json::exception&) {
    return std::nullopt;
  } catch (const BadRecord&) {
    return std::nullopt;
  }
  if (r.targets.empty() && r.state.empty()) return std::nullopt;
  return r;
}

}  // namespace

bool recognised(std::string_view start, bool whole) {
  const auto nl = start.find('\n');
  if (nl == std::string_view::npos && !whole) {
    // An earlier edition's record line, longer than what is read here.
    for (const std::string_view first_key : {std::string_view(R"({"accepted":{)"),
                                              std::string_view(R"({"body":")")})
      if (start.substr(0, first_key.size()) == first_key) return well_formed_so_far(start);
    return false;
  }
  const auto j = json::parse(start.substr(0, nl), nullptr, false);
  return is_head(j) || is_legacy_record(j);
}

std::string encode_record(const Record& r) {
  json state = json::object();
  for (const auto& [t, s] : r.state)
    state[t] = {{"attempts", s.attempts}, {"error", s.last_error}, {"dead", s.dead}};
  json plans = json::object();
  for (const auto& [d, p] : r.plans) plans[d] = plan_json(p);
  json line = {{"version", kVersion},
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
                    {"batch_of", r.batch_of}};
  // Written only when set: a journal without them reads as before.
  if (r.due_unix) line["due"] = r.due_unix;
  if (r.summary) line["summary"] = {{"key", r.summary->key}, {"cooldown", r.summary->cooldown}};
  if (r.quiet) line["quiet"] = {{"window", r.quiet->window}};
  if (!r.digest_of.empty()) line["digest_of"] = r.digest_of;
  return dump_line(head_json()) + dump_line(line);
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

std::string apply_event(Record& r, const std::string& line) {
  return apply_parsed(r, json::parse(line, nullptr, false), true);
}

std::optional<Record> decode_journal(const std::string& text) {
  auto line_end = [&text](std::size_t from) { return text.find('\n', from); };
  const auto first_end = line_end(0);
  const auto first = json::parse(text.substr(0, first_end), nullptr, false);
  std::optional<Record> r;
  std::size_t pos = 0;  // where the events start
  int line = 1;         // the record's line number
  if (is_head(first)) {
    // This edition: the record line must be complete (a torn one is not
    // a record, even when what was written happens to parse).
    if (first_end == std::string::npos) return std::nullopt;
    const auto record_end = line_end(first_end + 1);
    if (record_end == std::string::npos) return std::nullopt;
    const auto j = json::parse(text.substr(first_end + 1, record_end - first_end - 1), nullptr, false);
    if (!j.is_object() || !j.contains("version") || j["version"] != kVersion) return std::nullopt;
    r = record_from(j, kVersion);
    pos = record_end + 1;
    line = 2;
  } else if (is_legacy_record(first)) {
    r = record_from(first, first["version"].get<int>());
    pos = first_end == std::string::npos ? text.size() : first_end + 1;
  }
  if (!r) return std::nullopt;

  std::vector<std::string> problems;  // each with its line
  std::vector<std::string> in_record;
  check_accepted(*r, in_record);
  for (auto& p : in_record) problems.push_back("line " + std::to_string(line) + ": " + p);
  // Events: only complete lines count; a crash mid-append leaves at most
  // the last one torn, and that is not damage.
  bool progress_known = true;
  while (pos < text.size()) {
    const auto nl = line_end(pos);
    if (nl == std::string::npos) break;
    ++line;
    const auto j = json::parse(text.substr(pos, nl - pos), nullptr, false);
    auto problem = apply_parsed(*r, j, progress_known);
    if (problem == kNotAnEvent && progress_known) {
      // It may have been a plan or a part: how far each destination got
      // can no longer be told, so all of it goes again (never a part
      // skipped; LINE's retry keys, kept in the plans, still hold).
      progress_known = false;
      r->accepted.clear();
    }
    if (!problem.empty()) problems.push_back("line " + std::to_string(line) + ": " + problem);
    pos = nl + 1;
  }
  if (!problems.empty())
    r->damaged = problems.front() +
                 (problems.size() > 1 ? " (and " + std::to_string(problems.size() - 1) +
                                            " more line" + (problems.size() > 2 ? "s" : "") + ")"
                                      : "");
  return r;
}

}  // namespace notify::spool
