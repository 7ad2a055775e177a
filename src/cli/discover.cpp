// telegram discover: which chats can this bot reach?

#include "cli/discover.hpp"

#include <unistd.h>

#include <array>

#include <nlohmann/json.hpp>

#include "cli/prompt.hpp"
#include "message/remote.hpp"
#include "transport/sync.hpp"
#include "services/registry.hpp"

namespace notify::cli {

Result<std::string> read_secret_arg(Session& s, const std::string& value,
                                    const std::string& question, Prompter* prompter) {
  if (value != "-") return value;
  if (s.world.is_terminal(s.world.in_fd)) {
    std::optional<Prompter> own;
    if (!prompter) prompter = &own.emplace(s.world.in_fd, *s.world.err, "notify: interrupted\n");
    auto a = prompter->ask(question, true);
    if (!a || a->empty()) return make_error(ErrorKind::usage, "no value was typed");
    return *a;
  }
  std::string line;
  char c;
  while (::read(s.world.in_fd, &c, 1) == 1 && c != '\n') line += c;
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  if (line.empty()) return make_error(ErrorKind::usage, "expected a value on standard input");
  return line;
}

Result<std::vector<services::ChatRow>> fetch_chats(Session& s, const std::string& token,
                                                   const std::string& api_base, int wait_s) {
  s.masker.add(token);
  auto http = s.world.make_http();
  HttpRequest req;
  req.method = "GET";
  req.url = api_base + "/bot" + token + "/getUpdates?timeout=" + std::to_string(wait_s);
  RequestOptions ro;
  ro.timeout = std::chrono::seconds(wait_s + 15);
  auto r = perform(*http, req, ro);
  if (r.error != TransportError::none)
    return make_error(ErrorKind::delivery, "cannot reach " + api_base + ": " + r.error_text);
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  // Everything Telegram (or whatever answers at api_base) says is printed
  // without controls, and a proxy's HTML page as its status line.
  std::string desc = j.is_object() && j.contains("description") && j["description"].is_string()
                         ? message::printable_remote(j["description"].get<std::string>())
                         : message::remote_error_text(r.status, r.header("content-type").value_or(""),
                                                      r.body);
  if (r.status == 401 || r.status == 404)
    return make_error(ErrorKind::delivery,
                      "Telegram rejected the bot token (" + desc +
                          "); copy it again from @BotFather (/mybots, API Token)");
  if (r.status == 409)
    return make_error(ErrorKind::delivery,
                      "a webhook is set on this bot, so Telegram will not answer getUpdates (" +
                          desc + "). Remove it with deleteWebhook, e.g. `curl " + api_base +
                          "/bot<TOKEN>/deleteWebhook` (whatever receives that webhook stops "
                          "getting updates), or give chat_id by hand");
  auto rows = services::parse_updates(r.body);
  if (!rows)
    return make_error(ErrorKind::delivery, "unexpected reply from getUpdates (HTTP " +
                                               std::to_string(r.status) + "): " + desc);
  // Chat titles and message texts are anyone's words: a title holding ESC
  // sequences or bidi overrides must not rewrite the table or the terminal.
  for (auto& row : *rows) {
    row.chat_id = message::printable_remote(row.chat_id);
    row.type = message::printable_remote(row.type);
    row.title = message::printable_remote(row.title);
    row.last = message::printable_remote(row.last);
  }
  return *rows;
}

std::string chat_table(const std::vector<services::ChatRow>& rows) {
  std::vector<std::array<std::string, 5>> cells = {{"CHAT_ID", "TYPE", "TITLE", "TOPIC", "LAST MESSAGE"}};
  for (const auto& r : rows)
    cells.push_back({r.chat_id, r.type, services::one_line(r.title, 30),
                     r.topic_id ? std::to_string(*r.topic_id) : "-",
                     services::one_line(r.last, 40)});
  std::array<std::size_t, 5> width{};
  auto cps = [](const std::string& t) {
    std::size_t n = 0;
    for (unsigned char c : t) n += (c & 0xC0) != 0x80;
    return n;
  };
  for (const auto& row : cells)
    for (std::size_t i = 0; i < 5; ++i) width[i] = std::max(width[i], cps(row[i]));
  std::string out;
  for (const auto& row : cells) {
    std::string line;
    for (std::size_t i = 0; i < 5; ++i) {
      line += row[i];
      if (i < 4) line += std::string(width[i] - cps(row[i]) + 2, ' ');
    }
    out += line + "\n";
  }
  return out;
}

int cmd_discover(Session& s) {
  std::string token, api_base = s.options.discover().api_base.value_or(services::default_of("telegram", "api_base"));
  const std::string in_file = s.config.path.empty() ? "" : " in " + s.config.path;
  std::string profile = s.options.discover().profile;
  if (!s.options.discover().token && profile.empty()) {
    // The only Telegram profile is the one meant; of several, none is.
    std::vector<std::string> telegram;
    for (const auto& [name, p] : s.config.profiles)
      if (p.type == "telegram") telegram.push_back(name);
    if (telegram.size() != 1) {
      std::string names;
      for (const auto& n : telegram) names += (names.empty() ? "" : ", ") + n;
      s.error((telegram.empty() ? "no Telegram profile" + in_file
                                : "several Telegram profiles" + in_file + " (" + names + ")") +
              ": give --profile NAME or --token TOKEN (--token - reads it from standard input)");
      return kExitUsage;
    }
    profile = telegram.front();
  }
  if (s.options.discover().token) {
    auto t = read_secret_arg(s, *s.options.discover().token, "Telegram bot token");
    if (!t) {
      s.error("--token: " + t.error().message);
      return kExitUsage;
    }
    token = *t;
  } else {
    auto it = s.config.profiles.find(profile);
    if (it == s.config.profiles.end() || it->second.type != "telegram") {
      s.error("no Telegram profile '" + profile + "'" + in_file);
      return kExitUsage;
    }
    if (auto r = s.resolve(it->second); !r) {
      s.error(r.error().message);
      return kExitUsage;
    }
    token = it->second.secret("token");
    if (!s.options.discover().api_base) api_base = it->second.text("api_base");
  }
  auto rows = fetch_chats(s, token, api_base, 0);
  if (!rows) {
    s.error(rows.error().message);
    return kExitNotDelivered;
  }
  if (s.options.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& r : *rows)
      j.push_back({{"chat_id", r.chat_id}, {"type", r.type}, {"title", r.title},
                   {"topic_id", r.topic_id ? nlohmann::json(*r.topic_id) : nlohmann::json()},
                   {"last_message", r.last}});
    s.out(j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  } else if (!rows->empty()) {
    s.out(chat_table(*rows));
  }
  if (rows->empty()) {
    s.info("no chats yet: Telegram keeps a bot's updates for 24 hours and there are none. "
           "Send your bot a message (private chat), or add it to a group and send a "
           "message there (with privacy mode on, a group message must mention the bot "
           "or be a /command), or make it an admin of a channel; then run this again.");
  } else {
    s.info("use the CHAT_ID as chat_id (and TOPIC as thread_id) in the profile");
  }
  return kExitOk;
}

}  // namespace notify::cli
