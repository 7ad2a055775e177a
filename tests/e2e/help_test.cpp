// "The first minute": found where people look. `notify help priority`,
// `notify help services` (text and --json) and the per-service parts of
// `--help` and `setup --help`, each held to the service registry.

#include <nlohmann/json.hpp>

#include <map>
#include <regex>
#include <sstream>

#include "e2e.hpp"
#include "services/registry.hpp"

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

// A table row's cells: separated by two spaces or more.
std::vector<std::string> cells_of(const std::string& row) {
  std::vector<std::string> out;
  const std::regex gap("  +");
  for (std::sregex_token_iterator it(row.begin(), row.end(), gap, -1), end; it != end; ++it)
    if (!it->str().empty()) out.push_back(*it);
  return out;
}

std::string cell_for(const services::LevelSwitch& s) {
  return s.field.empty() ? "no switch" : std::string(s.field) + ": " + std::string(s.value);
}

// The option's entry in a help text: its line and the indented ones after.
std::string entry_of(const std::string& help, const std::string& option) {
  std::string out;
  bool on = false;
  for (const auto& line : lines_of(help)) {
    if (on && line.find_first_not_of(' ') > 20 && line.find_first_not_of(' ') != std::string::npos) {
      out += " " + line.substr(line.find_first_not_of(' '));
      continue;
    }
    if (on) break;
    const auto first = line.find_first_not_of(' ');
    if (first != std::string::npos && line.compare(first, option.size() + 1, option + " ") == 0) {
      on = true;
      out = line;
    }
  }
  return out;
}

TEST_F(E2E, help_priority_prints_one_row_per_service_type) {
  auto r = notify({"help", "priority"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::vector<std::string>> rows;
  for (const auto& line : lines_of(r.out)) {
    const auto cells = cells_of(line);
    if (!cells.empty()) rows[cells[0]] = cells;
  }
  ASSERT_TRUE(rows.count("TYPE")) << r.out;
  EXPECT_EQ(rows["TYPE"], (std::vector<std::string>{"TYPE", "LOW", "HIGH", "URGENT"}));
  for (const auto* service : services::all_services()) {
    const std::string type(service->schema.type);
    ASSERT_TRUE(rows.count(type)) << "no row for " << type << ":\n" << r.out;
    const auto& l = service->loudness;
    EXPECT_EQ(rows[type], (std::vector<std::string>{type, cell_for(l.low), cell_for(l.high),
                                                    cell_for(l.urgent)}));
  }
  // Slack's webhooks have no switch at all, and the table says so.
  EXPECT_EQ(rows["slack"], (std::vector<std::string>{"slack", "no switch", "no switch", "no switch"}));
  EXPECT_EQ(rows["ntfy"], (std::vector<std::string>{"ntfy", "X-Priority: 2", "X-Priority: 4",
                                                    "X-Priority: 5"}));
  for (const char* key : {"priority", "min_priority", "notice_only", "urgent_mentions"})
    EXPECT_THAT(r.out, HasSubstr("\n  " + std::string(key) + " ")) << key;
}

TEST_F(E2E, help_services_lists_the_loudness_keys_of_every_profile) {
  auto r = notify({"help", "services"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto common = r.out.find("Every profile also takes");
  ASSERT_NE(common, std::string::npos) << r.out;
  const std::string tail = r.out.substr(common);
  for (const char* key : {"priority", "min_priority", "notice_only", "urgent_mentions", "fallback",
                          "spool", "max_parts"})
    EXPECT_THAT(tail, HasSubstr("\n  " + std::string(key) + " ")) << key;
  // Each service: whether it carries files, its levels, what it does with
  // the per-message options.
  EXPECT_THAT(r.out, HasSubstr("  priority: low = no switch, high = no switch, urgent = no switch\n"));
  EXPECT_THAT(r.out, HasSubstr("  --username: sender name (legacy webhooks only)\n"));
  EXPECT_THAT(r.out, HasSubstr("  ignores: --username, --icon, --channel\n"));
}

TEST_F(E2E, help_services_json_is_the_registry) {
  auto r = notify({"help", "services", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  const auto& rows = services::all_services();
  ASSERT_EQ(j["services"].size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& s = j["services"][i];
    SCOPED_TRACE(std::string(rows[i]->schema.type));
    EXPECT_EQ(s["type"], rows[i]->schema.type);
    EXPECT_EQ(s["name"], rows[i]->name);
    EXPECT_EQ(s["files"], rows[i]->no_files.empty());
    std::vector<std::string> can;
    for (auto word : services::capability_words(*rows[i])) can.emplace_back(word);
    EXPECT_EQ(s["can"], can);
    EXPECT_EQ(s["keys"].size(), rows[i]->schema.keys.size());
    EXPECT_EQ(s["priority"]["low"].is_null(), rows[i]->loudness.low.field.empty());
  }
  std::vector<std::string> loud;
  for (const auto& k : j["common_keys"])
    if (k["loudness"] == true) loud.push_back(k["name"]);
  EXPECT_EQ(loud, (std::vector<std::string>{"priority", "min_priority", "notice_only",
                                            "urgent_mentions"}));
}

TEST_F(E2E, send_help_names_the_services_each_option_reaches) {
  auto r = notify({"--help"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  struct Option {
    std::string flag;
    bool (*takes)(const services::ServiceInfo&);
  };
  const Option options[] = {
      {"--file", [](const services::ServiceInfo& s) { return s.no_files.empty(); }},
      {"--username", [](const services::ServiceInfo& s) { return !s.options.username.empty(); }},
      {"--icon", [](const services::ServiceInfo& s) { return !s.options.icon.empty(); }},
      {"--channel", [](const services::ServiceInfo& s) { return !s.options.channel.empty(); }},
  };
  for (const auto& option : options) {
    const std::string entry = entry_of(r.out, option.flag);
    ASSERT_FALSE(entry.empty()) << option.flag << " not in:\n" << r.out;
    for (const auto* service : services::all_services()) {
      const std::regex word("(^|[^A-Za-z-])" + std::string(service->name) + "([^A-Za-z]|$)");
      EXPECT_EQ(std::regex_search(entry, word), option.takes(*service))
          << option.flag << " / " << service->name << ": " << entry;
    }
  }
}

TEST_F(E2E, setup_help_gives_each_meaning_of_a_flag_with_its_services) {
  auto r = notify({"setup", "--help"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string flat;  // wrapping undone
  for (const auto& line : lines_of(r.out)) flat += " " + line.substr(std::min(line.find_first_not_of(' '), line.size()));
  // username is a sender name for three services and the SMTP login for
  // e-mail; `to` a LINE id for one and a recipient for the other.
  EXPECT_THAT(flat, HasSubstr("mattermost: sender name (server needs EnablePostUsernameOverride)"));
  EXPECT_THAT(flat, HasSubstr("email: SMTP login, if the server wants one"));
  EXPECT_THAT(flat, HasSubstr("line: user, group or room id"));
  EXPECT_THAT(flat, HasSubstr("email: recipient, or a list of them"));
  // A flag every service means alike keeps one line with its services.
  EXPECT_THAT(flat, HasSubstr("chat to post to: a number or @channelname (telegram)"));
}

TEST_F(E2E, every_help_topic_fits_80_columns) {
  for (const std::string topic : {"services", "priority"}) {
    auto r = notify({"help", topic});
    EXPECT_EQ(r.exit_code, 0) << topic << ": " << r.err;
    for (const auto& line : lines_of(r.out)) EXPECT_LE(line.size(), 80u) << topic << ": " << line;
  }
}

TEST_F(E2E, a_mistyped_help_topic_is_named) {
  auto r = notify({"help", "priorty"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("did you mean 'priority'?"));
  EXPECT_THAT(r.out, Not(HasSubstr("TYPE")));
}

}  // namespace
}  // namespace notify::test
