// "The pipe's promise", command-line parts: commands only in first place,
// names, errors a person can act on, write errors, the setup wizard.

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "e2e.hpp"

extern char** environ;

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// --- Commands only in first place ------------------------------------------

class CommandsFirstE2E : public FourServicesE2E {
 protected:
  RunResult send(std::vector<std::string> args) {
    args.insert(args.begin(), {"-c", path});
    return notify(args);
  }
};

TEST_F(CommandsFirstE2E, a_command_word_after_the_target_is_message_text) {
  const std::vector<std::string> messages = {
      "list of files", "check this",   "deploy test passed", "run finished", "setup done",
      "flush the cache", "telegram is down", "help me", "spool is full", "send it"};
  for (const auto& text : messages) {
    std::vector<std::string> args = {"ops"};
    std::istringstream words(text);
    for (std::string w; words >> w;) args.push_back(w);
    auto r = send(args);
    EXPECT_EQ(r.exit_code, 0) << text << ": " << r.err;
    ASSERT_GT(mm.request_count(), 0u) << text;
    EXPECT_EQ(texts_of(mm.requests().back()), std::vector<std::string>{text});
  }
  EXPECT_EQ(mm.request_count(), messages.size());
  EXPECT_EQ(tg.request_count(), 0u) << "`deploy test passed` must not test a profile";
}

TEST_F(CommandsFirstE2E, send_is_the_explicit_form_for_a_profile_named_like_a_command) {
  auto p = config("[profiles.list]\ntype = \"mattermost\"\nwebhook_url = \"" +
                  mattermost_url(mm) + "\"\n");
  auto r = notify({"-c", p, "send", "list", "hello", "there"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(mm.request_count(), 1u);
  EXPECT_EQ(texts_of(mm.requests().back()), std::vector<std::string>{"hello there"});
  auto check = notify({"-c", p, "check"});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_THAT(check.err, HasSubstr("notify send list"));
  EXPECT_THAT(check.out, HasSubstr("1 profile, 0 groups"));
}

TEST_F(CommandsFirstE2E, help_command_prints_what_help_option_prints) {
  auto main_help = notify({"--help"});
  ASSERT_EQ(main_help.exit_code, 0);
  auto help = notify({"help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_EQ(help.out, main_help.out);
  for (const std::string command : {"list", "setup", "run", "test", "flush"}) {
    auto by_option = notify({command, "--help"});
    auto by_command = notify({"help", command});
    EXPECT_EQ(by_command.exit_code, 0) << command << ": " << by_command.err;
    EXPECT_EQ(by_command.out, by_option.out) << command;
    EXPECT_THAT(by_command.out, HasSubstr("notify " + command)) << command;
  }
  auto telegram = notify({"telegram", "--help"});
  EXPECT_EQ(telegram.exit_code, 0) << telegram.err;
  EXPECT_THAT(telegram.out, HasSubstr("notify telegram discover"));
  EXPECT_EQ(notify({"help", "telegram"}).out, telegram.out);
}

TEST_F(CommandsFirstE2E, a_word_after_double_dash_is_message_text) {
  auto r = send({"ops", "--", "-x", "--title", "list"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(texts_of(mm.requests().back()), std::vector<std::string>{"-x --title list"});
  auto late = send({"ops", "disk", "full", "--title", "Alert"});
  EXPECT_EQ(late.exit_code, 0) << late.err;
  EXPECT_THAT(texts_of(mm.requests().back()).at(0), HasSubstr("Alert"));
  EXPECT_THAT(texts_of(mm.requests().back()).at(0), HasSubstr("disk full"));
}

TEST_F(CommandsFirstE2E, unknown_option_among_words_says_how_to_send_it) {
  auto r = send({"ops", "temperature", "-5", "degrees"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("'-5'"));
  EXPECT_THAT(r.err, HasSubstr("after '--'"));
  EXPECT_THAT(r.err, HasSubstr("quote"));
  EXPECT_EQ(lines_of(r.err).size(), 2u) << r.err;
  EXPECT_EQ(mm.request_count(), 0u);
}

// Every usage error: one line in notify's words, then the pointer to --help.
TEST_F(CommandsFirstE2E, usage_errors_are_one_line_in_notifys_words) {
  const std::vector<std::vector<std::string>> bad = {
      {"list", "extra"},
      {"check", "this"},
      {"setup", "a", "b", "c"},
      {"test"},
      {"test", "ops", "me"},
      {"flush", "ops", "me"},
      {"telegram"},
      {"telegram", "discovr"},
      {"--timeout", "abc", "ops", "x"},
      {"--retries", "1000", "ops", "x"},
      {"--max-parts", "0", "ops", "x"},
      {"run", "ops"},
      {"--bogus", "ops", "x"},
      {"ops", "--title"},
      {"list", "--title", "x"},
      {"help", "nothing"},
      {"--json=yes", "ops", "x"},
  };
  for (const auto& args : bad) {
    auto r = send(args);
    std::string shown;
    for (const auto& a : args) shown += a + " ";
    EXPECT_EQ(r.exit_code, 2) << shown << r.err;
    auto lines = lines_of(r.err);
    ASSERT_EQ(lines.size(), 2u) << shown << r.err;
    EXPECT_THAT(lines[0], HasSubstr("notify: error: ")) << shown;
    EXPECT_THAT(lines[1], HasSubstr("Try 'notify --help'")) << shown;
    for (const char* cli11 : {"not expected", "is required", "not in range", "Value ",
                              "Expected", "Could not convert", "subcommand", "RequiredError",
                              "ExtrasError", "argument"})
      EXPECT_THAT(lines[0], Not(HasSubstr(cli11))) << shown;
  }
  EXPECT_EQ(mm.request_count() + tg.request_count(), 0u);
}

// --- Errors a person can act on --------------------------------------------

TEST_F(CommandsFirstE2E, did_you_mean_for_targets_and_commands) {
  auto cmd = send({"lsit"});
  EXPECT_EQ(cmd.exit_code, 2);
  EXPECT_THAT(cmd.err, HasSubstr("did you mean the command 'list'?"));
  auto target = send({"opz", "hello"});
  EXPECT_EQ(target.exit_code, 2);
  EXPECT_THAT(target.err, HasSubstr("did you mean 'ops'?"));
  auto option = send({"ops", "--titel", "x", "hello"});
  EXPECT_EQ(option.exit_code, 2);
  EXPECT_THAT(option.err, HasSubstr("did you mean '--title'?"));
  EXPECT_EQ(mm.request_count(), 0u);
}

TEST_F(E2E, unknown_target_among_many_profiles_is_a_short_line) {
  std::string toml;
  for (int i = 0; i < 60; ++i)
    toml += "[profiles.server-" + std::to_string(1000 + i) +
            "]\ntype = \"mattermost\"\nwebhook_url = \"http://127.0.0.1:9/hooks/x\"\n";
  auto p = config(toml);
  auto r = notify({"-c", p, "nothing-like-it", "hello"});
  EXPECT_EQ(r.exit_code, 2);
  auto first = lines_of(r.err).at(0);
  EXPECT_LT(first.size(), 300u) << first;
  EXPECT_THAT(first, HasSubstr("60 in all"));
  EXPECT_THAT(first, HasSubstr("notify list"));
}

TEST_F(E2E, missing_profile_file_names_setup_and_the_installed_example) {
  auto r = notify({"ops", "hello"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("notify setup"));
  EXPECT_THAT(r.err, HasSubstr("/share/doc/notify/profiles.example.toml"));
}

TEST_F(E2E, an_error_line_names_the_profile_once_and_counts_in_the_singular) {
  FakeServer mm;
  mm.set_handler([](const Recorded&) { return Reply{503, "down", "text/plain", {}}; });
  auto p = config("[profiles.ops]\ntype = \"mattermost\"\nretries = 0\nwebhook_url = \"" +
                  mattermost_url(mm) + "\"\n");
  auto r = notify({"-c", p, "ops", "hello"});
  EXPECT_EQ(r.exit_code, 1);
  auto first = lines_of(r.err).at(0);
  EXPECT_THAT(first, HasSubstr("ops: not delivered"));
  EXPECT_EQ(first.find("ops", first.find("ops") + 3), std::string::npos) << first;
  EXPECT_THAT(first, HasSubstr("1 attempt)"));
}

// --- Write errors are errors -----------------------------------------------

// Runs notify with standard output on `out_fd` and standard error in a file.
RunResult run_with_stdout(const std::vector<std::string>& args, int out_fd,
                          const std::filesystem::path& home) {
  const auto err_path = home / "stderr.txt";
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
  posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  std::vector<std::string> all = {NOTIFY_BINARY};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  RunResult r;
  if (::posix_spawn(&pid, NOTIFY_BINARY, &fa, nullptr, argv.data(), environ) != 0) return r;
  posix_spawn_file_actions_destroy(&fa);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  std::ifstream in(err_path);
  r.err.assign(std::istreambuf_iterator<char>(in), {});
  return r;
}

class WriteErrorE2E : public FourServicesE2E {};

TEST_F(WriteErrorE2E, full_disk_on_stdout_is_one_line_and_status_1) {
  int full = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  ASSERT_GE(full, 0);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--help"}, {"-c", path, "list"}, {"-c", path, "list", "--json"},
        {"-c", path, "--json", "ops", "hello"}}) {
    auto r = run_with_stdout(args, full, home.path());
    EXPECT_EQ(r.exit_code, 1) << args.back() << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr("cannot write to standard output")) << args.back();
    EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
  }
  ::close(full);
  EXPECT_EQ(mm.request_count(), 1u) << "the message is still delivered";
}

TEST_F(WriteErrorE2E, closed_pipe_on_stdout_is_one_line_and_status_1) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  ::close(fds[0]);  // the reader is gone before notify writes a byte
  auto r = run_with_stdout({"-c", path, "list"}, fds[1], home.path());
  ::close(fds[1]);
  EXPECT_EQ(r.signal, 0) << "not killed by SIGPIPE";
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("cannot write to standard output"));
}

// --- Names and setup -------------------------------------------------------

class SetupPromiseE2E : public E2E {
 protected:
  FakeServer mm, tg;
  void SetUp() override {
    mm.set_handler(mattermost_handler());
    tg.set_handler(telegram_handler());
  }
  std::string cfg_path() const { return (home / "cfg/notify/profiles.toml").string(); }
  RunResult run(std::vector<std::string> args, std::optional<std::string> in = std::nullopt) {
    return notify(args, in, {{"XDG_CONFIG_HOME", (home / "cfg").string()}});
  }
  RunResult wizard(std::vector<std::string> args, std::string typed) {
    RunOptions o;
    o.isolate(home.path());
    o.set_env("XDG_CONFIG_HOME", (home / "cfg").string());
    o.stdin_tty = true;
    o.stdin_data = std::move(typed);
    o.timeout = std::chrono::seconds(30);
    args.insert(args.begin(), {NOTIFY_BINARY, "setup"});
    return run_process(args, o);
  }
};

TEST_F(SetupPromiseE2E, dotted_name_is_quoted_and_usable) {
  auto r = run({"setup", "my.ops", "--type", "mattermost", "--webhook-url", mattermost_url(mm)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(home.read_file("cfg/notify/profiles.toml"), HasSubstr("[profiles.\"my.ops\"]"));
  auto sent = run({"my.ops", "hello"});
  EXPECT_EQ(sent.exit_code, 0) << sent.err;
  EXPECT_EQ(mm.request_count(), 1u);
}

TEST_F(SetupPromiseE2E, refuses_command_names_and_names_breaking_the_rule) {
  auto command = run({"setup", "test", "--type", "mattermost", "--webhook-url", mattermost_url(mm)});
  EXPECT_EQ(command.exit_code, 2);
  EXPECT_THAT(command.err, HasSubstr("is a command"));
  auto dash = run({"setup", "--type", "mattermost", "--webhook-url", mattermost_url(mm), "--",
                   "-dash"});
  EXPECT_EQ(dash.exit_code, 2);
  EXPECT_THAT(dash.err, HasSubstr("'-dash'"));
  auto dot = run({"setup", ".hidden", "--type", "mattermost", "--webhook-url", mattermost_url(mm)});
  EXPECT_EQ(dot.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(cfg_path()));
}

TEST_F(SetupPromiseE2E, a_symlinked_profile_file_keeps_its_link) {
  home.write_file("dotfiles/profiles.toml", "# mine\n");
  std::filesystem::create_directories(home / "cfg/notify");
  std::filesystem::create_symlink(home / "dotfiles/profiles.toml", cfg_path());
  auto r = run({"setup", "ops", "--type", "mattermost", "--webhook-url", mattermost_url(mm)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::is_symlink(cfg_path()));
  EXPECT_THAT(home.read_file("dotfiles/profiles.toml"), HasSubstr("[profiles.ops]"));
}

TEST_F(SetupPromiseE2E, enter_on_a_required_field_asks_again) {
  // webhook URL: Enter, then the URL; channel, username, icon: Enter; test: no
  auto r = converse({"setup", "ops", "--type", "mattermost"},
                    {{"Incoming webhook URL", "\n"},
                     {"an answer is needed", ""},
                     {"Incoming webhook URL", mattermost_url(mm) + "\n"},
                     {"Channel name", "\n"},
                     {"Sender name", "\n"},
                     {"Sender icon URL", "\n"},
                     {"Send a test message", "n\n"}},
                    {{"XDG_CONFIG_HOME", (home / "cfg").string()}});
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("an answer is needed"));
  EXPECT_THAT(home.read_file("cfg/notify/profiles.toml"), HasSubstr(mattermost_url(mm)));
}

TEST_F(SetupPromiseE2E, end_of_input_leaves_the_prompt_on_its_own_line) {
  auto r = wizard({}, "\x04");
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("Profile name [default]: \n"));
  EXPECT_THAT(r.err, HasSubstr("nothing was written"));
}

TEST_F(SetupPromiseE2E, a_rejected_token_can_be_entered_again_and_no_topic_for_a_private_chat) {
  // token (wrong), find by messaging: yes, token again (right), pick the
  // private chat, no test message. No topic question may come in between.
  auto r = converse({"setup", "me", "--type", "telegram", "--api-base", tg.base_url()},
                    {{"Bot token from @BotFather", "123456789:WRONG-token-xyz\n"},
                     {"Find the chat id by messaging the bot now?", "y\n"},
                     {"Bot token from @BotFather", std::string(kTgToken) + "\n"},
                     {"Pick a chat", "1\n"},
                     {"Send a test message", "n\n"}},
                    {{"XDG_CONFIG_HOME", (home / "cfg").string()}});
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("rejected the bot token"));
  EXPECT_THAT(r.err, Not(HasSubstr("Forum topic")));
  auto text = home.read_file("cfg/notify/profiles.toml");
  EXPECT_THAT(text, HasSubstr("chat_id = \"111111111\""));
  EXPECT_THAT(text, HasSubstr(kTgToken));
  EXPECT_THAT(text, Not(HasSubstr("thread_id")));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr("WRONG-token-xyz")));
}

TEST_F(SetupPromiseE2E, two_topics_of_one_forum_are_told_apart) {
  TelegramOptions o;
  auto topic = [](int update, int thread) {
    return R"({"update_id": )" + std::to_string(update) +
           R"(, "message": {"message_id": )" + std::to_string(update) +
           R"(, "message_thread_id": )" + std::to_string(thread) +
           R"(, "is_topic_message": true, "date": 1767225780, "text": "hi",
             "chat": {"id": -1001234567890, "title": "Eng Forum", "is_forum": true,
                      "type": "supergroup"}}})";
  };
  o.updates_json = R"({"ok": true, "result": [)" + topic(1, 300) + "," + topic(2, 301) + "]}";
  tg.set_handler(telegram_handler(o));
  auto r = wizard({"eng", "--type", "telegram", "--token", kTgToken, "--api-base", tg.base_url()},
                  "y\n2\nn\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("Eng Forum (topic 300)"));
  EXPECT_THAT(r.err, HasSubstr("Eng Forum (topic 301)"));
  EXPECT_THAT(home.read_file("cfg/notify/profiles.toml"), HasSubstr("thread_id = 301"));
}

TEST_F(SetupPromiseE2E, discovery_says_when_it_stops_waiting) {
  TelegramOptions o;
  o.updates_json = R"({"ok":true,"result":[]})";
  tg.set_handler(telegram_handler(o));
  // find by messaging: yes; nothing comes; type the id; no topic; no test
  auto r = wizard({"me", "--type", "telegram", "--token", kTgToken, "--api-base", tg.base_url()},
                  "y\n111111111\n\nn\n");
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("Stopped waiting"));
  EXPECT_THAT(home.read_file("cfg/notify/profiles.toml"), HasSubstr("chat_id = \"111111111\""));
}

// --- Polish ----------------------------------------------------------------

TEST_F(E2E, every_help_line_fits_80_columns) {
  std::vector<std::vector<std::string>> helps = {{"--help"}, {"telegram", "--help"}};
  for (const std::string c : {"list", "check", "test", "flush", "spool", "setup", "run"})
    helps.push_back({c, "--help"});
  for (const auto& args : helps) {
    auto r = notify(args);
    EXPECT_EQ(r.exit_code, 0) << args[0];
    for (const auto& line : lines_of(r.out)) EXPECT_LE(line.size(), 80u) << args[0] << ": " << line;
  }
}

TEST_F(E2E, list_shows_a_mattermost_channel_as_written) {
  auto p = config("[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = "
                  "\"http://127.0.0.1:9/hooks/x\"\nchannel = \"#alerts\"\n");
  auto r = notify({"-c", p, "list"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(" #alerts"));
  EXPECT_THAT(r.out, Not(HasSubstr("##")));
}

}  // namespace
}  // namespace notify::test
