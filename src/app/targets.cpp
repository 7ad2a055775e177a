#include "app/targets.hpp"

#include <algorithm>
#include <set>

#include "app/attachments.hpp"
#include "services/parts.hpp"
#include "services/registry.hpp"

namespace notify::app {

config::Profile effective(const config::Profile& p, const Overrides& o) {
  config::Profile e = p;
  if (o.timeout_s) e.timeout_s = *o.timeout_s;
  if (o.retries) e.retries = *o.retries;
  if (o.max_parts) e.max_parts = *o.max_parts;
  return e;
}

namespace {

// A profile that skips `draft` (when one is given) is passed over with the
// fallbacks it would bring.
void chain(const config::Config& cfg, const std::string& name, const Draft* draft,
           std::vector<std::string>& out, std::set<std::string>& seen) {
  auto it = cfg.profiles.find(name);
  if (it == cfg.profiles.end() || seen.count(name)) return;
  if (draft && !skip_reason(it->second, *draft).empty()) return;
  seen.insert(name);
  out.push_back(name);
  for (const auto& f : it->second.fallback) chain(cfg, f, draft, out, seen);
}

std::vector<std::string> chain_from(const config::Config& cfg, const std::string& target,
                                    const Draft* draft) {
  std::vector<std::string> c;
  std::set<std::string> seen;
  chain(cfg, target, draft, c, seen);
  return c;
}

constexpr std::string_view kNotice = "new message";
constexpr std::string_view kNoticeWhere = " (full text: ";

}  // namespace

std::vector<std::string> chain_of(const config::Config& cfg, const std::string& target) {
  return chain_from(cfg, target, nullptr);
}

std::vector<std::string> reachable(const config::Config& cfg,
                                   const std::vector<std::string>& targets) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& t : targets)
    for (auto& n : chain_of(cfg, t))
      if (seen.insert(n).second) out.push_back(std::move(n));
  return out;
}

Priority level_for(const config::Profile& p, const Draft& d) {
  return d.priority   ? *d.priority
         : d.silent   ? Priority::low
         : p.priority ? *p.priority
         : p.silent   ? Priority::low
                      : Priority::normal;
}

std::string skip_reason(const config::Profile& p, const Draft& d) {
  const Priority level = level_for(p, d);
  if (level >= p.min_priority) return {};
  return std::string("priority ") + to_string(level) + " is below its min_priority " +
         to_string(p.min_priority);
}

std::vector<std::string> chain_of(const config::Config& cfg, const std::string& target,
                                  const Draft& draft) {
  return chain_from(cfg, target, &draft);
}

std::vector<std::string> kept_targets(const config::Config& cfg,
                                      const std::vector<std::string>& targets, const Draft& draft) {
  std::vector<std::string> out;
  for (const auto& t : targets) {
    const auto it = cfg.profiles.find(t);
    if (it != cfg.profiles.end() && (!it->second.spool || !skip_reason(it->second, draft).empty()))
      continue;
    out.push_back(t);
  }
  return out;
}

std::vector<std::string> full_text_targets(const config::Config& cfg,
                                           const std::vector<std::string>& targets,
                                           const Draft& draft) {
  std::vector<std::string> out;
  for (const auto& t : targets) {
    const auto it = cfg.profiles.find(t);
    if (it != cfg.profiles.end() && !it->second.notice_only && skip_reason(it->second, draft).empty())
      out.push_back(t);
  }
  return out;
}

Draft notice_of(const Draft& d, const std::vector<std::string>& full_text_at) {
  Draft n;
  n.title = d.title;
  n.body = std::string(kNotice);
  if (!full_text_at.empty()) {
    n.body += kNoticeWhere;
    for (std::size_t i = 0; i < full_text_at.size(); ++i)
      n.body += (i ? ", " : "") + full_text_at[i];
    n.body += ")";
  }
  // How loudly and as whom it arrives; the text's own shape (code,
  // markdown) is the text's, and the text is not here.
  n.silent = d.silent;
  n.priority = d.priority;
  n.username = d.username;
  n.icon = d.icon;
  n.channel = d.channel;
  n.notice = true;
  n.key = d.key;
  n.anchors = d.anchors;  // the board stays one message, notice or not
  return n;
}

bool is_notice(const Draft& d) { return d.notice; }

services::Message message_for(const config::Profile& p, const Draft& d) {
  services::Message m;
  m.title = d.title;
  m.body = d.body;
  // --markdown on the command line wins over a profile's `code = true`.
  m.markdown = d.markdown;
  m.code = !d.markdown && (d.code || p.code);
  m.code_lang = !d.code_lang.empty() ? d.code_lang : p.code_lang;
  // The command line's level, else the profile's; silent is low.
  m.priority = level_for(p, d);
  m.silent = m.priority == Priority::low;
  if (m.priority == Priority::urgent) m.urgent_mentions = p.urgent_mentions;
  // Presentation keys a service declares under these shared names.
  m.username = d.username.empty() ? p.text("username") : d.username;
  m.channel = d.channel.empty() ? p.text("channel") : d.channel;
  m.icon_url = p.text("icon_url");
  m.icon_emoji = p.text("icon_emoji");
  // ":bell:" as well as "bell", as Mattermost and Slack themselves take it.
  if (m.icon_emoji.size() > 2 && m.icon_emoji.front() == ':' && m.icon_emoji.back() == ':')
    m.icon_emoji = m.icon_emoji.substr(1, m.icon_emoji.size() - 2);
  const auto& icon = d.icon;
  if (icon.size() > 2 && icon.front() == ':' && icon.back() == ':') {
    m.icon_emoji = icon.substr(1, icon.size() - 2);
    m.icon_url.clear();
  } else if (!icon.empty()) {
    m.icon_url = icon;
    m.icon_emoji.clear();
  }
  m.max_parts = d.max_parts > 0 ? d.max_parts : p.max_parts;
  // What it cannot carry is named at the end of the text, where a capped
  // message keeps its tail.
  const auto fit = fit_files(p, d.files);
  for (const auto i : fit.carried) m.files.push_back(d.files[i]);
  if (!fit.note.empty()) m.body += (m.body.empty() ? "" : "\n") + fit.note;
  m.key = d.key;
  if (const auto a = d.anchors.find(p.name); a != d.anchors.end()) {
    m.edit_ids = a->second.edit;
    m.reply_to = a->second.reply_to;
  }
  m.beat = d.beat;
  return m;
}

PartShape strictest_part(const config::Config& cfg, const std::vector<std::string>& targets,
                         const Draft& draft, const Overrides& o) {
  PartShape shape{0, 0};
  for (const auto& n : reachable(cfg, targets)) {
    auto p = effective(cfg.profiles.at(n), o);
    auto units = services::make_service(p)->one_part_text(message_for(p, draft));
    // The batcher counts UTF-16 units (stream/batcher.cpp); a unit of text
    // is at most 3 bytes of UTF-8 (a pair of them, 4).
    if (services::service_of(p).schema.unit == message::Unit::bytes) units /= 3;
    if (shape.units == 0 || units < shape.units) shape.units = units;
    if (shape.max_parts == 0 || p.max_parts < shape.max_parts) shape.max_parts = p.max_parts;
  }
  shape.max_parts = std::max(shape.max_parts, 1);
  return shape;
}

std::size_t input_budget(const config::Config& cfg, const std::vector<std::string>& targets,
                         const Overrides& o) {
  std::size_t budget = 0;
  for (const auto& n : reachable(cfg, targets))
    budget = std::max(budget, services::input_units(effective(cfg.profiles.at(n), o)));
  return budget;
}

}  // namespace notify::app
