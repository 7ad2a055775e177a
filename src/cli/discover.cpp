// <service> discover: which chats can these credentials reach? What to ask
// and how is the service's (app/discover.hpp); this file prints.

#include "cli/discover.hpp"

#include <unistd.h>

#include <array>

#include <nlohmann/json.hpp>

#include "app/discover.hpp"
#include "cli/deliver.hpp"
#include "cli/prompt.hpp"
#include "message/one_line.hpp"

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

std::string chat_table(const std::vector<config::Chat>& rows) {
  std::vector<std::array<std::string, 5>> cells = {{"CHAT_ID", "TYPE", "TITLE", "TOPIC", "LAST MESSAGE"}};
  for (const auto& r : rows)
    cells.push_back({r.id, r.type, message::one_line(r.title, 30),
                     r.topic ? std::to_string(*r.topic) : "-", message::one_line(r.last, 40)});
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
  // The service whose word spelt the command (cli/table.hpp).
  const auto* listing = discover_service();
  if (!listing) {
    return s.fail(ErrorKind::usage, "no service can list its chats");
  }
  const config::ServiceDoc& service = *listing;
  const config::Discovery& d = *service.discovery;
  const std::string type(service.schema->type);
  const auto* server_spec = service.schema->key(d.server_key);
  std::string secret,
      server = s.options.discover().api_base.value_or(server_spec ? std::string(server_spec->fallback) : "");
  if (s.options.discover().token) {
    auto t = read_secret_arg(s, *s.options.discover().token, std::string(d.secret_question));
    if (!t) {
      return s.fail(ErrorKind::usage, "--token: " + t.error().message);
    }
    secret = *t;
  } else {
    auto name = app::discovery_profile(s.config, service, s.options.discover().profile);
    if (!name) {
      return s.fail(ErrorKind::usage, name.error().message +
              (s.options.discover().profile.empty()
                   ? ": give --profile NAME or --token TOKEN (--token - reads it from standard input)"
                   : ""));
    }
    auto& profile = s.config.profiles.at(*name);
    if (auto r = s.resolve(profile); !r) {
      return s.fail(ErrorKind::usage, r.error().message);
    }
    secret = profile.secret(d.secret_key);
    if (!s.options.discover().api_base) server = profile.text(d.server_key);
  }
  const auto found = app::discover(type, secret, server, 0, app_world(s, nullptr));
  if (!found.error.empty()) {
    return s.fail(ErrorKind::delivery, found.error);
  }
  const auto& rows = found.chats;
  if (s.options.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& r : rows)
      j.push_back({{"chat_id", r.id}, {"type", r.type}, {"title", r.title},
                   {"topic_id", r.topic ? nlohmann::json(*r.topic) : nlohmann::json()},
                   {"last_message", r.last}});
    s.out(j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  } else if (!rows.empty()) {
    s.out(chat_table(rows));
  }
  s.info(std::string(rows.empty() ? d.none_yet : d.use));
  return kExitOk;
}

}  // namespace notify::cli
