// setup: a wizard on a terminal, the same questions as flags in a script.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <set>

#include "cli/deliver.hpp"
#include "cli/discover.hpp"
#include "cli/prompt.hpp"
#include "config/loader.hpp"
#include "config/writer.hpp"
#include "core/files.hpp"
#include "core/names.hpp"

namespace notify::cli {

namespace {

using Check = std::function<std::string(const std::string&)>;  // "" when valid

struct Question {
  std::string key;  ///< profile field; flag is --key-with-dashes
  std::string text;
  bool required = false;
  bool secret = false;
  bool quoted = true;
  Check check;
  std::string fallback;  ///< default shown; not written when chosen
};

std::string flag_of(std::string key) {
  std::replace(key.begin(), key.end(), '_', '-');
  return "--" + key;
}

bool all_of_chars(const std::string& s, const char* set) {
  return !s.empty() && s.find_first_not_of(set) == std::string::npos;
}

Check url_check(const std::string& must_contain) {
  return [must_contain](const std::string& v) -> std::string {
    auto rest = v.rfind("https://", 0) == 0 ? v.substr(8)
                : v.rfind("http://", 0) == 0 ? v.substr(7) : std::string();
    if (rest.empty() || rest[0] == '/') return "must be an http:// or https:// URL";
    if (!must_contain.empty() && v.find(must_contain) == std::string::npos)
      return "does not look like a webhook URL (no '" + must_contain + "' in it)";
    return "";
  };
}

std::string telegram_token_check(const std::string& v) {
  auto colon = v.find(':');
  if (colon == std::string::npos || colon == 0 || !all_of_chars(v.substr(0, colon), "0123456789") ||
      v.size() - colon - 1 < 10 ||
      !all_of_chars(v.substr(colon + 1),
                    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"))
    return "a bot token from @BotFather looks like 123456789:AAH...: digits, a colon, the secret";
  return "";
}

std::string chat_id_check(const std::string& v) {
  if (v.size() > 1 && v[0] == '@') return "";
  auto digits = v[0] == '-' ? v.substr(1) : v;
  return all_of_chars(digits, "0123456789") ? "" : "must be a numeric chat id or @channelname";
}

std::string line_id_check(const std::string& v) {
  if (v.size() == 33 && (v[0] == 'U' || v[0] == 'C' || v[0] == 'R') &&
      all_of_chars(v.substr(1), "0123456789abcdef"))
    return "";
  return "must be a LINE user, group or room id: U, C or R and 32 hex digits";
}

std::string positive_int_check(const std::string& v) {
  return all_of_chars(v, "0123456789") && v.size() < 19 ? "" : "must be a positive number";
}

std::vector<Question> questions_for(config::ServiceKind kind) {
  using K = config::ServiceKind;
  switch (kind) {
    case K::mattermost:
      return {{"webhook_url", "Incoming webhook URL (Integrations > Incoming Webhooks)", true, true,
               true, url_check("/hooks/"), ""},
              {"channel", "Channel name (empty: the webhook's own)", false, false, true, nullptr, ""},
              {"username", "Sender name (needs EnablePostUsernameOverride)", false, false, true,
               nullptr, ""},
              {"icon_url", "Sender icon URL (needs EnablePostIconOverride)", false, false, true,
               url_check(""), ""}};
    case K::telegram:
      return {{"token", "Bot token from @BotFather", true, true, true, telegram_token_check, ""},
              {"chat_id", "Chat id (number or @channelname)", true, false, true, chat_id_check, ""},
              {"thread_id", "Forum topic id (empty: none)", false, false, false, positive_int_check,
               ""},
              {"api_base", "Bot API server", false, false, true, url_check(""),
               "https://api.telegram.org"}};
    case K::line:
      return {{"token", "Channel access token (LINE Developers console)", true, true, true,
               nullptr, ""},
              {"to", "User, group or room id to push to", true, false, true, line_id_check, ""},
              {"api_base", "Messaging API server", false, false, true, url_check(""),
               "https://api.line.me"}};
    case K::discord:
      return {{"webhook_url", "Webhook URL (channel settings > Integrations > Webhooks)", true, true,
               true, url_check("/webhooks/"), ""},
              {"username", "Sender name", false, false, true, nullptr, ""},
              {"avatar_url", "Avatar URL", false, false, true, url_check(""), ""}};
  }
  return {};
}

std::optional<config::ServiceKind> kind_of(const std::string& t) {
  if (t == "mattermost") return config::ServiceKind::mattermost;
  if (t == "telegram") return config::ServiceKind::telegram;
  if (t == "line") return config::ServiceKind::line;
  if (t == "discord") return config::ServiceKind::discord;
  return std::nullopt;
}

struct Picked {
  std::optional<services::ChatRow> row;
  bool token_rejected = false;
};

// Rounds of getUpdates, the later ones held open by the server (long
// polling) until a message arrives.
constexpr int kWaitRounds = 5;
constexpr int kWaitSeconds = 30;

// Interactive chat discovery: list what the bot has seen, waiting for a
// first message if it has seen nothing.
Picked pick_chat(Session& s, Prompter& p, const std::string& token, const std::string& api_base) {
  for (int round = 0; round < kWaitRounds; ++round) {
    auto rows = fetch_chats(s, token, api_base, round == 0 ? 0 : kWaitSeconds);
    if (!rows) {
      s.error(rows.error().message);
      // The one failure the user can mend here: a token mistyped or revoked.
      Picked failed;
      failed.token_rejected =
          rows.error().message.find("rejected the bot token") != std::string::npos;
      return failed;
    }
    if (!rows->empty()) {
      *s.world.err << chat_table(*rows);
      for (std::size_t i = 0; i < rows->size(); ++i) {
        const auto& r = (*rows)[i];
        *s.world.err << "  " << i + 1 << ") " << r.chat_id << " " << r.title
                     << (r.topic_id ? " (topic " + std::to_string(*r.topic_id) + ")" : "") << "\n";
      }
      for (;;) {
        auto a = p.ask("Pick a chat (number)", "1");
        if (!a) return {};
        std::size_t n = std::strtoul(a->c_str(), nullptr, 10);
        if (n >= 1 && n <= rows->size()) return {(*rows)[n - 1], false};
        *s.world.err << "  give a number from 1 to " << rows->size() << "\n";
      }
    }
    if (round + 1 < kWaitRounds)
      *s.world.err << "Waiting for a message to the bot: open Telegram and send it one "
                      "(or add it to a group and mention it). Ctrl-C to stop.\n";
  }
  *s.world.err << "Stopped waiting: no message reached the bot in "
               << (kWaitRounds - 1) * kWaitSeconds / 60
               << " minutes. Type the chat id instead (`notify telegram discover` lists "
                  "chats later).\n";
  return {};
}

// A topic can only be chosen in a supergroup (a forum); for any other chat
// picked from the list the question would be noise.
bool topic_possible(const services::ChatRow& row) {
  return !row.topic_id && row.type == "supergroup";
}

// The file a symlinked profile file points to: replacing the link by a
// regular file would cut it from where the user keeps it (a dotfiles repo).
std::string through_links(std::string path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (int hops = 0; hops < 40 && fs::is_symlink(path, ec); ++hops) {
    auto to = fs::read_symlink(path, ec);
    if (ec) break;
    path = to.is_absolute() ? to.string() : (fs::path(path).parent_path() / to).string();
  }
  return path;
}

std::string name_problem(const std::string& name) {
  if (!valid_name(name)) return std::string(kNameRule);
  if (is_command_name(name))
    return "'" + name + "' is a command, so `notify " + name +
           " ...` would never reach the profile; pick another name";
  return "";
}

}  // namespace

int cmd_setup(Session& s) {
  const auto& o = s.options;
  const bool interactive = !o.yes && s.world.is_terminal(s.world.in_fd);
  Prompter prompt(s.world.in_fd, *s.world.err);
  std::map<std::string, std::string> given(o.answers.begin(), o.answers.end());

  // Which file: --config, $NOTIFY_CONFIG, else the user's own file.
  const auto candidates = config::config_candidates(o.config, s.world.env);
  const std::string path = candidates.front();
  std::string text;
  if (s.world.file_exists(path)) {
    auto t = s.world.read_file(path);
    if (!t) {
      s.error("cannot read " + path + ": " + t.error().message);
      return kExitUsage;
    }
    text = *t;
    if (auto cfg = config::parse_config(text, path); !cfg) {
      s.error(cfg.error().message + " (fix the file before adding to it)");
      return kExitUsage;
    }
  }

  auto missing = [&](const std::string& what, const std::string& flag) {
    s.error("no terminal to ask for " + what + ": give " + flag);
    return kExitUsage;
  };
  auto stopped = [&] {
    s.error("setup stopped at the end of input; nothing was written");
    return kExitUsage;
  };
  auto answer = [&](const std::string& question, const std::string& fallback, bool secret,
                    const Check& check) -> std::optional<std::string> {
    for (;;) {
      auto a = prompt.ask(question, fallback, secret);
      if (!a) return std::nullopt;
      std::string why = (check && !a->empty()) ? check(*a) : "";
      if (why.empty()) return a;
      *s.world.err << "  " << why << "\n";
    }
  };

  // Profile name.
  std::string name = o.profile;
  if (name.empty()) {
    if (!interactive) return missing("the profile name", "it as an argument: notify setup NAME");
    auto a = answer("Profile name", "default", false, name_problem);
    if (!a) return stopped();
    name = *a;
  }
  if (auto why = name_problem(name); !why.empty()) {
    s.error("profile name '" + name + "': " + why);
    return kExitUsage;
  }
  bool replace = o.force;
  if (!text.empty()) {
    auto cfg = config::parse_config(text, path);
    if (cfg->profiles.count(name) && !replace) {
      if (!interactive) {
        s.error("profile '" + name + "' already exists in " + path + "; --force replaces it");
        return kExitUsage;
      }
      if (!prompt.confirm("Profile '" + name + "' exists in " + path + ". Replace it?", false)) {
        s.info("left " + path + " unchanged");
        return kExitOk;
      }
      replace = true;
    }
  }

  // Service.
  std::string type = given.count("type") ? given["type"] : "";
  if (type.empty()) {
    if (!interactive) return missing("the service", "--type mattermost|telegram|line|discord");
    auto a = answer("Service (mattermost, telegram, line, discord)", "", false,
                    [](const std::string& v) { return kind_of(v) ? "" : "one of mattermost, telegram, line, discord"; });
    if (!a) return stopped();
    type = *a;
  }
  auto kind = kind_of(type);
  if (!kind) {
    s.error("--type must be mattermost, telegram, line or discord, not '" + type + "'");
    return kExitUsage;
  }
  given.erase("type");

  const auto questions = questions_for(*kind);
  std::map<std::string, std::string> values;
  std::set<std::string> settled;  // answered by picking a chat: not asked
  auto ask_until_given = [&](const Question& q) -> std::optional<std::string> {
    for (;;) {
      auto a = answer(q.text, q.fallback, q.secret, q.check);
      if (!a || !q.required || !a->empty()) return a;
      *s.world.err << "  an answer is needed here\n";
    }
  };
  for (const auto& q : questions) {
    if (settled.count(q.key)) continue;
    std::string v;
    if (auto it = given.find(q.key); it != given.end()) {
      auto r = q.secret ? read_secret_arg(s, it->second) : Result<std::string>(it->second);
      if (!r) {
        s.error(flag_of(q.key) + ": " + r.error().message);
        return kExitUsage;
      }
      v = *r;
      if (auto why = (q.check && !v.empty()) ? q.check(v) : ""; !why.empty()) {
        s.error(flag_of(q.key) + ": " + why);
        return kExitUsage;
      }
      given.erase(it);
    } else if (interactive) {
      if (q.key == "chat_id" &&
          prompt.confirm("Find the chat id by messaging the bot now?", true)) {
        const std::string api_base =
            given.count("api_base") ? given["api_base"] : "https://api.telegram.org";
        for (;;) {
          auto picked = pick_chat(s, prompt, values["token"], api_base);
          if (picked.token_rejected) {
            auto token = std::find_if(questions.begin(), questions.end(),
                                      [](const Question& t) { return t.key == "token"; });
            auto a = ask_until_given(*token);
            if (!a) return stopped();
            s.masker.add(*a);
            values["token"] = *a;
            continue;
          }
          if (picked.row) {
            v = picked.row->chat_id;
            if (picked.row->topic_id) values["thread_id"] = std::to_string(*picked.row->topic_id);
            if (!topic_possible(*picked.row) && !given.count("thread_id"))
              settled.insert("thread_id");
          }
          break;
        }
      }
      if (v.empty()) {
        auto a = ask_until_given(q);
        if (!a) return stopped();
        v = *a;
      }
    } else if (q.required) {
      return missing(q.key, flag_of(q.key));
    }
    if (q.secret) s.masker.add(v);
    values[q.key] = v;
  }
  std::vector<config::Field> fields = {{"type", type, true}};
  for (const auto& q : questions) {
    const auto& v = values[q.key];
    if (!v.empty() && v != q.fallback) fields.push_back({q.key, v, q.quoted});
  }
  for (const auto& [k, v] : given) {
    s.error(flag_of(k) + " does not apply to " + type + " profiles");
    return kExitUsage;
  }

  auto updated = config::add_profile(text, name, config::render_profile(name, fields), replace);
  if (!updated) {
    s.error(updated.error().message + " in " + path);
    return kExitUsage;
  }
  auto check = config::parse_config(*updated, path);
  if (!check) {
    s.error("the profile would not be valid: " + check.error().message);
    return kExitUsage;
  }
  if (auto w = write_file_atomically(through_links(path), *updated); !w) {
    s.error(w.error().message);
    return kExitNotDelivered;
  }
  s.info(std::string(replace ? "replaced" : "added") + " profile '" + name + "' in " + path);

  const bool test = o.send_test || (interactive && prompt.confirm("Send a test message now?", true));
  if (!test) {
    s.info("try it: echo hello | notify " + name);
    return kExitOk;
  }
  s.config = std::move(*check);
  Draft draft;
  draft.title = "notify test";
  draft.body = "Test message from notify setup on " + s.world.hostname() + ".";
  StopSignals signals;
  auto world = app_world(s, &signals);
  app::SendOptions so;
  so.journal = false;
  auto result = app::send(s.config, {name}, draft, so, world);
  report(s, result, draft, true);
  return result.exit_status;
}

}  // namespace notify::cli
