// setup: a wizard on a terminal, the same questions as flags in a script.
// What to ask, whether an answer stands, the test message and what the file
// becomes are app/setup's decisions, the chats to pick from app/discover's;
// this file is the dialog: it asks and prints.

#include <algorithm>
#include <set>

#include "app/catalog.hpp"
#include "app/discover.hpp"
#include "app/profile_file.hpp"
#include "app/secrets.hpp"
#include "app/setup.hpp"
#include "cli/deliver.hpp"
#include "cli/discover.hpp"
#include "cli/prompt.hpp"
#include "config/loader.hpp"
#include "core/mask.hpp"

namespace notify::cli {

namespace {

constexpr const char* kFarewell = "notify: setup interrupted; nothing was written\n";

std::string flag_of(std::string_view key) {
  std::string flag = "--" + std::string(key);
  std::replace(flag.begin(), flag.end(), '_', '-');
  return flag;
}

// Rounds of getUpdates, the later ones held open by the server (long
// polling) until a message arrives.
constexpr int kWaitRounds = 5;
constexpr int kWaitSeconds = 30;

struct Picked {
  std::optional<config::Chat> row;
  bool secret_rejected = false;
  bool stopped = false;  ///< end of input at the pick
};

// Interactive chat discovery: list what the service has seen, waiting for a
// first message if it has seen nothing. The waiting line is one line,
// rewritten in place on a terminal.
Picked pick_chat(Session& s, Prompter& p, const config::ServiceDoc& service,
                 const std::string& secret, const std::string& server) {
  const auto& d = *service.discovery;
  const bool tty = s.world.is_terminal(2);
  bool waiting = false;
  for (int round = 0; round < kWaitRounds; ++round) {
    const auto found = app::discover(service.schema->type, secret, server,
                                     round == 0 ? 0 : kWaitSeconds, app_world(s, nullptr));
    const auto* rows = found.error.empty() ? &found.chats : nullptr;
    if (waiting && (!rows || !rows->empty())) {
      *s.world.err << "\n";
      waiting = false;
    }
    if (!rows) {
      s.error(found.error);
      // The one failure the user can mend here: a secret mistyped or
      // revoked, as the service tells it.
      Picked failed;
      failed.secret_rejected = found.secret_rejected;
      return failed;
    }
    if (!rows->empty()) {
      *s.world.err << chat_table(*rows);
      for (std::size_t i = 0; i < rows->size(); ++i) {
        const auto& r = (*rows)[i];
        *s.world.err << "  " << i + 1 << ") " << r.id << " " << r.title
                     << (r.topic ? " (topic " + std::to_string(*r.topic) + ")" : "") << "\n";
      }
      for (;;) {
        auto a = p.ask("Pick a chat (number) [1]");
        if (!a) return {std::nullopt, false, true};
        const std::size_t n = a->empty() ? 1 : std::strtoul(a->c_str(), nullptr, 10);
        if (n >= 1 && n <= rows->size()) return {(*rows)[n - 1], false};
        *s.world.err << "  give a number from 1 to " << rows->size() << "\n";
      }
    }
    if (round + 1 < kWaitRounds) {
      // 80 columns at most; on a terminal the same line counts the time.
      const int left = (kWaitRounds - 1 - round) * kWaitSeconds;
      if (round == 0) *s.world.err << d.ask_first << "\n";
      if (tty) {
        *s.world.err << "\r\x1b[K" << d.waiting << " (" << left << " s left, Ctrl-C stops)..."
                     << std::flush;
        waiting = true;
      } else if (round == 0) {
        *s.world.err << d.waiting << " (up to " << left << " s, Ctrl-C stops)..." << std::flush;
        waiting = true;
      }
    }
  }
  if (waiting) *s.world.err << "\n";
  *s.world.err << "Stopped waiting: " << d.none_arrived << " in "
               << (kWaitRounds - 1) * kWaitSeconds / 60 << " minutes.\n"
               << d.type_instead << "\n";
  return {};
}

// How a value the file holds is offered as the default: a secret never in
// the clear (a URL masked by its shape, a token as ***; a ${VAR} reference
// or a file's path as written).
std::string offered(const config::KeySpec& key, const std::string& value) {
  if (!key.secret || value.find("${") != std::string::npos || value.rfind("file ", 0) == 0)
    return value;
  if (key.type == config::KeyType::url) return mask_url(value, key.shapes);
  return "***";
}

enum class Step { done, stopped };

// One run of the wizard or of the flags: what is known so far.
class Setup {
 public:
  explicit Setup(Session& s) : s_(s) {}
  int run();

 private:
  int stopped() {
    prompt_.reset();
    return s_.fail(ErrorKind::usage, "setup stopped at the end of input; nothing was written");
  }
  std::string value_of(std::string_view key) const {
    const auto it = answers_.values.find(std::string(key));
    return it == answers_.values.end() ? "" : it->second;
  }
  // The secrets in play, for spotting one pasted into the wrong question.
  std::vector<std::string> secrets() const {
    std::vector<std::string> out = known_secrets_;
    for (const auto* k : keys_)
      if (k->secret && !value_of(k->name).empty()) out.push_back(value_of(k->name));
    return out;
  }
  Prompter::Hide hide_for(const config::KeySpec& key) const {
    if (key.secret) return {};
    return [this, &key](std::string_view line) {
      return app::looks_like_secret(key, line, secrets());
    };
  }
  // The key a chat picked from the service's list answers, if it has one.
  bool is_chat_key(const config::KeySpec& key) const {
    const auto* d = answers_.service->discovery;
    return d && key.name == d->chat_key;
  }
  Step ask_key(const config::KeySpec& key);
  Step ask_chat(const config::KeySpec& key);
  std::optional<int> take_flags();
  std::optional<int> read_file();
  std::optional<int> ask_name();
  std::optional<int> ask_service();
  std::optional<int> test_until_saved(const std::string& candidate);
  Result<std::string> candidate() const;
  int write(const std::string& text, bool tested);

  Session& s_;
  std::optional<Prompter> prompt_;
  std::map<std::string, std::string> given_;
  std::string path_, text_;
  std::optional<config::Config> file_;
  const config::Profile* existing_ = nullptr;  ///< in file_, when editing or replacing
  bool replace_ = false;
  std::map<std::string, std::string> current_;  ///< defaults offered, by key
  std::map<std::string, std::string> original_;  ///< the existing profile's values
  std::vector<std::string> known_secrets_;      ///< its secrets, resolved where possible
  std::map<std::string, std::string> resolved_;  ///< those by key
  app::ProfileAnswers answers_;
  std::vector<const config::KeySpec*> keys_;
  std::set<std::string> asked_;  ///< keys settled ahead of their turn
};

std::optional<int> Setup::read_file() {
  // Which file: --config, $NOTIFY_CONFIG, else the user's own file.
  path_ = config::config_candidates(s_.options.config, s_.world.env).front();
  if (!s_.world.file_exists(path_)) return std::nullopt;
  auto t = s_.world.read_file(path_);
  if (!t) {
    return s_.fail(ErrorKind::usage, "cannot read " + path_ + ": " + t.error().message);
  }
  text_ = *t;
  auto cfg = app::parse_profile_file(text_, path_);
  if (!cfg) {
    return s_.fail(ErrorKind::usage, cfg.error().message + " (fix the file before adding to it)");
  }
  file_ = std::move(*cfg);
  return std::nullopt;
}

std::optional<int> Setup::ask_name() {
  std::string& name = answers_.name;
  name = s_.options.setup().profile;
  if (name.empty()) {
    if (!prompt_) {
      return s_.fail(ErrorKind::usage, "no terminal to ask for the profile name: give it as an argument: notify setup NAME");
    }
    for (;;) {
      auto a = prompt_->ask("Profile name [default]");
      if (!a) return stopped();
      name = a->empty() ? "default" : *a;
      if (auto why = app::profile_name_problem(name); !why.empty()) {
        *s_.world.err << "  " << why << "\n";
        continue;
      }
      break;
    }
  }
  if (auto why = app::profile_name_problem(name); !why.empty()) {
    return s_.fail(ErrorKind::usage, "profile name '" + name + "': " + why);
  }
  if (!file_ || !file_->profiles.count(name)) return std::nullopt;
  existing_ = &file_->profiles.at(name);
  replace_ = s_.options.setup().force;
  if (!prompt_ && !replace_) {
    return s_.fail(ErrorKind::usage, "profile '" + name + "' already exists in " + path_ + "; --force replaces it");
  }
  if (replace_) return std::nullopt;
  // Editing: each current value is the default; its secrets, resolved, are
  // what a pasted secret is compared with.
  current_ = original_ = app::current_values(*existing_);
  config::Profile resolved = *existing_;
  if (app::resolve_profile(resolved, s_.world.env, s_.world.read_file, s_.masker)) {
    for (const auto& [k, v] : resolved.secrets) {
      known_secrets_.push_back(v);
      resolved_[k] = v;
    }
  }
  *s_.world.err << "Profile '" << name << "' is in " << path_
                << ".\nEnter keeps the value in [brackets]; - clears an optional one.\n";
  return std::nullopt;
}

std::optional<int> Setup::ask_service() {
  const std::string current = existing_ && !replace_ ? existing_->type : "";
  const config::ServiceDoc* service = nullptr;
  if (auto it = given_.find("type"); it != given_.end()) {
    service = app::service_named(it->second);
    if (!service) {
      return s_.fail(ErrorKind::usage, "--type must be one of " + app::service_names() + ", not '" + it->second + "'");
    }
    given_.erase(it);
  } else if (!prompt_) {
    return s_.fail(ErrorKind::usage, "no terminal to ask for the service: give --type (" +
             app::catalog().type_list() + ")");
  } else {
    for (;;) {
      auto a = prompt_->ask("Service (" + app::catalog().type_list(",") + ")" +
                            (current.empty() ? "" : " [" + current + "]"));
      if (!a) return stopped();
      if (a->empty() && !current.empty()) *a = current;
      if (a->empty()) {
        *s_.world.err << "  an answer is needed here\n";
        continue;
      }
      if ((service = app::service_named(*a))) break;
      *s_.world.err << "  give one of " << app::service_names() << "\n";
    }
  }
  answers_.service = service;
  keys_ = app::setup_keys(*service->schema);
  // Every profile's key, read as the loader reads it.
  if (auto it = given_.find("priority"); it != given_.end()) {
    answers_.priority = app::priority_field(it->second);
    if (!answers_.priority) {
      return s_.fail(ErrorKind::usage, "--priority " + it->second + ": give " + std::string(kPriorityWords));
    }
    given_.erase(it);
  }
  // A flag that the service has no question for is refused before any is asked.
  for (const auto& [k, v] : given_) {
    const bool known = std::any_of(keys_.begin(), keys_.end(),
                                   [&](const config::KeySpec* spec) { return spec->name == k; });
    if (!known) {
      return s_.fail(ErrorKind::usage, flag_of(k) + " does not apply to " + std::string(service->schema->type) +
               " profiles");
    }
  }
  // Values of another service are no defaults for this one.
  if (existing_ && existing_->type != service->schema->type) current_.clear();
  return std::nullopt;
}

// The answers the flags give, checked as answers are.
std::optional<int> Setup::take_flags() {
  for (const auto* k : keys_) {
    const auto it = given_.find(std::string(k->name));
    if (it == given_.end()) continue;
    auto r = k->secret ? read_secret_arg(s_, it->second, std::string(k->prompt),
                                         prompt_ ? &*prompt_ : nullptr)
                       : Result<std::string>(it->second);
    if (!r) {
      return s_.fail(ErrorKind::usage, flag_of(k->name) + ": " + r.error().message);
    }
    if (!r->empty()) {
      if (auto why = app::answer_problem(*answers_.service->schema, *k, *r, secrets());
          !why.empty()) {
        return s_.fail(ErrorKind::usage, flag_of(k->name) + " " + why);
      }
    }
    if (k->secret) {
      if (k->type == config::KeyType::url) s_.masker.add_url(*r, k->shapes);
      else s_.masker.add(*r);
    }
    answers_.values[std::string(k->name)] = *r;
    asked_.insert(std::string(k->name));
  }
  return std::nullopt;
}

Step Setup::ask_key(const config::KeySpec& key) {
  const std::string name(key.name);
  const auto cur = current_.find(name);
  const bool has_current = cur != current_.end();
  std::string question(key.prompt);
  if (has_current) question += " [" + offered(key, cur->second) + "]";
  else if (!key.fallback.empty()) question += " [" + std::string(key.fallback) + "]";
  for (;;) {
    auto a = prompt_->ask(question, key.secret, hide_for(key));
    if (!a) return Step::stopped;
    answers_.kept.erase(name);
    if (a->empty()) {
      if (has_current) {
        answers_.values[name] = cur->second;
        // Only what the file holds is left untouched; an answer given
        // earlier in this run (offered again after a failed test) is written.
        if (const auto o = original_.find(name); o != original_.end() && o->second == cur->second)
          answers_.kept.insert(name);
        return Step::done;
      }
      if (key.required && key.fallback.empty()) {
        *s_.world.err << "  an answer is needed here\n";
        continue;
      }
      answers_.values[name] = "";
      return Step::done;
    }
    if (*a == "-" && !key.required) {
      answers_.values[name] = "";
      return Step::done;
    }
    if (auto why = app::answer_problem(*answers_.service->schema, key, *a, secrets());
        !why.empty()) {
      *s_.world.err << "  that " << why << "\n";
      continue;
    }
    if (key.secret) {
      if (key.type == config::KeyType::url) s_.masker.add_url(*a, key.shapes);
      else s_.masker.add(*a);
    }
    answers_.values[name] = *a;
    return Step::done;
  }
}

// The chat key, found by listening for a message to the service when the
// person wants to; the server is asked about first, since that is where
// the listening goes.
Step Setup::ask_chat(const config::KeySpec& key) {
  const auto& service = *answers_.service;
  const auto& d = *service.discovery;
  const std::string chat_key(d.chat_key), topic_key(d.topic_key), secret_key(d.secret_key),
      server_key(d.server_key);
  auto find = prompt_->confirm(std::string(d.offer), !current_.count(chat_key));
  if (!find) return Step::stopped;
  if (!*find) return ask_key(key);
  for (const auto* k : keys_)
    if (k->name == server_key && !asked_.count(server_key)) {
      if (ask_key(*k) == Step::stopped) return Step::stopped;
      asked_.insert(server_key);
    }
  const auto* server_spec = service.schema->key(server_key);
  for (;;) {
    const auto server = value_of(server_key);
    const auto secret =
        answers_.kept.count(secret_key) ? resolved_[secret_key] : value_of(secret_key);
    auto picked = pick_chat(s_, *prompt_, service, secret,
                            !server.empty() || !server_spec ? server
                                                            : std::string(server_spec->fallback));
    if (picked.secret_rejected) {
      current_.erase(secret_key);  // a rejected secret is no default
      for (const auto* k : keys_)
        if (k->name == secret_key && ask_key(*k) == Step::stopped) return Step::stopped;
      continue;
    }
    if (picked.stopped) return Step::stopped;
    if (!picked.row) return ask_key(key);
    answers_.values[chat_key] = picked.row->id;
    answers_.kept.erase(chat_key);
    // For a chat with no room for topics the topic question would be noise.
    if (picked.row->topic) {
      answers_.values[topic_key] = std::to_string(*picked.row->topic);
      asked_.insert(topic_key);
    } else if (!picked.row->topics_possible && !asked_.count(topic_key)) {
      answers_.values[topic_key] = "";
      asked_.insert(topic_key);
    }
    return Step::done;
  }
}

Result<std::string> Setup::candidate() const {
  auto text = app::updated_file(text_, answers_, existing_, replace_);
  if (!text) return make_error(text.error().kind, text.error().message + " in " + path_);
  auto check = app::parse_profile_file(*text, path_);
  if (!check)
    return make_error(ErrorKind::usage, "the profile would not be valid: " + check.error().message);
  return text;
}

// One test message through the profile as `candidate` holds it (see
// app::test_profile), reported as `notify test` reports.
Outcome send_test(Session& s, const std::string& candidate, const std::string& path,
                  const std::string& name, std::optional<int> retries) {
  StopSignals signals;
  auto world = app_world(s, &signals);
  auto test = app::test_profile(candidate, path, name, s.world.hostname(), retries, world);
  // The candidate was parsed already: it cannot fail now.
  if (!test) return {};
  s.config = std::move(test->config);
  report(s, test->result, test->draft, true);
  return test->outcome;
}

// Tests the profile and, when the test fails, offers to answer the question
// it points at again, to test again, to save anyway or to quit. Returns an
// exit status to end with, or nullopt to save what the answers now say.
std::optional<int> Setup::test_until_saved(const std::string& first) {
  auto go = prompt_->confirm("Send a test message before saving?", true);
  if (!go) return stopped();
  if (!*go) return std::nullopt;
  std::string text = first;
  for (;;) {
    // One try: the menu below is the retry, with the person deciding.
    const auto outcome = send_test(s_, text, path_, answers_.name, 0);
    if (outcome.delivered) return std::nullopt;
    const auto suspect = app::suspect_key(answers_.service->schema->type, outcome);
    const config::KeySpec* again = nullptr;
    for (const auto* k : keys_)
      if (k->name == suspect) again = k;
    std::vector<std::string> choices;
    if (again) choices.push_back("answer \"" + std::string(again->prompt) + "\" again");
    choices.push_back("answer another question again");
    choices.push_back("send the test again");
    choices.push_back("save anyway");
    choices.push_back("quit without saving");
    *s_.world.err << "The test message was not delivered. What now?\n";
    for (std::size_t i = 0; i < choices.size(); ++i)
      *s_.world.err << "  " << i + 1 << ") " << choices[i] << "\n";
    std::size_t pick = 0;
    while (pick == 0) {
      auto a = prompt_->ask("Choose [1]");
      if (!a) return stopped();
      pick = a->empty() ? 1 : std::strtoul(a->c_str(), nullptr, 10);
      if (pick < 1 || pick > choices.size()) {
        *s_.world.err << "  give a number from 1 to " << choices.size() << "\n";
        pick = 0;
      }
    }
    const std::string& choice = choices[pick - 1];
    if (choice == "save anyway") return std::nullopt;
    if (choice == "quit without saving") {
      prompt_.reset();
      s_.info("left " + path_ + " as it was; nothing was written");
      return kExitNotDelivered;
    }
    if (choice == "answer another question again") {
      for (std::size_t i = 0; i < keys_.size(); ++i)
        *s_.world.err << "  " << i + 1 << ") " << keys_[i]->prompt << "\n";
      again = nullptr;
      while (!again) {
        auto a = prompt_->ask("Which question [1]");
        if (!a) return stopped();
        const std::size_t n = a->empty() ? 1 : std::strtoul(a->c_str(), nullptr, 10);
        if (n >= 1 && n <= keys_.size()) again = keys_[n - 1];
        else *s_.world.err << "  give a number from 1 to " << keys_.size() << "\n";
      }
    }
    if (again) {
      // What was answered is the default now: Enter keeps it.
      if (const auto v = value_of(again->name); !v.empty()) current_[std::string(again->name)] = v;
      if ((is_chat_key(*again) ? ask_chat(*again) : ask_key(*again)) == Step::stopped)
        return stopped();
    }
    auto next = candidate();
    if (!next) {
      prompt_.reset();
      return s_.fail(ErrorKind::usage, next.error().message);
    }
    text = *next;
  }
}

int Setup::write(const std::string& text, bool tested) {
  prompt_.reset();  // the terminal as it was, the signals as main set them
  const std::string& name = answers_.name;
  if (text == text_ && existing_) {
    s_.info("profile '" + name + "' unchanged; " + path_ + " left as it was");
    return kExitOk;
  }
  if (auto w = app::write_profile_file(path_, text); !w) {
    return s_.fail(ErrorKind::delivery, w.error().message);
  }
  s_.info(std::string(!existing_ ? "added" : replace_ ? "replaced" : "changed") + " profile '" +
          name + "' in " + path_);
  if (!tested) s_.info("try it: echo hello | " + s_.command_hint(name));
  return kExitOk;
}

int Setup::run() {
  const auto& o = s_.options.setup();
  if (!o.yes && s_.world.is_terminal(s_.world.in_fd))
    prompt_.emplace(s_.world.in_fd, *s_.world.err, kFarewell);
  given_ = std::map<std::string, std::string>(o.answers.begin(), o.answers.end());
  if (auto r = read_file()) return *r;
  if (auto r = ask_name()) return *r;
  if (auto r = ask_service()) return *r;
  if (auto r = take_flags()) return *r;
  for (const auto* k : keys_) {
    const std::string name(k->name);
    if (asked_.count(name)) continue;
    if (!prompt_) {
      if (k->required) {
        return s_.fail(ErrorKind::usage, "no terminal to ask for " + name + ": give " + flag_of(name));
      }
      continue;
    }
    if ((is_chat_key(*k) ? ask_chat(*k) : ask_key(*k)) == Step::stopped) return stopped();
    asked_.insert(name);
  }
  auto text = candidate();
  if (!text) {
    prompt_.reset();
    return s_.fail(ErrorKind::usage, text.error().message);
  }
  if (prompt_) {
    auto end = test_until_saved(*text);
    if (end) return *end;
    auto final_text = candidate();  // the answers as the menu left them
    if (!final_text) {
      prompt_.reset();
      return s_.fail(ErrorKind::usage, final_text.error().message);
    }
    return write(*final_text, true);
  }
  if (!o.send_test) return write(*text, false);
  const auto outcome = send_test(s_, *text, path_, answers_.name, std::nullopt);
  if (outcome.delivered) return write(*text, true);
  if (!o.save_anyway) {
    return s_.fail(ErrorKind::delivery, "the test message was not delivered, so nothing was written to " + path_ +
             " (--save-anyway writes the profile all the same)");
  }
  const int status = write(*text, true);
  return status == kExitOk ? kExitNotDelivered : status;
}

}  // namespace

int cmd_setup(Session& s) { return Setup(s).run(); }

}  // namespace notify::cli
