// setup: a wizard on a terminal, the same questions as flags in a script.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
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
#include "core/url.hpp"
#include "services/registry.hpp"

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

// setup asks what a service declares a prompt for, in its order, and checks
// each answer by the rule the loader applies to the same key.
std::vector<Question> questions_for(const services::ServiceInfo& service) {
  std::vector<Question> out;
  for (const auto& k : service.schema.keys) {
    if (k.prompt.empty()) continue;
    Question q;
    q.key = std::string(k.name);
    q.text = std::string(k.prompt);
    q.required = k.required;
    q.secret = k.secret;
    q.quoted = k.type != config::KeyType::integer;
    q.fallback = std::string(k.fallback);
    q.check = [spec = k](const std::string& v) -> std::string {
      if (spec.type == config::KeyType::url)
        if (auto problem = url_problem(v)) return "must be an http(s) URL: it " + *problem;
      if (spec.type == config::KeyType::integer) {
        const bool digits = !v.empty() && v.size() < 19 &&
                            v.find_first_not_of("0123456789") == std::string::npos;
        if (!digits || std::stoll(v) < spec.min) return "must be a positive number";
      }
      return spec.check ? spec.check(v) : "";
    };
    out.push_back(std::move(q));
  }
  return out;
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

// `--priority` as the profile will hold it: a number stays a number (ntfy's
// 1 must stay 1), a word is written in lower case; nullopt when unreadable.
std::optional<config::Field> priority_field(const std::string& given) {
  if (!read_priority(given)) return std::nullopt;
  std::string v = given;
  for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  v.erase(0, v.find_first_not_of(" \t"));
  v.erase(v.find_last_not_of(" \t") + 1);
  const bool number = v.size() == 1 && v[0] >= '1' && v[0] <= '5';
  return config::Field{"priority", v, !number};
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
    if (auto cfg = config::parse_config(text, path, services::catalog()); !cfg) {
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
    auto cfg = config::parse_config(text, path, services::catalog());
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
  const auto types = services::catalog().type_list();
  std::string type = given.count("type") ? given["type"] : "";
  if (type.empty()) {
    if (!interactive) return missing("the service", "--type (" + types + ")");
    auto a = answer("Service (" + services::catalog().type_list(",") + ")", "", false,
                    [&](const std::string& v) {
                      return services::find_service(v) ? "" : "one of " + types;
                    });
    if (!a) return stopped();
    type = *a;
  }
  const auto* service = services::find_service(type);
  if (!service) {
    s.error("--type must be " + types + ", not '" + type + "'");
    return kExitUsage;
  }
  given.erase("type");
  // Every profile's key, read as the loader reads it.
  std::optional<config::Field> priority;
  if (auto it = given.find("priority"); it != given.end()) {
    priority = priority_field(it->second);
    if (!priority) {
      s.error("--priority " + it->second + ": give " + std::string(kPriorityWords));
      return kExitUsage;
    }
    given.erase(it);
  }

  const auto questions = questions_for(*service);
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
      if (type == "telegram" && q.key == "chat_id" &&
          prompt.confirm("Find the chat id by messaging the bot now?", true)) {
        const std::string api_base =
            given.count("api_base") ? given["api_base"]
                                     : services::default_of("telegram", "api_base");
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
  if (priority) fields.push_back(*priority);
  for (const auto& [k, v] : given) {
    s.error(flag_of(k) + " does not apply to " + type + " profiles");
    return kExitUsage;
  }

  auto updated = config::add_profile(text, name, config::render_profile(name, fields), replace);
  if (!updated) {
    s.error(updated.error().message + " in " + path);
    return kExitUsage;
  }
  auto check = config::parse_config(*updated, path, services::catalog());
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
