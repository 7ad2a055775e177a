// The registry's word about each service against what its code does: the
// levels of `notify help priority`, the options --help names per service and
// whether it carries files. Help and the docs print the rows; these tests
// hold every row to the requests build() makes, so neither can drift.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "services/registry.hpp"

namespace notify::services {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A profile every service accepts: each reads only the keys it declares.
config::Profile profile_for(std::string_view type) {
  config::Profile p;
  p.name = "p";
  p.type = std::string(type);
  p.secrets["webhook_url"] = type == "discord" ? "https://discord.com/api/webhooks/1/tok"
                             : type == "slack" ? "https://hooks.slack.com/services/T0/B0/x"
                                               : "https://chat.example.com/hooks/abcdefgh";
  p.secrets["token"] = "123:secret";
  p.settings["chat_id"] = std::string("-100123");
  p.settings["to"] = std::string("U0123456789abcdef0123456789abcdef");
  p.settings["server"] = std::string("https://ntfy.example.com");
  p.settings["topic"] = std::string("alerts");
  if (type == "email") {
    p.settings["smtp_url"] = std::string("smtps://mail.example.com");
    p.settings["from"] = std::string("a@example.com");
    p.settings["to"] = std::vector<std::string>{"b@example.com"};
  }
  return p;
}

Message message_at(Priority level) {
  Message m;
  m.body = "disk /var 91%";
  m.priority = level;
  m.silent = level == Priority::low;
  return m;
}

// Everything a request carries, as text; the same ids every time, so two
// builds of the same message compare equal.
std::string sent(const Service& service, const Message& m) {
  const BuildContext same{[] { return std::string("uuid-1"); },
                          [] { return std::int64_t{1796000000}; }};
  const auto requests = service.build(m, same);
  EXPECT_FALSE(requests.empty());
  if (requests.empty()) return "";
  const auto& r = requests.front();
  std::string out = r.method + " " + r.url + "\n";
  for (const auto& [name, value] : r.headers) out += name + ": " + value + "\n";
  return out + "\n" + r.body;
}

TEST(RegistryLoudnessTest, every_level_is_sent_as_the_row_says) {
  for (const auto* service : all_services()) {
    SCOPED_TRACE(std::string(service->schema.type));
    const auto built = service->make(profile_for(service->schema.type));
    const std::string normal = sent(*built, message_at(Priority::normal));
    const auto& l = service->loudness;
    const std::pair<Priority, const LevelSwitch*> levels[] = {
        {Priority::low, &l.low}, {Priority::high, &l.high}, {Priority::urgent, &l.urgent}};
    for (const auto& [level, declared] : levels) {
      SCOPED_TRACE(to_string(level));
      const std::string text = sent(*built, message_at(level));
      if (declared->field.empty()) {
        // "no switch": the level goes exactly as normal.
        EXPECT_EQ(text, normal);
        continue;
      }
      EXPECT_NE(text, normal);
      // The field with that value: a header or mail header ("X-Priority:
      // 4"), or a JSON member ("flags":4096, "priority":"urgent").
      const std::string field(declared->field), value(declared->value);
      const std::string as_header = field + ": " + value;
      const std::string as_json = "\"" + field + "\":" + value;
      const std::string as_json_text = "\"" + field + "\":\"" + value + "\"";
      EXPECT_TRUE(text.find(as_header) != std::string::npos ||
                  text.find(as_json) != std::string::npos ||
                  text.find(as_json_text) != std::string::npos)
          << "no " << as_header << " in:\n" << text;
      // Normal may carry the field with its own value (Matrix's msgtype is
      // m.text), never the level's.
      EXPECT_THAT(normal, Not(HasSubstr(as_json_text)));
      EXPECT_THAT(normal, Not(HasSubstr(as_json)));
      EXPECT_THAT(normal, Not(HasSubstr(as_header)));
    }
  }
}

TEST(RegistryOptionsTest, an_option_reaches_the_request_only_where_the_row_names_it) {
  struct Probe {
    const char* option;
    std::string_view MessageOptions::* meaning;
    void (*set)(Message&);
    const char* shows;
  };
  const Probe probes[] = {
      {"--username", &MessageOptions::username, [](Message& m) { m.username = "probe-sender"; },
       "probe-sender"},
      {"--channel", &MessageOptions::channel, [](Message& m) { m.channel = "probe-channel"; },
       "probe-channel"},
      {"--icon URL", &MessageOptions::icon,
       [](Message& m) { m.icon_url = "https://icons.example.com/probe.png"; }, "probe.png"},
  };
  for (const auto* service : all_services()) {
    SCOPED_TRACE(std::string(service->schema.type));
    const auto built = service->make(profile_for(service->schema.type));
    for (const auto& probe : probes) {
      SCOPED_TRACE(probe.option);
      Message m = message_at(Priority::normal);
      probe.set(m);
      const bool takes = !(service->options.*probe.meaning).empty();
      EXPECT_EQ(sent(*built, m).find(probe.shows) != std::string::npos, takes);
    }
    // An :emoji: icon: where the row names --icon, the URL or the emoji
    // reaches the request (Discord takes a URL only, and says so).
    Message m = message_at(Priority::normal);
    m.icon_emoji = "probebell";
    if (service->options.icon.empty()) {
      EXPECT_THAT(sent(*built, m), Not(HasSubstr("probebell")));
    } else if (service->options.icon.find(":emoji: is ignored") == std::string_view::npos) {
      EXPECT_THAT(sent(*built, m), HasSubstr("probebell"));
    }
  }
}

TEST(RegistryFilesTest, a_row_says_files_exactly_where_the_service_takes_them) {
  for (const auto* service : all_services()) {
    SCOPED_TRACE(std::string(service->schema.type));
    const auto built = service->make(profile_for(service->schema.type));
    EXPECT_EQ(service->no_files.empty(), built->max_file_bytes() > 0);
  }
}

TEST(RegistryNamesTest, every_service_has_a_prose_name_of_its_own) {
  std::set<std::string_view> names;
  for (const auto* service : all_services()) {
    EXPECT_FALSE(service->name.empty()) << service->schema.type;
    EXPECT_TRUE(names.insert(service->name).second) << service->name;
  }
}

TEST(RegistryCapabilitiesTest, a_row_can_edit_and_reply_exactly_when_build_does) {
  for (const auto* service : all_services()) {
    SCOPED_TRACE(std::string(service->schema.type));
    const auto built = service->make(profile_for(service->schema.type));
    const std::string plain = sent(*built, message_at(Priority::normal));
    auto editing = message_at(Priority::normal);
    editing.edit_ids = {"1234"};
    auto replying = message_at(Priority::normal);
    // An id of each shape the services give (a number, a Message-ID).
    replying.reply_to = service->schema.type == "email" ? "<first@example.com>" : "1234";
    // A service that cannot edit or reply is never asked to by the rules;
    // one that says it can must build something else for it.
    EXPECT_EQ(sent(*built, editing) != plain, service->capabilities.edit);
    EXPECT_EQ(sent(*built, replying) != plain, service->capabilities.reply);
  }
}

}  // namespace
}  // namespace notify::services
