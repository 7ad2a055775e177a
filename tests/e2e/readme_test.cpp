// README.md's examples, read from README.md itself and run as written against
// the fake services: an edited example is what gets tested, and a new one
// without a test (or an explicit reason to skip it) fails the coverage test.
//
// Each command runs under /bin/sh with the real notify first in PATH, HOME and
// XDG_* in a temporary directory and a profile file that names its profiles as
// the README does (ops, me, family, dev, group all) and points them at fakes.
// Only what a test machine cannot have is substituted, each substitution
// checked to apply: paths under /var and /usr/local (temporary files and small
// scripts instead), commands with machine-dependent output (journalctl, tail
// -f, pass: shims in PATH; df runs for real, copied aside) and, where a line
// names no profile, the service's address (--api-base of the fake).

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string_view>

#include "e2e.hpp"
#include "support/fake_heartbeat.hpp"
#include "support/fake_services2.hpp"

namespace notify::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// --- The examples, as README.md has them ------------------------------------

struct Example {
  std::string key;   ///< how the coverage table names it (whitespace collapsed, no comment)
  std::string text;  ///< what is run or checked: the README's own text
  int line = 0;      ///< where it starts in README.md
};

std::string collapse(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

/// The line without a trailing shell comment (a '#' after a blank, outside quotes).
std::string strip_comment(std::string_view s) {
  char quote = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '#' && i > 0 && std::isspace(static_cast<unsigned char>(s[i - 1]))) {
      return std::string(s.substr(0, i));
    }
  }
  return std::string(s);
}

const std::regex& cron_line() {
  static const std::regex re(R"(^\s*(?:@\w+|(?:[0-9*/,-]+\s+){4}[0-9*/,-]+)\s+(.+)$)");
  return re;
}

/// Every example of README.md: each command of a ```sh block (continuation lines
/// joined), each crontab line of a plain ``` block, and every other block whole
/// (keyed by its language and first line).
std::vector<Example> readme_examples() {
  std::ifstream in(std::string(NOTIFY_SOURCE_DIR) + "/README.md");
  if (!in) throw std::runtime_error("cannot read README.md");
  std::vector<Example> out;
  std::string line, lang;
  std::vector<std::pair<int, std::string>> block;
  bool inside = false;
  int n = 0;
  auto finish = [&] {
    if (lang == "sh") {
      for (std::size_t i = 0; i < block.size(); ++i) {
        Example e{"", block[i].second, block[i].first};
        std::string joined = block[i].second;
        while (!joined.empty() && joined.back() == '\\' && i + 1 < block.size()) {
          joined.pop_back();
          joined += " " + block[++i].second;
          e.text += "\n" + block[i].second;
        }
        e.key = collapse(strip_comment(joined));
        if (!e.key.empty() && e.key[0] != '#') out.push_back(e);
      }
      return;
    }
    const bool all_cron = lang.empty() && !block.empty() &&
                          std::all_of(block.begin(), block.end(), [](const auto& l) {
                            return collapse(l.second).empty() || std::regex_match(l.second, cron_line());
                          });
    if (all_cron) {
      for (const auto& [at, l] : block)
        if (!collapse(l).empty()) out.push_back({"cron: " + collapse(l), l, at});
      return;
    }
    std::string text;
    for (const auto& l : block) text += l.second + "\n";
    out.push_back({"```" + lang + " " + collapse(block.empty() ? "" : block[0].second), text,
                   block.empty() ? n : block[0].first});
  };
  while (std::getline(in, line)) {
    ++n;
    if (line.rfind("```", 0) == 0) {
      if (inside) finish();
      else lang = collapse(line.substr(3)), block.clear();
      inside = !inside;
    } else if (inside) {
      block.emplace_back(n, line);
    }
  }
  return out;
}

// Every example the README shows: tested below (no reason) or skipped with the
// reason it cannot run in a test. A README example missing here fails
// `every_example_is_tested_or_skipped_for_a_reason`.
struct Coverage {
  std::string_view key;
  std::string_view skipped_because;  // empty: a test below runs it
};
constexpr Coverage kCoverage[] = {
    {"./scripts/demo.sh", "installs Debian packages and builds build/; CI's scripts/test.sh "
                          "builds the same tree and docs.example_profile runs the same --dry-run"},
    {"./scripts/test.sh", "it is the whole test suite, this test included"},
    {"sudo cmake --install build", "needs root; the install tree is docs.install_tree's test"},
    {"cd build && cpack", "builds every target and a package; docs.deb_package's test"},
    {"sudo apt install ./notify_*.deb", "needs root and changes the machine"},
    {"notify setup", "the interactive wizard needs a person at a terminal"},
    {"bench/run.sh", "takes minutes and installs apprise, valgrind and curl"},
    {"bench/run.sh --runs 10 --big-runs 2 --no-urandom", "a benchmark run, minutes long"},
    {"bench/run.sh --help", "part of the benchmark tooling, not of notify"},
    {"notify telegram discover --profile me", ""},
    {"notify telegram discover --token - --json", ""},
    {"``` CHAT_ID TYPE TITLE TOPIC LAST MESSAGE", ""},
    {"pass show telegram/bot | notify setup me --type telegram --token - --chat-id 111111111 "
     "--test",
     ""},
    {"notify setup ops --type mattermost --channel alerts --webhook-url "
     "https://chat.example.com/hooks/xxxxxxxxxxxxxxxxxxxxxxxxxx",
     ""},
    {"install -D -m 600 profiles.example.toml ~/.config/notify/profiles.toml", ""},
    {"notify check", ""},
    {"df -h | notify ops", ""},
    {"notify me backup done", ""},
    {"journalctl -u nginx -n 50 | notify ops -t \"nginx\" --code=log", ""},
    {"notify ops,me \"deploy of 1.4.2 finished\"", ""},
    {"notify all \"datacenter power back\"", ""},
    {"cron: 0 3 * * * /usr/local/bin/backup 2>&1 | notify ops -t backup", ""},
    {"cron: 0 3 * * * notify run ops --on failure -- /usr/local/bin/backup", ""},
    {"notify --json dev \"pipeline $CI_PIPELINE_ID passed\" > notify.json", ""},
    {"```ini [Unit]", ""},
    {"cron: */10 * * * * notify flush", ""},
    {"cron: */5 * * * * check-disk || df -h | notify --key disk --cooldown 1h ops -t \"disk full\"",
     ""},
    {"cron: */5 * * * * check-disk && notify --key disk --resolve ops \"disk ok again\"", ""},
    {"cron: */5 * * * * notify run ops --after 3 --cooldown 1h -- /usr/local/bin/check-queue", ""},
    {"cron: */10 * * * * df -h | notify --key disk --edit --max-parts 1 me -t \"disk space\"", ""},
    {"cron: 0 2 * * * notify run me --live --on always -- /usr/local/bin/backup", ""},
    {"notify spool", ""},
    {"notify spool show 17", ""},
    {"notify spool retry 17", ""},
    {"notify spool drop 17", ""},
    {"notify me -t \"nightly report\" --file /var/reports/nightly.pdf", ""},
    {"notify all -t \"nightly report\" --file /var/reports/nightly.pdf", ""},
    {"tail -f /var/log/app.log | notify --stream ops -t app.log", ""},
    {"notify --markdown me,ops -t \"nightly report\" < /var/reports/nightly.md", ""},
    {"echo hello | notify --dry-run all", ""},
    {"```toml [defaults]", ""},
    {"```toml [profiles.team] # every alert, full text", ""},
    {"```toml [profiles.ops]", ""},
    {"notify alerts --priority urgent -t \"db1 is down\" < /var/log/db1.err", ""},
    {"notify alerts --priority low \"backup done\"", ""},
    {"```toml [profiles.nightly]", ""},
    {"notify run nightly,ops -- /usr/local/bin/backup.sh", ""},
    {"backup.sh && notify nightly \"backup done\" || notify --fail nightly", ""},
    {"``` src/core Result type, exit codes, secret masking, and the plain types", ""},
    {"``` core <- config <- services <- delivery <- app <- cli <- main.cpp", ""},
};

const Coverage* coverage_of(std::string_view key) {
  for (const auto& c : kCoverage)
    if (c.key == key) return &c;
  return nullptr;
}

/// The README's text of the example `key`; a test fails when the README no
/// longer has it, or when the coverage table says it is skipped.
std::string example(std::string_view key) {
  const auto* c = coverage_of(key);
  EXPECT_TRUE(c && c->skipped_because.empty()) << "not marked as tested in kCoverage: " << key;
  for (const auto& e : readme_examples())
    if (e.key == key) return e.text;
  ADD_FAILURE() << "README.md has no example '" << key << "' any more";
  return "false";
}

/// The command of a crontab example.
std::string cron_command(std::string_view key) {
  const std::string text = example(key);
  std::smatch m;
  if (!std::regex_match(text, m, cron_line())) return "false";
  return m[1];
}

/// `text` with every `from` replaced by `to`; fails when `from` is not there, so
/// a substitution that stopped applying is noticed.
std::string subst(std::string text, std::string_view from, std::string_view to) {
  std::size_t pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << "'" << from << "' is not in: " << text;
  for (; pos != std::string::npos; pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
  return text;
}

std::string rtrim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 ? (st.st_mode & 07777u) : 0u;
}

TEST(ReadmeTest, every_example_is_tested_or_skipped_for_a_reason) {
  const auto examples = readme_examples();
  ASSERT_GE(examples.size(), 20u) << "the parser found too few examples in README.md";
  for (const auto& e : examples)
    EXPECT_NE(coverage_of(e.key), nullptr)
        << "README.md:" << e.line << ": example without a test: add a test to readme_test.cpp "
        << "or list it in kCoverage with the reason it cannot run:\n  " << e.key;
  for (const auto& c : kCoverage)
    EXPECT_TRUE(std::any_of(examples.begin(), examples.end(), [&](const Example& e) { return e.key == c.key; }))
        << "kCoverage names an example README.md no longer has: " << c.key;
}

// --- The machine the examples run on ------------------------------------------

constexpr const char* kBackup = R"(#!/bin/sh
# Stands in for /usr/local/bin/backup; BACKUP says how it behaves.
case "$BACKUP" in
  quiet) exit 0 ;;
  fail) echo "copied 3 files"; echo "disk full on /backup" >&2; exit 3 ;;
  signal) echo "started"; kill -TERM $$ ;;
  *) echo "copied 12 files"; echo "warning: 1 file changed while read" >&2; exit 0 ;;
esac
)";

class ReadmeE2E : public E2E {
 protected:
  FakeServer mm, tg, ln, dc;
  fs::path bin;

  void SetUp() override {
    mm.set_handler(mattermost_handler());
    tg.set_handler(telegram_handler());
    ln.set_handler(line_handler());
    dc.set_handler(discord_handler());
    bin = home.make_dir("bin");
    fs::create_symlink(NOTIFY_BINARY, bin / "notify");
    home.write_file("bin/backup", kBackup, 0755);
    // df runs for real; the copy shows what it printed.
    home.write_file("bin/df", "#!/bin/sh\nPATH=${PATH#*:}\ndf \"$@\" >\"$HOME/df.out\"; s=$?\n"
                              "cat \"$HOME/df.out\"; exit $s\n", 0755);
    home.write_file("bin/journalctl",
                    "#!/bin/sh\necho \"journalctl $*\"\necho 'worker 3: <error> upstream timed out'\n",
                    0755);
    // `tail -f FILE` without the following: the stream test needs an end.
    home.write_file("bin/tail", "#!/bin/sh\n[ \"$1\" = -f ] && shift\nexec cat \"$@\"\n", 0755);
    home.write_file("bin/pass", std::string("#!/bin/sh\necho '") + kTgToken + "'\n", 0755);
    home.write_file("secrets/telegram-token", std::string(kTgToken) + "\n");
    home.write_file(".config/notify/profiles.toml", profiles());
    home.make_dir("work");
  }

  std::string profiles() const {
    return "[defaults]\ntimeout = 5\nretries = 0\n\n"
           "[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"${MATTERMOST_WEBHOOK}\"\n\n"
           "[profiles.me]\ntype = \"telegram\"\ntoken_file = \"" +
           (home / "secrets/telegram-token").string() + "\"\nchat_id = 111111111\napi_base = \"" +
           tg.base_url() + "\"\n\n[profiles.family]\ntype = \"line\"\ntoken = \"" + kLineToken +
           "\"\nto = \"" + kLineTo + "\"\napi_base = \"" + ln.base_url() +
           "\"\n\n[profiles.dev]\ntype = \"discord\"\nwebhook_url = \"" + discord_url(dc) + "\"\n\n"
           "[groups]\nall = [\"ops\", \"me\"]\n";
  }

  using Env = std::vector<std::pair<std::string, std::optional<std::string>>>;

  /// Runs `script` with /bin/sh in HOME/work, as a user whose profile file is the one above.
  RunResult sh(const std::string& script, std::optional<std::string> input = std::nullopt,
               const Env& extra = {}, const fs::path& user_home = {}) {
    RunOptions o;
    o.isolate(user_home.empty() ? home.path() : user_home);
    const char* path = std::getenv("PATH");
    o.set_env("PATH", bin.string() + ":" + (path ? path : "/usr/bin:/bin"));
    o.set_env("MATTERMOST_WEBHOOK", mattermost_url(mm));
    o.set_env("CI_PIPELINE_ID", "4711");
    for (const auto& [k, v] : extra) o.set_env(k, v);
    o.stdin_data = std::move(input);
    o.cwd = user_home.empty() ? home / "work" : user_home;
    o.timeout = std::chrono::seconds(30);
    return run_process({"/bin/sh", "-c", script}, o);
  }

  /// The message texts one fake received, in order.
  static std::vector<std::string> texts(const FakeServer& s) {
    std::vector<std::string> out;
    for (const auto& r : s.requests())
      for (auto& t : texts_of(r)) out.push_back(t);
    return out;
  }

  /// Leaves one message for dev in the spool, failed for good (404) or waiting (503).
  std::string spool_for_dev(const std::string& text, bool dead) {
    dc.push_reply(dead ? json_reply(404, R"({"message": "Unknown Webhook", "code": 10015})")
                       : server_error(503));
    auto r = sh("notify --json dev \"$TEXT\"", std::nullopt, {{"TEXT", text}});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_TRUE(j.is_object() && j["spool_id"].is_string()) << r.out;
    return j.is_object() && j["spool_id"].is_string() ? j["spool_id"].get<std::string>() : "";
  }
};

// --- Getting started ------------------------------------------------------------

TEST_F(ReadmeE2E, discover_lists_the_chats_of_the_readme_table) {
  auto r = sh(example("notify telegram discover --profile me"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> shown;
  for (const auto& l : lines_of(r.out)) shown.push_back(collapse(l));
  // The README's sample table: every row of it is a row of the real output.
  for (const auto& row : lines_of(example("``` CHAT_ID TYPE TITLE TOPIC LAST MESSAGE")))
    EXPECT_NE(std::find(shown.begin(), shown.end(), collapse(row)), shown.end())
        << "README row not in the output: " << row << "\n" << r.out;
  // "it takes no message away from anyone": no offset confirms updates as read.
  ASSERT_GE(tg.request_count(), 1u);
  for (const auto& q : tg.requests()) {
    EXPECT_THAT(q.path, HasSubstr("/getUpdates"));
    EXPECT_FALSE(q.query_param("offset"));
    EXPECT_THAT(q.body, Not(HasSubstr("offset")));
  }
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("TEST-fake-token")));
}

TEST_F(ReadmeE2E, discover_reads_the_token_from_stdin_and_prints_json) {
  // No profile: the fake's address is given as the service's.
  auto cmd = subst(example("notify telegram discover --token - --json"), "--json",
                   "--json --api-base " + tg.base_url());
  auto r = sh(cmd, std::string(kTgToken) + "\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_array()) << r.out;
  bool alice = false;
  for (const auto& c : j) alice = alice || (c["chat_id"] == "111111111" && c["type"] == "private");
  EXPECT_TRUE(alice) << r.out;
  ASSERT_GE(tg.request_count(), 1u);
  EXPECT_EQ(tg.requests()[0].path, std::string("/bot") + kTgToken + "/getUpdates");
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("TEST-fake-token")));
}

TEST_F(ReadmeE2E, setup_with_flags_writes_a_private_file_and_sends_a_test) {
  TempDir fresh{"notify-readme-user"};
  // The test message goes to the fake instead of api.telegram.org.
  auto me = subst(example("pass show telegram/bot | notify setup me --type telegram --token - "
                          "--chat-id 111111111 --test"),
                  "--test", "--api-base " + tg.base_url() + " --test");
  auto r = sh(me, std::nullopt, {}, fresh.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const fs::path file = fresh / ".config/notify/profiles.toml";
  ASSERT_TRUE(fs::exists(file));
  EXPECT_EQ(mode_of(file), 0600u);
  EXPECT_EQ(mode_of(file.parent_path()), 0700u);
  ASSERT_EQ(tg.request_count(), 1u) << "--test sends a test message";
  EXPECT_THAT(tg.requests()[0].body, HasSubstr("111111111"));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("TEST-fake-token")));

  auto ops = example("notify setup ops --type mattermost --channel alerts --webhook-url "
                     "https://chat.example.com/hooks/xxxxxxxxxxxxxxxxxxxxxxxxxx");
  r = sh(ops, std::nullopt, {}, fresh.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("xxxxxxxxxxxxxxxxxxxxxxxxxx")));
  const std::string written = fresh.read_file(".config/notify/profiles.toml");
  EXPECT_THAT(written, HasSubstr("[profiles.me]")) << "the first profile is kept";
  EXPECT_THAT(written, HasSubstr("[profiles.ops]"));
  EXPECT_THAT(written, HasSubstr("alerts"));
  EXPECT_THAT(written, HasSubstr("\n\n[profiles.ops]")) << "appended after a blank line";
  // An existing profile of the same name is kept unless --force is given.
  r = sh(ops, std::nullopt, {}, fresh.path());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(fresh.read_file(".config/notify/profiles.toml"), written);
  r = sh(ops + " --force", std::nullopt, {}, fresh.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = sh("notify check", std::nullopt, {}, fresh.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(ReadmeE2E, the_example_file_installed_by_hand_passes_check) {
  TempDir fresh{"notify-readme-user"};
  const std::string script = example("install -D -m 600 profiles.example.toml ~/.config/notify/profiles.toml") +
                             "\n" + example("notify check");
  // Run from the source tree, where profiles.example.toml is, by a user
  // without XDG_CONFIG_HOME (so ~/.config is where notify looks).
  RunOptions o;
  o.isolate(fresh.path());
  o.set_env("XDG_CONFIG_HOME", std::nullopt);
  const char* path = std::getenv("PATH");
  o.set_env("PATH", bin.string() + ":" + (path ? path : "/usr/bin:/bin"));
  o.cwd = NOTIFY_SOURCE_DIR;
  auto r = run_process({"/bin/sh", "-c", "set -e\n" + script}, o);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const fs::path file = fresh / ".config/notify/profiles.toml";
  EXPECT_EQ(mode_of(file), 0600u);
  std::ifstream example_file(std::string(NOTIFY_SOURCE_DIR) + "/profiles.example.toml");
  std::stringstream want;
  want << example_file.rdbuf();
  EXPECT_EQ(fresh.read_file(".config/notify/profiles.toml"), want.str());
}

// --- Examples ---------------------------------------------------------------------

TEST_F(ReadmeE2E, df_output_is_delivered_and_nothing_printed) {
  auto r = sh(example("df -h | notify ops"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  // Silent on success (df itself may complain about a mount it cannot read).
  EXPECT_THAT(r.err, Not(HasSubstr("notify"))) << r.err;
  const std::string df = rtrim(home.read_file("df.out"));
  ASSERT_FALSE(df.empty());
  EXPECT_EQ(texts(mm), std::vector<std::string>{df});
}

TEST_F(ReadmeE2E, words_are_the_message_and_stdin_is_not_read) {
  auto r = sh(example("notify me backup done"), std::string("this is stdin\n"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(texts(tg), std::vector<std::string>{"backup done"});
}

TEST_F(ReadmeE2E, journal_lines_go_as_a_log_code_block_under_a_title) {
  auto r = sh(example("journalctl -u nginx -n 50 | notify ops -t \"nginx\" --code=log"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto t = texts(mm);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_THAT(t[0], HasSubstr("nginx"));
  EXPECT_THAT(t[0], HasSubstr("```log\njournalctl -u nginx -n 50\n"
                              "worker 3: <error> upstream timed out\n```"));
  EXPECT_LT(t[0].find("nginx"), t[0].find("```log")) << "the title comes first";
}

TEST_F(ReadmeE2E, fan_out_reaches_every_target_concurrently) {
  // Each server holds its answer until the other one has a request: one after
  // the other, the first would wait in vain.
  bool mm_saw_tg = false, tg_saw_mm = false;
  mm.set_handler([&, h = mattermost_handler()](const Recorded& q) {
    mm_saw_tg = tg.wait_for_requests(1, std::chrono::seconds(3));
    return h(q);
  });
  tg.set_handler([&, h = telegram_handler()](const Recorded& q) {
    tg_saw_mm = mm.wait_for_requests(1, std::chrono::seconds(3));
    return h(q);
  });
  auto r = sh(example("notify ops,me \"deploy of 1.4.2 finished\""));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(texts(mm), std::vector<std::string>{"deploy of 1.4.2 finished"});
  EXPECT_EQ(texts(tg), std::vector<std::string>{"deploy of 1.4.2 finished"});
  EXPECT_TRUE(mm_saw_tg && tg_saw_mm) << "the two targets were contacted one after the other";

  mm.reset();
  tg.reset();
  r = sh(example("notify all \"datacenter power back\""));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(texts(mm), std::vector<std::string>{"datacenter power back"});
  EXPECT_EQ(texts(tg), std::vector<std::string>{"datacenter power back"});
}

// "A cron job that alerts once and says when it is fixed": failing runs
// within the hour send one message, the fix is said once, a healthy run
// says nothing.
TEST_F(ReadmeE2E, cron_alert_once_and_resolve) {
  const std::string fail = cron_command(
      "cron: */5 * * * * check-disk || df -h | notify --key disk --cooldown 1h ops -t \"disk full\"");
  const std::string fixed =
      cron_command("cron: */5 * * * * check-disk && notify --key disk --resolve ops \"disk ok again\"");
  home.write_file("bin/check-disk", "#!/bin/sh\n[ \"$DISK\" = ok ]\n", 0755);
  auto every_five_minutes = [&](const std::string& disk) {
    for (const auto& line : {fail, fixed}) {
      auto r = sh(line, std::nullopt, {{"DISK", disk}});
      // A line's status is its last command's: check-disk's on a healthy
      // disk for the first, on a full one for the second.
      EXPECT_EQ(r.exit_code, line == fixed && disk != "ok" ? 1 : 0) << line << ": " << r.err;
      EXPECT_EQ(r.out + r.err, "") << "cron mails nothing";
    }
  };
  every_five_minutes("ok");
  EXPECT_EQ(mm.request_count(), 0u) << "nothing to resolve while nothing is wrong";
  for (int i = 0; i < 4; ++i) every_five_minutes("full");
  auto t = texts(mm);
  ASSERT_EQ(t.size(), 1u) << "one alert, the rest held back";
  EXPECT_THAT(t[0], HasSubstr("Filesystem"));
  // "A count is never left unsaid": the summary waits in the spool, due
  // when the hour is over; the flush line sends nothing before then and
  // says nothing (cron mails nothing).
  auto r = sh(cron_command("cron: */10 * * * * notify flush"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out + r.err, "");
  EXPECT_EQ(mm.request_count(), 1u);
  r = sh(example("notify spool"));
  // Due an hour after the first (its title is the held messages' title).
  EXPECT_THAT(r.out, ::testing::MatchesRegex("(.|\n)*pending +ops +[0-9]+s +in (59|60)m +0 +"
                                             "disk full\n(.|\n)*"));
  every_five_minutes("ok");
  every_five_minutes("ok");
  t = texts(mm);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_THAT(t[1], ::testing::MatchesRegex("resolved after 4 alerts since [0-9]{2}:[0-9]{2} UTC\n"
                                            "disk ok again"));
}

// The same recipe with `notify run`: two failures in a row are not yet
// news, the third is, the fourth is held back, and the fix is said once
// with every alert counted.
TEST_F(ReadmeE2E, cron_run_after_reports_a_streak_and_resolves_it) {
  const std::string line = subst(
      cron_command("cron: */5 * * * * notify run ops --after 3 --cooldown 1h -- "
                   "/usr/local/bin/check-queue"),
      "/usr/local/bin/check-queue", (bin / "check-queue").string());
  home.write_file("bin/check-queue",
                  "#!/bin/sh\n[ \"$QUEUE\" = ok ] && exit 0\necho \"queue stuck\"\nexit 2\n", 0755);
  auto every_five_minutes = [&](const std::string& queue) {
    auto r = sh(line, std::nullopt, {{"QUEUE", queue}});
    EXPECT_EQ(r.exit_code, queue == "ok" ? 0 : 2) << "the job's own status: " << r.err;
    EXPECT_EQ(r.err, "") << "cron mails nothing of notify's";
    return r;
  };
  every_five_minutes("stuck");
  every_five_minutes("ok");  // a success starts the count again
  every_five_minutes("stuck");
  every_five_minutes("stuck");
  EXPECT_EQ(mm.request_count(), 0u) << "no three in a row yet";
  every_five_minutes("stuck");
  auto t = texts(mm);
  ASSERT_EQ(t.size(), 1u) << "the third in a row is reported";
  EXPECT_THAT(t[0], HasSubstr("queue stuck"));
  every_five_minutes("stuck");
  EXPECT_EQ(mm.request_count(), 1u) << "held back by the hour's cooldown";
  every_five_minutes("ok");
  every_five_minutes("ok");
  t = texts(mm);
  ASSERT_EQ(t.size(), 2u) << "resolved once";
  EXPECT_THAT(t[1], ::testing::MatchesRegex("(.|\n)*resolved after 2 alerts since [0-9]{2}:[0-9]{2} "
                                            "UTC\n(.|\n)*"));
}

TEST_F(ReadmeE2E, status_board_keeps_one_telegram_message_current) {
  const std::string line = cron_command(
      "cron: */10 * * * * df -h | notify --key disk --edit --max-parts 1 me -t \"disk space\"");
  for (int i = 0; i < 3; ++i) {
    auto r = sh(line);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out + r.err, "") << "cron mails nothing";
  }
  const auto requests = tg.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_THAT(requests[0].path, HasSubstr("/sendMessage"));
  const auto first = nlohmann::json::parse(requests[0].body, nullptr, false);
  ASSERT_TRUE(first.is_object());
  EXPECT_THAT(first.value("text", ""), HasSubstr("Filesystem"));
  // The later runs edit that message (df's output may be the same: "not
  // modified" counts as delivered, and the spool stays empty).
  for (std::size_t i = 1; i < 3; ++i) {
    EXPECT_THAT(requests[i].path, HasSubstr("/editMessageText"));
    const auto edit = nlohmann::json::parse(requests[i].body, nullptr, false);
    ASSERT_TRUE(edit.is_object());
    EXPECT_EQ(edit["message_id"], 18);
  }
  EXPECT_EQ(messages_in((home / ".local/state/notify/spool").string()), 0u);
}

TEST_F(ReadmeE2E, run_live_posts_running_and_edits_it_into_the_report) {
  const std::string line = subst(
      cron_command("cron: 0 2 * * * notify run me --live --on always -- /usr/local/bin/backup"),
      "/usr/local/bin/backup", "backup");
  auto r = sh(line);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("copied 12 files"));
  const auto requests = tg.requests();
  ASSERT_EQ(requests.size(), 2u);
  const auto running = nlohmann::json::parse(requests[0].body, nullptr, false);
  const auto report = nlohmann::json::parse(requests[1].body, nullptr, false);
  ASSERT_TRUE(running.is_object() && report.is_object());
  EXPECT_THAT(running.value("text", ""),
              ::testing::MatchesRegex("running backup on .* since [0-9]{2}:[0-9]{2} UTC"));
  EXPECT_THAT(requests[1].path, HasSubstr("/editMessageText"));
  EXPECT_EQ(report["message_id"], 18);
  EXPECT_THAT(report.value("text", ""), HasSubstr("backup succeeded"));
  EXPECT_THAT(report.value("text", ""), HasSubstr("copied 12 files"));
}

TEST_F(ReadmeE2E, cron_pipe_sends_output_and_errors_and_nothing_when_empty) {
  const std::string cmd = cron_command("cron: 0 3 * * * /usr/local/bin/backup 2>&1 | notify ops -t backup");
  const std::string line = subst(cmd, "/usr/local/bin/backup", "backup");
  auto r = sh(line);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out + r.err, "");
  auto t = texts(mm);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_THAT(t[0], HasSubstr("backup"));
  EXPECT_THAT(t[0], HasSubstr("copied 12 files"));
  EXPECT_THAT(t[0], HasSubstr("warning: 1 file changed while read")) << "stderr goes too";

  mm.reset();
  r = sh(line, std::nullopt, {{"BACKUP", "quiet"}});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(mm.request_count(), 0u) << "an empty output sends nothing";
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("nothing to send"));
  EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;

  // "add -q to the line to keep cron fully quiet, errors are still printed"
  const std::string quiet = subst(line, "notify ops -t backup", "notify ops -t backup -q");
  r = sh(quiet, std::nullopt, {{"BACKUP", "quiet"}});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out + r.err, "");
  mm.push_reply(server_error(503));
  r = sh(quiet);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("ops"));
}

TEST_F(ReadmeE2E, run_passes_output_and_status_through_and_reports_failures) {
  const std::string cmd = subst(cron_command("cron: 0 3 * * * notify run ops --on failure -- /usr/local/bin/backup"),
                                "/usr/local/bin/backup", (bin / "backup").string());
  auto r = sh(cmd);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "copied 12 files\n");
  EXPECT_EQ(r.err, "warning: 1 file changed while read\n");
  EXPECT_EQ(mm.request_count(), 0u) << "a success is not reported with --on failure";

  r = sh(cmd, std::nullopt, {{"BACKUP", "fail"}});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "copied 3 files\n");
  EXPECT_EQ(r.err, "disk full on /backup\n");
  auto t = texts(mm);
  ASSERT_EQ(t.size(), 1u);
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  EXPECT_THAT(t[0], HasSubstr("exit 3"));
  EXPECT_THAT(t[0], HasSubstr(host));
  EXPECT_THAT(t[0], HasSubstr(" s "));  // the duration, in seconds
  EXPECT_THAT(t[0], HasSubstr("```"));
  EXPECT_THAT(t[0], HasSubstr("copied 3 files\ndisk full on /backup\n```"));

  mm.reset();
  r = sh(subst(cmd, "--on failure", "--on always"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(mm.request_count(), 1u) << "--on always reports a success";
  mm.reset();
  r = sh(subst(cmd, "--on failure", "--on success"), std::nullopt, {{"BACKUP", "fail"}});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(mm.request_count(), 0u) << "--on success does not report a failure";
  r = sh(subst(cmd, "--on failure", "--on success"));
  EXPECT_EQ(mm.request_count(), 1u) << "--on success reports a success";

  r = sh(cmd, std::nullopt, {{"BACKUP", "signal"}});
  EXPECT_EQ(r.exit_code, 128 + SIGTERM) << "killed by a signal: 128 plus its number";
  r = sh(subst(cmd, (bin / "backup").string(), (home / "no-such-backup").string()));
  EXPECT_EQ(r.exit_code, 127) << "a command that cannot be found";
}

TEST_F(ReadmeE2E, ci_step_writes_one_json_object_per_target_and_the_status_tells) {
  const std::string cmd = example("notify --json dev \"pipeline $CI_PIPELINE_ID passed\" > notify.json");
  auto r = sh(cmd);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(texts(dc), std::vector<std::string>{"pipeline 4711 passed"});
  auto read_json = [&] {
    std::vector<nlohmann::json> objects;
    for (const auto& l : lines_of(home.read_file("work/notify.json")))
      if (!l.empty()) objects.push_back(nlohmann::json::parse(l, nullptr, false));
    return objects;
  };
  auto objs = read_json();
  ASSERT_EQ(objs.size(), 1u) << "one object per target";
  for (const char* field : {"delivered", "parts", "http_status", "error", "spooled"})
    EXPECT_TRUE(objs[0].contains(field)) << field << " missing: " << objs[0].dump();
  EXPECT_EQ(objs[0]["delivered"], true);
  EXPECT_EQ(objs[0]["parts"], 1);
  EXPECT_EQ(objs[0]["http_status"], 200);
  EXPECT_TRUE(objs[0]["error"].is_null());
  EXPECT_EQ(objs[0]["spooled"], false);

  dc.push_reply(server_error(503));
  r = sh(cmd);
  EXPECT_EQ(r.exit_code, 1) << "a target not delivered";
  objs = read_json();
  ASSERT_EQ(objs.size(), 1u);
  EXPECT_EQ(objs[0]["delivered"], false);
  EXPECT_EQ(objs[0]["http_status"], 503);
  EXPECT_TRUE(objs[0]["error"].is_string());
  EXPECT_EQ(objs[0]["spooled"], true);

  // An unset ${VAR} fails that target only: kept in the spool, status 1.
  const auto from_env = home.write_file(
      "from-env.toml", "[profiles.dev]\ntype = \"discord\"\nwebhook_url = \"${DISCORD_WEBHOOK}\"\n");
  r = sh(cmd, std::nullopt, {{"NOTIFY_CONFIG", from_env.string()}});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  objs = read_json();
  ASSERT_EQ(objs.size(), 1u);
  EXPECT_EQ(objs[0]["spooled"], true);
  EXPECT_THAT(objs[0]["error"].dump(), HasSubstr("DISCORD_WEBHOOK"));
  const auto broken = home.write_file("broken.toml", "[profiles.dev]\ntype = \"discord\"\nwebhok = 1\n");
  r = sh(cmd, std::nullopt, {{"NOTIFY_CONFIG", broken.string()}});
  EXPECT_EQ(r.exit_code, 2) << "a configuration error";
  r = sh(subst(cmd, "--json", "--json --no-such-option"));
  EXPECT_EQ(r.exit_code, 2) << "a usage error";
}

TEST_F(ReadmeE2E, systemd_unit_command_reports_the_journal_of_the_failed_unit) {
  std::string exec;
  for (const auto& l : lines_of(example("```ini [Unit]")))
    if (l.rfind("ExecStart=", 0) == 0) exec = l.substr(10);
  ASSERT_FALSE(exec.empty());
  auto r = sh(subst(exec, "%i", "nginx.service"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto t = texts(mm);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_THAT(t[0], HasSubstr("nginx.service failed"));
  EXPECT_THAT(t[0], HasSubstr("```\njournalctl -u nginx.service -n 50 --no-pager\n"));
}

TEST_F(ReadmeE2E, flush_exit_statuses_are_as_described) {
  const std::string flush = cron_command("cron: */10 * * * * notify flush");
  auto r = sh(flush);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out + r.err, "") << "quiet when the spool is empty";

  spool_for_dev("waiting message", false);
  dc.push_reply(server_error(503));
  r = sh(flush);
  EXPECT_EQ(r.exit_code, 1) << "a message is still waiting";
  r = sh(flush);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(texts(dc).back(), "waiting message");
  r = sh("notify spool");
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("waiting message")));

  spool_for_dev("doomed message", false);
  dc.push_reply(json_reply(404, R"({"message": "Unknown Webhook", "code": 10015})"));
  r = sh(flush);
  EXPECT_EQ(r.exit_code, 1) << "one failed for good just now";
  r = sh(flush);
  EXPECT_EQ(r.exit_code, 0) << "a dead letter is not waiting: " << r.err;

  // `notify flush ops` flushes one target only.
  mm.push_reply(server_error(503));
  r = sh("notify ops 'for ops'");
  EXPECT_EQ(r.exit_code, 1);
  spool_for_dev("for dev", false);
  mm.reset();
  const auto dc_before = dc.request_count();
  r = sh(flush + " ops");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(texts(mm), std::vector<std::string>{"for ops"});
  EXPECT_EQ(dc.request_count(), dc_before) << "dev's message is not flushed";
  r = sh("notify spool");
  EXPECT_THAT(r.out, HasSubstr("for dev"));
}

TEST_F(ReadmeE2E, spool_commands_list_show_retry_and_drop) {
  const std::string id = spool_for_dev("first line of the report\nsecond line", true);
  ASSERT_FALSE(id.empty());

  auto r = sh(example("notify spool"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // "ID, state, target, age, attempts, last error, first line"
  const auto rows = lines_of(r.out);
  ASSERT_EQ(rows.size(), 2u) << r.out;
  for (const char* h : {"ID", "STATE", "TARGET", "AGE", "TRIES", "LAST ERROR", "FIRST LINE"})
    EXPECT_THAT(rows[0], HasSubstr(h));
  EXPECT_EQ(rows[1].rfind(id + " ", 0), 0u) << rows[1];
  for (const char* cell : {"failed", "dev", "404", "first line of the report"})
    EXPECT_THAT(rows[1], HasSubstr(cell));
  EXPECT_THAT(rows[1], Not(HasSubstr("second line")));

  r = sh(subst(example("notify spool show 17"), "17", id));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("first line of the report\nsecond line"));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("test-webhook-token"))) << "secrets masked";

  r = sh(subst(example("notify spool retry 17"), "17", id));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = sh("notify spool");
  EXPECT_THAT(r.out, HasSubstr("pending")) << "back in the queue: " << r.out;
  EXPECT_THAT(r.out, Not(HasSubstr("failed ")));

  r = sh(subst(example("notify spool drop 17"), "17", id));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = sh("notify spool --json");
  EXPECT_THAT(r.out, Not(HasSubstr("first line of the report")));

  // "or --failed, or --all"
  spool_for_dev("dead one", true);
  spool_for_dev("waiting one", false);
  r = sh("notify spool drop --failed");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = sh("notify spool");
  EXPECT_THAT(r.out, Not(HasSubstr("dead one")));
  EXPECT_THAT(r.out, HasSubstr("waiting one"));
  r = sh("notify spool drop --all");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = sh("notify spool --json");
  EXPECT_THAT(r.out, Not(HasSubstr("waiting one")));
}

TEST_F(ReadmeE2E, file_is_attached_where_the_service_takes_it) {
  const std::string pdf("%PDF-1.4\n\x00\x01\xff binary\n", 20);
  const auto file = home.write_file("reports/nightly.pdf", pdf, 0644);
  const std::string cmd = subst(example("notify me -t \"nightly report\" --file /var/reports/nightly.pdf"),
                                "/var/reports/nightly.pdf", file.string());
  auto r = sh(cmd);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  bool document = false, caption = false;
  for (const auto& q : tg.requests())
    for (const auto& p : q.parts) {
      document = document || (p.name == "document" && p.filename == "nightly.pdf" && p.content == pdf);
      caption = caption || (p.name == "caption" && p.content == "nightly report");
    }
  EXPECT_TRUE(document) << "the file arrives byte for byte";
  EXPECT_TRUE(caption);
  // "To a single target that cannot carry the file it is a usage error"
  for (const char* to : {"ops", "family"}) {
    r = sh(subst(cmd, "notify me", std::string("notify ") + to));
    EXPECT_EQ(r.exit_code, 2) << to;
    EXPECT_THAT(r.err, HasSubstr(std::string("profile '") + to + "'"));
  }
  EXPECT_EQ(mm.request_count() + ln.request_count(), 0u);
  // "To a group ... the text with one line at its end, `Not attached here: ...`"
  const auto docs_before = tg.request_count();
  r = sh(subst(example("notify all -t \"nightly report\" --file /var/reports/nightly.pdf"),
               "/var/reports/nightly.pdf", file.string()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(tg.request_count(), docs_before + 1) << "the document again, to me";
  ASSERT_EQ(mm.request_count(), 1u);
  const auto text = nlohmann::json::parse(mm.requests()[0].body).value("text", "");
  EXPECT_THAT(text, HasSubstr("Not attached here: nightly.pdf (mattermost, whose incoming webhooks "
                              "cannot carry files)."));
}

TEST_F(ReadmeE2E, stream_sends_a_short_log_and_ends_at_its_end) {
  home.write_file("app.log", "started\nlistening on :8080\nready\n");
  const std::string cmd = subst(example("tail -f /var/log/app.log | notify --stream ops -t app.log"),
                                "/var/log/app.log", (home / "app.log").string());
  auto r = sh(cmd);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto t = texts(mm);
  ASSERT_EQ(t.size(), 1u) << "one batch";
  EXPECT_THAT(t[0], HasSubstr("app.log"));
  EXPECT_THAT(t[0], HasSubstr("started\nlistening on :8080\nready"));
}

TEST_F(ReadmeE2E, markdown_as_written_for_mattermost_and_as_entities_for_telegram) {
  const std::string md = "# Nightly\n\n**3** jobs ok, see <https://example.com/r>\n\n- [x] backup\n";
  home.write_file("reports/nightly.md", md);
  auto r = sh(subst(example("notify --markdown me,ops -t \"nightly report\" < /var/reports/nightly.md"),
                    "/var/reports/nightly.md", (home / "reports/nightly.md").string()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto m = texts(mm);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_THAT(m[0], HasSubstr(rtrim(md))) << "Mattermost renders Markdown itself";
  ASSERT_EQ(tg.request_count(), 1u);
  auto body = nlohmann::json::parse(tg.requests()[0].body);
  EXPECT_FALSE(body.contains("parse_mode"));
  ASSERT_TRUE(body.contains("entities"));
  EXPECT_THAT(body["entities"].dump(), HasSubstr("\"bold\""));
  const std::string text = body["text"];
  EXPECT_THAT(text, HasSubstr("3 jobs ok"));
  EXPECT_THAT(text, Not(HasSubstr("**")));
  EXPECT_THAT(text, Not(HasSubstr("# Nightly")));
}

TEST_F(ReadmeE2E, dry_run_prints_every_request_with_secrets_masked_and_sends_nothing) {
  auto r = sh(example("echo hello | notify --dry-run all"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(mm.request_count() + tg.request_count(), 0u);
  EXPECT_THAT(r.out, HasSubstr("POST " + mm.base_url() + "/hooks/***"));
  EXPECT_THAT(r.out, HasSubstr("POST " + tg.base_url() + "/bot***/sendMessage"));
  EXPECT_THAT(r.out, HasSubstr("Content-Type: application/json"));
  EXPECT_THAT(r.out, HasSubstr("\"text\":\"hello\""));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("testhook1234")));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("TEST-fake-token")));
}

// --- Profiles ---------------------------------------------------------------------

// "Quiet hours": the recipe's profile, at 23:00 in a zone made for the test.
TEST_F(ReadmeE2E, quiet_hours_keep_what_is_not_urgent_and_urgent_goes_at_once) {
  home.write_file(".config/notify/profiles.toml",
                  "[defaults]\nretries = 0\n\n" +
                      example("```toml [profiles.ops]"));
  const Env night = {{"TZ", tz_where_now_is(23, 0, 0)}};
  auto r = sh("notify ops \"backup failed\"", std::nullopt, night);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(mm.request_count(), 0u);
  r = sh("notify -v ops \"disk full\"", std::nullopt, night);
  EXPECT_THAT(r.err, HasSubstr("kept for quiet hours 22:00-07:00 until 07:00"));
  r = sh("notify --priority urgent ops \"db1 is down\"", std::nullopt, night);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(mm.request_count(), 1u);
  r = sh("notify flush", std::nullopt, night);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(mm.request_count(), 1u) << "due at 07:00, not before";
  r = sh("notify spool list --json", std::nullopt, night);
  const auto rows = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(rows.is_array()) << r.out;
  EXPECT_EQ(rows.size(), 2u);
  // At noon the same profile sends at once.
  r = sh("notify ops \"lunch\"", std::nullopt, {{"TZ", tz_where_now_is(12, 0, 0)}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(mm.request_count(), 2u);
}


// "Make the phone ring": the recipe's profiles, pointed at the fakes.
TEST_F(ReadmeE2E, the_phone_rings_for_urgent_and_stays_quiet_for_low) {
  FakeServer ntfy_server;
  FakeNtfy ntfy;
  ntfy_server.set_handler(ntfy.handler());
  std::string toml = example("```toml [profiles.team] # every alert, full text");
  toml = subst(toml, "/run/secrets/telegram-token", (home / "secrets/telegram-token").string());
  toml = subst(toml, "chat_id = 123456789", "chat_id = 111111111\napi_base = \"" + tg.base_url() + "\"");
  toml = subst(toml, "topic = \"alerts-6f1c2b9e\"",
               "topic = \"alerts-6f1c2b9e\"\nserver = \"" + ntfy_server.base_url() + "\"");
  home.write_file(".config/notify/profiles.toml", "[defaults]\nretries = 0\ntimeout = 5\n\n" + toml);
  home.write_file("db1.err", "connection refused on 5432\n");
  const Env env = {{"DISCORD_WEBHOOK", discord_url(dc)}};

  auto r = sh(subst(example("notify alerts --priority urgent -t \"db1 is down\" < /var/log/db1.err"),
                    "/var/log/db1.err", (home / "db1.err").string()),
              std::nullopt, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(mm.request_count(), 1u);
  const auto team = nlohmann::json::parse(mm.requests()[0].body);
  EXPECT_EQ(team["priority"]["priority"], "urgent");
  EXPECT_THAT(team["text"].get<std::string>(), HasSubstr("@here"));
  EXPECT_THAT(team["text"].get<std::string>(), HasSubstr("connection refused on 5432"));
  ASSERT_EQ(tg.request_count(), 1u);
  EXPECT_THAT(tg.requests()[0].body, HasSubstr("connection refused on 5432"));
  ASSERT_EQ(ntfy.messages().size(), 1u);
  EXPECT_EQ(ntfy.messages()[0].priority, 5);
  EXPECT_EQ(ntfy.messages()[0].title, "db1 is down");
  EXPECT_THAT(ntfy.messages()[0].message, Not(HasSubstr("5432"))) << "notice_only: no text";
  ASSERT_EQ(dc.request_count(), 1u);
  const auto loud = nlohmann::json::parse(dc.requests()[0].body);
  EXPECT_EQ(loud["allowed_mentions"]["roles"], nlohmann::json::array({"123456789012345678"}));

  r = sh(example("notify alerts --priority low \"backup done\""),
         std::nullopt, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(mm.request_count(), 2u);
  EXPECT_EQ(nlohmann::json::parse(mm.requests()[1].body).value("silent", false), true);
  EXPECT_EQ(tg.request_count(), 1u) << "pager takes urgent only";
  EXPECT_EQ(ntfy.messages().size(), 1u) << "phone takes high and urgent only";
  EXPECT_EQ(dc.request_count(), 1u) << "loud takes urgent only";
}

// "A dead-man switch for a cron job": the recipe's profiles, pointed at fakes.
TEST_F(ReadmeE2E, a_run_pings_the_switches_and_a_plain_send_or_fail_pings_them_too) {
  FakeServer hc_server, kuma_server;
  FakeHealthchecks hc;
  FakeUptimeKuma kuma;
  hc_server.set_handler(hc.handler());
  kuma_server.set_handler(kuma.handler());
  home.write_file(".config/notify/profiles.toml",
                  "[defaults]\nretries = 0\ntimeout = 5\n\n" + example("```toml [profiles.nightly]") +
                      "\n[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"" + mattermost_url(mm) +
                      "\"\n");
  // backup.sh is found in the test's bin/, first on PATH.
  home.write_file("bin/backup.sh", "#!/bin/sh\necho copied 3 volumes\nexit 0\n", 0755);
  const Env env = {{"HC_PING_URL", hc.ping_url(hc_server)},
                   {"KUMA_PUSH_URL", kuma.push_url(kuma_server)}};
  auto r = sh(subst(example("notify run nightly,ops -- /usr/local/bin/backup.sh"),
                    "/usr/local/bin/backup.sh", (bin / "backup.sh").string()),
              std::nullopt, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto pings = hc.pings();
  ASSERT_EQ(pings.size(), 2u);
  EXPECT_EQ(pings[0].kind, "start");
  EXPECT_EQ(pings[1].kind, "exit");
  EXPECT_EQ(pings[1].exit_status, 0);
  EXPECT_EQ(pings[0].rid, pings[1].rid);
  EXPECT_THAT(pings[1].body, HasSubstr("copied 3 volumes"));
  EXPECT_EQ(mm.request_count(), 0u) << "--on failure: a success is not reported to the chat";

  const std::string line = example("backup.sh && notify nightly \"backup done\" || notify --fail nightly");
  r = sh(line, std::nullopt, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(hc.pings().size(), 3u);
  EXPECT_EQ(hc.pings()[2].kind, "success");
  EXPECT_EQ(hc.pings()[2].body, "backup done");
  home.write_file("bin/backup.sh", "#!/bin/sh\nexit 1\n", 0755);
  r = sh(line, std::nullopt, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(hc.pings().size(), 4u);
  EXPECT_EQ(hc.pings()[3].kind, "fail");
  // The kuma profile of the same block loads and pushes.
  r = sh("notify kuma \"status page check\"", std::nullopt, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(kuma.pushes().size(), 1u);
  EXPECT_EQ(kuma.pushes()[0].status, "up");
}

TEST_F(ReadmeE2E, the_profile_example_loads_and_names_what_is_missing) {
  home.write_file("secrets/smtp", "smtp-password\n");
  const auto file = home.write_file(
      "readme.toml",
      subst(subst(example("```toml [defaults]"), "/run/secrets/telegram-token",
                  (home / "secrets/telegram-token").string()),
            "/run/secrets/smtp", (home / "secrets/smtp").string()));
  auto r = sh("notify check -c " + file.string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = sh("notify list -c " + file.string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* name : {"ops", "me", "phone", "mail", "all"}) EXPECT_THAT(r.out, HasSubstr(name));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("smtp-password")));
  // "An unset variable ... is an error naming the profile, the field and the variable"
  r = sh("notify check -c " + file.string(), std::nullopt, {{"MATTERMOST_WEBHOOK", std::nullopt}});
  EXPECT_EQ(r.exit_code, 2);
  for (const char* part : {"ops", "webhook_url", "MATTERMOST_WEBHOOK"}) EXPECT_THAT(r.err, HasSubstr(part));
  EXPECT_EQ(mm.request_count() + tg.request_count(), 0u) << "check sends nothing";
}

TEST_F(ReadmeE2E, list_shows_profiles_masked_groups_and_the_spool) {
  spool_for_dev("waiting", false);
  spool_for_dev("waiting too", false);
  spool_for_dev("dead", true);
  auto r = sh("notify list");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* s : {"ops", "me", "family", "dev", "all"}) EXPECT_THAT(r.out, HasSubstr(s));
  EXPECT_THAT(r.out, HasSubstr("ops, me"));
  for (const char* secret : {"test-webhook-token", "TEST-fake-token", kLineToken, "testhook1234"})
    EXPECT_THAT(r.out + r.err, Not(HasSubstr(secret)));
  std::string dev_row;
  for (const auto& l : lines_of(r.out))
    if (l.rfind("dev ", 0) == 0) dev_row = l;
  EXPECT_THAT(dev_row, HasSubstr("2 waiting in the spool")) << r.out;
  EXPECT_THAT(dev_row, HasSubstr("1 failed")) << r.out;
  r = sh("notify check");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(ReadmeE2E, a_literal_secret_readable_by_others_is_warned_about_and_still_sent) {
  fs::permissions(home / ".config/notify/profiles.toml", fs::perms(0644));
  auto r = sh("notify family 'disk almost full'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("chmod 600"));
  EXPECT_THAT(r.err, Not(HasSubstr(kLineToken)));
  EXPECT_EQ(texts(ln), std::vector<std::string>{"disk almost full"});
}

// --- Architecture ------------------------------------------------------------------

TEST(ReadmeTest, architecture_names_directories_that_exist) {
  std::string text;
  for (const auto& e : readme_examples())
    // The block is found by its first directory, whatever that line says.
    if (e.key.rfind("``` src/core ", 0) == 0) text = e.text;
  ASSERT_FALSE(text.empty());
  int dirs = 0;
  for (const auto& l : lines_of(text)) {
    if (l.empty() || std::isspace(static_cast<unsigned char>(l[0]))) continue;
    const std::string dir = l.substr(0, l.find(' '));
    EXPECT_TRUE(fs::is_directory(fs::path(NOTIFY_SOURCE_DIR) / dir)) << dir;
    ++dirs;
  }
  EXPECT_GE(dirs, 10);
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The layers `who` links, as its CMake says: notify_<layer> names in
/// src/<who>/CMakeLists.txt, or in the notify executable's link line for main.cpp.
std::set<std::string> cmake_links(const std::string& who, const std::set<std::string>& layers) {
  const fs::path src = fs::path(NOTIFY_SOURCE_DIR) / "src";
  std::string text = read_all(who == "main.cpp" ? src.parent_path() / "CMakeLists.txt"
                                                : src / who / "CMakeLists.txt");
  if (who == "main.cpp") {
    std::smatch m;
    text = std::regex_search(text, m, std::regex(R"(target_link_libraries\(notify PRIVATE ([^)]*)\))"))
               ? m[1].str()
               : "";
  }
  std::set<std::string> out;
  const std::regex name(R"(notify_([a-z]+))");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), name); it != std::sregex_iterator();
       ++it)
    if (layers.count((*it)[1]) && (*it)[1] != who) out.insert((*it)[1]);
  return out;
}

// A layer graph written in a document is the build's: each arrow is a link
// in the includer's CMakeLists.txt, and each link the build makes is an
// arrow or a chain of them, so neither can change without the other.
void expect_graph_is_the_cmake_link_graph(const std::string& text, const std::string& doc) {
  SCOPED_TRACE(doc);
  std::set<std::string> layers;
  for (const auto& d : fs::directory_iterator(fs::path(NOTIFY_SOURCE_DIR) / "src"))
    if (d.is_directory()) layers.insert(d.path().filename().string());
  ASSERT_GE(layers.size(), 10u);

  std::map<std::string, std::set<std::string>> includes;  // includer -> layers it may include
  std::set<std::string> named;
  for (const auto& l : lines_of(text)) {
    std::vector<std::vector<std::string>> groups{{}};
    std::string word;
    auto flush = [&] {
      if (!word.empty()) groups.back().push_back(word), named.insert(word);
      word.clear();
    };
    for (std::size_t i = 0; i < l.size(); ++i) {
      if (l.compare(i, 2, "<-") == 0) flush(), groups.emplace_back(), ++i;
      else if (l[i] == ',' || std::isspace(static_cast<unsigned char>(l[i]))) flush();
      else word += l[i];
    }
    flush();
    for (std::size_t g = 0; g + 1 < groups.size(); ++g)
      for (const auto& a : groups[g])
        for (const auto& b : groups[g + 1]) includes[b].insert(a);
  }
  for (const auto& n : named)
    EXPECT_TRUE(layers.count(n) || n == "main.cpp") << n << " is not a folder of src/";
  for (const auto& l : layers) EXPECT_TRUE(named.count(l)) << "the graph leaves out src/" << l;

  for (const auto& [who, direct] : includes) {
    const auto links = cmake_links(who, layers);
    for (const auto& a : direct)
      EXPECT_TRUE(links.count(a)) << who << " does not link notify_" << a << " but " << doc << " says "
                                  << a << " <- " << who;
    std::set<std::string> reach(direct.begin(), direct.end());
    for (std::size_t before = 0; before != reach.size();) {
      before = reach.size();
      for (const auto& r : std::set<std::string>(reach))
        if (includes.count(r)) reach.insert(includes[r].begin(), includes[r].end());
    }
    for (const auto& a : links)
      EXPECT_TRUE(reach.count(a)) << who << " links notify_" << a << ", which the graph of " << doc
                                  << " does not let it include";
  }
  EXPECT_EQ(cmake_links("main.cpp", layers), (std::set<std::string>{"cli"}));
}

TEST(ReadmeTest, layer_graph_is_the_cmake_link_graph) {
  expect_graph_is_the_cmake_link_graph(
      example("``` core <- config <- services <- delivery <- app <- cli <- main.cpp"), "README.md");
}

// ARCHITECTURE.md, for the next engineer, draws the same graph: its first
// code block that starts with "core <-".
TEST(ArchitectureTest, layer_graph_is_the_cmake_link_graph) {
  std::ifstream in(fs::path(NOTIFY_SOURCE_DIR) / "ARCHITECTURE.md");
  ASSERT_TRUE(in) << "ARCHITECTURE.md is missing";
  std::string line, block;
  bool in_block = false, found = false;
  while (!found && std::getline(in, line)) {
    if (line.rfind("```", 0) == 0) {
      if (in_block && block.rfind("core <-", 0) == 0) found = true;
      else block.clear();
      in_block = !in_block;
    } else if (in_block) {
      block += line + "\n";
    }
  }
  ASSERT_TRUE(found) << "ARCHITECTURE.md has no layer graph (a code block starting with 'core <-')";
  expect_graph_is_the_cmake_link_graph(block, "ARCHITECTURE.md");
}

}  // namespace
}  // namespace notify::test
