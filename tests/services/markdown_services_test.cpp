// --markdown as each service receives it: Telegram entities, LINE plain
// text, Mattermost/Discord markdown whose code fences survive splitting.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "message/split.hpp"
#include "services/discord.hpp"
#include "services/line.hpp"
#include "services/mattermost.hpp"
#include "services/telegram.hpp"

namespace notify::services {
namespace {

using json = nlohmann::json;

config::Profile markdown_services_profile(std::string kind) {
  config::Profile p;
  p.name = "p";
  p.type = kind;
  p.secrets["webhook_url"] = kind == "discord" ? "https://discord.com/api/webhooks/1/tok"
                                                       : "https://chat.example.com/hooks/abcdefgh";
  p.secrets["token"] = "123:secret";
  p.settings["chat_id"] = std::string("-100123");
  p.settings["to"] = std::string("U0123456789abcdef0123456789abcdef");
  p.settings["api_base"] = std::string(kind == "line" ? "https://api.line.me" : "https://api.telegram.org");
  return p;
}

Message md(std::string body, std::string title = "") {
  Message m;
  m.body = std::move(body);
  m.title = std::move(title);
  m.markdown = true;
  return m;
}

BuildContext markdown_services_ctx() {
  return BuildContext{[] { return std::string("uuid"); }};
}

std::vector<json> payloads(const Service& s, const Message& m) {
  std::vector<json> out;
  for (const auto& r : s.build(m, markdown_services_ctx())) out.push_back(json::parse(r.body));
  return out;
}

std::size_t u16(std::string_view s) { return message::length_in(s, message::Unit::utf16); }
std::size_t cps(std::string_view s) { return message::length_in(s, message::Unit::code_points); }

// The UTF-8 text an entity covers.
std::string covered(const std::string& text, const json& e) {
  const std::size_t from = e["offset"];
  const std::size_t to = from + e["length"].get<std::size_t>();
  std::size_t units = 0;
  std::size_t b = std::string::npos;
  std::size_t i = 0;
  for (; i <= text.size(); ++i) {
    if (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (units == from && b == std::string::npos) b = i;
    if (units == to) break;
    if (i == text.size()) break;
    units += static_cast<unsigned char>(text[i]) >= 0xF0 ? 2 : 1;
  }
  EXPECT_NE(b, std::string::npos) << e;
  EXPECT_EQ(units, to) << "entity ends inside a character or past the text: " << e;
  return b == std::string::npos ? "" : text.substr(b, i - b);
}

bool inside(const json& inner, const json& outer) {
  const std::size_t ib = inner["offset"], ob = outer["offset"];
  const std::size_t ie = ib + inner["length"].get<std::size_t>();
  const std::size_t oe = ob + outer["length"].get<std::size_t>();
  return ob <= ib && ie <= oe;
}

// Offsets in range, never inside a surrogate pair, and nested the way
// Telegram documents: nothing in pre/code, pre/code in nothing but a
// blockquote, no blockquote or link in its own kind.
void expect_valid_entities(const json& j) {
  const std::string text = j["text"];
  if (!j.contains("entities")) return;
  const json& es = j["entities"];
  EXPECT_LE(es.size(), 100u);
  for (const auto& e : es) {
    EXPECT_GT(e["length"].get<std::size_t>(), 0u) << e;
    EXPECT_LE(e["offset"].get<std::size_t>() + e["length"].get<std::size_t>(), u16(text)) << e;
    covered(text, e);
  }
  for (std::size_t a = 0; a < es.size(); ++a)
    for (std::size_t b = 0; b < es.size(); ++b) {
      if (a == b) continue;
      const json& x = es[a];
      const json& y = es[b];
      const std::size_t xb = x["offset"], yb = y["offset"];
      const bool disjoint = xb + x["length"].get<std::size_t>() <= yb ||
                            yb + y["length"].get<std::size_t>() <= xb;
      EXPECT_TRUE(disjoint || inside(x, y) || inside(y, x)) << x << " crosses " << y;
      if (disjoint || !inside(x, y)) continue;
      const std::string outer = y["type"], in = x["type"];
      EXPECT_TRUE(outer != "pre" && outer != "code") << x << " in " << y;
      if (in == "pre" || in == "code") {
        EXPECT_EQ(outer, "blockquote") << x << " in " << y;
      }
      if (in == "blockquote" || in == "text_link") {
        EXPECT_NE(outer, in) << x << " in " << y;
      }
    }
}

// --- Telegram -------------------------------------------------------------------

TEST(TelegramMarkdownTest, entities_count_utf16_after_astral_characters) {
  auto p = markdown_services_profile("telegram");
  auto js = payloads(Telegram(p), md("\xF0\x9F\x8D\x8E\xF0\x9F\x8D\x8E **bold** [link](https://e.com) `c`",
                                     "\xF0\x9F\x94\xA5 t"));
  ASSERT_EQ(js.size(), 1u);
  const json& j = js[0];
  EXPECT_EQ(j["text"], "\xF0\x9F\x94\xA5 t\n\xF0\x9F\x8D\x8E\xF0\x9F\x8D\x8E bold link c");
  EXPECT_FALSE(j.contains("parse_mode"));
  EXPECT_EQ(j["entities"],
            json::parse(R"([{"type":"bold","offset":0,"length":4},
                            {"type":"bold","offset":10,"length":4},
                            {"type":"text_link","offset":15,"length":4,"url":"https://e.com"},
                            {"type":"code","offset":20,"length":1}])"));
  expect_valid_entities(j);
}

TEST(TelegramMarkdownTest, a_span_across_a_cut_continues_in_the_next_part) {
  auto p = markdown_services_profile("telegram");
  p.max_length = 60;
  std::string words;
  for (int i = 0; i < 40; ++i) words += (i ? " w" : "w") + std::to_string(100 + i);
  auto m = md("plain **" + words + "** tail", "t");
  m.max_parts = 50;
  auto js = payloads(Telegram(p), m);
  ASSERT_GT(js.size(), 3u);
  std::string bold;
  for (std::size_t i = 0; i < js.size(); ++i) {
    const json& j = js[i];
    const std::string text = j["text"];
    EXPECT_LE(cps(text), 60u) << text;
    expect_valid_entities(j);
    const std::string header = "t (" + std::to_string(i + 1) + "/" + std::to_string(js.size()) + ")";
    ASSERT_EQ(text.rfind(header + "\n", 0), 0u) << text;
    EXPECT_EQ(j["entities"][0], json({{"type", "bold"}, {"offset", 0}, {"length", u16(header)}}));
    for (std::size_t k = 1; k < j["entities"].size(); ++k) {
      EXPECT_EQ(j["entities"][k]["type"], "bold");
      bold += (bold.empty() ? "" : " ") + covered(text, j["entities"][k]);
    }
  }
  EXPECT_EQ(bold, words);
}

TEST(TelegramMarkdownTest, a_code_block_keeps_its_language_in_every_part) {
  auto p = markdown_services_profile("telegram");
  p.max_length = 100;
  std::string code;
  for (int i = 0; i < 30; ++i) code += "print(" + std::to_string(i) + ")\n";
  auto m = md("run:\n\n```python\n" + code + "```\ndone");
  m.max_parts = 50;
  auto js = payloads(Telegram(p), m);
  ASSERT_GT(js.size(), 2u);
  std::string joined;
  for (const auto& j : js) {
    expect_valid_entities(j);
    EXPECT_LE(cps(j["text"].get<std::string>()), 100u);
    for (const auto& e : j["entities"]) {
      if (e["type"] != "pre") continue;
      EXPECT_EQ(e["language"], "python");
      joined += covered(j["text"], e) + "\n";
    }
  }
  EXPECT_EQ(joined, code);
}

TEST(TelegramMarkdownTest, plain_fallback_drops_the_entities) {
  auto p = markdown_services_profile("telegram");
  Telegram s(p);
  auto req = s.build(md("**x** [y](https://e.com)"), markdown_services_ctx())[0];
  ASSERT_TRUE(json::parse(req.body).contains("entities"));
  auto plain = s.plain(req);
  ASSERT_TRUE(plain);
  auto j = json::parse(plain->body);
  EXPECT_FALSE(j.contains("entities"));
  EXPECT_EQ(j["text"], "x y");
}

TEST(TelegramMarkdownTest, entity_refusals_resend_plain) {
  Telegram s(markdown_services_profile("telegram"));
  HttpResponse r;
  r.status = 400;
  r.body = R"({"ok":false,"error_code":400,"description":"Bad Request: ENTITIES_TOO_LONG"})";
  EXPECT_EQ(s.interpret(r).kind, Verdict::Kind::resend_plain);
  r.body = R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})";
  EXPECT_EQ(s.interpret(r).kind, Verdict::Kind::fail);
}

std::string mixed_document() {
  std::string doc;
  for (int i = 0; i < 40; ++i) {
    const std::string n = std::to_string(i);
    doc += "## Section " + n + " \xF0\x9F\x9A\x80\n\n";
    doc += "Some *text* with **bold `code` inside** and [a link](https://e.com/" + n + ").\n\n";
    doc += "> quoted **" + n + "**\n> more\n\n";
    doc += "- [x] task " + n + "\n  - nested ~~old~~\n\n";
    doc += "| k | v |\n|---|---|\n| " + n + " | `x` |\n\n";
    doc += "```sh\necho " + n + "\nls\n```\n\n";
  }
  return doc;
}

TEST(TelegramMarkdownTest, every_part_fits_and_its_entities_are_valid) {
  auto p = markdown_services_profile("telegram");
  p.max_length = 300;
  for (int max_parts : {100, 3, 2, 1}) {
    auto m = md(mixed_document(), "report");
    m.max_parts = max_parts;
    auto js = payloads(Telegram(p), m);
    ASSERT_EQ(js.size(), std::size_t(max_parts == 100 ? js.size() : max_parts));
    for (const auto& j : js) {
      const std::string text = j["text"];
      EXPECT_LE(cps(text), 300u) << max_parts;
      EXPECT_EQ(text.find("**"), std::string::npos);
      expect_valid_entities(j);
      // The note of a capped message is never formatted.
      for (const auto& e : j["entities"])
        EXPECT_EQ(covered(text, e).find("omitted"), std::string::npos) << e;
    }
  }
}

// --- LINE ------------------------------------------------------------------------

TEST(LineMarkdownTest, plain_text_with_links_spelled_out) {
  auto p = markdown_services_profile("line");
  auto js = payloads(Line(p), md("# Done\n\nSee [the log](https://ci/1) and <https://ci/2>.\n\n"
                                 "> **careful**\n> now\n\n1. `a`\n2. b",
                                 "ci"));
  ASSERT_EQ(js.size(), 1u);
  EXPECT_EQ(js[0]["messages"][0]["text"],
            "ci\nDone\n\nSee the log (https://ci/1) and https://ci/2.\n\n> careful\n> now\n\n1. a\n2. b");
}

TEST(LineMarkdownTest, parts_fit_in_utf16_units) {
  auto p = markdown_services_profile("line");
  p.max_length = 200;
  auto m = md(mixed_document());
  m.max_parts = 100;
  for (const auto& j : payloads(Line(p), m))
    for (const auto& msg : j["messages"]) {
      const std::string text = msg["text"];
      EXPECT_LE(u16(text), 200u);
      EXPECT_EQ(text.find("```"), std::string::npos);
    }
}

// --- Mattermost and Discord ---------------------------------------------------------

TEST(MattermostMarkdownTest, sent_as_written_with_mentions_still_neutralised) {
  auto p = markdown_services_profile("mattermost");
  auto j = payloads(Mattermost(p), md("# T\n\n```\n```code``` @channel\n```\n@here"))[0];
  const std::string text = j["text"];
  EXPECT_EQ(text.rfind("# T\n\n```\n```code``` @", 0), 0u) << text;  // fences untouched
  EXPECT_EQ(text.find("@channel"), std::string::npos);
  EXPECT_EQ(text.find("@here"), std::string::npos);
  p.settings["mentions"] = bool(true);
  EXPECT_EQ(payloads(Mattermost(p), md("**hi** @here"))[0]["text"], "**hi** @here");
}

// Lines of a part that are fences, "> " quote markers and indentation aside.
std::vector<std::string> fence_lines(const std::string& part) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= part.size()) {
    std::size_t nl = part.find('\n', at);
    if (nl == std::string::npos) nl = part.size();
    std::string line = part.substr(at, nl - at);
    const std::size_t b = line.find_first_not_of("> ");
    if (b != std::string::npos && (line.compare(b, 3, "```") == 0 || line.compare(b, 3, "~~~") == 0))
      out.push_back(line);
    at = nl + 1;
  }
  return out;
}

void expect_fences_repaired(const std::vector<std::string>& bodies, const std::string& opening) {
  for (std::size_t i = 0; i < bodies.size(); ++i) {
    const auto fences = fence_lines(bodies[i]);
    EXPECT_EQ(fences.size() % 2, 0u) << "part " << i << ":\n" << bodies[i];
    // The opening line is the same, info string and quote marker included.
    for (std::size_t k = 0; k < fences.size(); k += 2) EXPECT_EQ(fences[k], opening) << bodies[i];
  }
}

TEST(DiscordMarkdownTest, a_code_block_cut_in_two_is_closed_and_reopened) {
  auto p = markdown_services_profile("discord");
  p.max_length = 120;
  std::string code;
  for (int i = 0; i < 30; ++i) code += "line " + std::to_string(i) + "\n";
  auto m = md("before\n\n```py\n" + code + "```\nafter", "job");
  m.max_parts = 50;
  auto js = payloads(Discord(p), m);
  ASSERT_GT(js.size(), 2u);
  std::vector<std::string> bodies;
  std::string lines;
  for (const auto& j : js) {
    const std::string content = j["content"];
    EXPECT_LE(cps(content), 120u) << content;
    ASSERT_EQ(content.rfind("**job (", 0), 0u);
    bodies.push_back(content.substr(content.find('\n') + 1));
    for (std::size_t at = 0; (at = content.find("line ", at)) != std::string::npos; at += 5)
      lines += content.substr(at, content.find('\n', at) - at) + "\n";
  }
  EXPECT_EQ(lines, code);  // nothing lost or doubled
  expect_fences_repaired(bodies, "```py");
  EXPECT_EQ(bodies[1].rfind("```py\n", 0), 0u);
  EXPECT_EQ(bodies.back().substr(bodies.back().size() - 5), "after");
}

TEST(DiscordMarkdownTest, capped_parts_keep_their_fences) {
  auto p = markdown_services_profile("discord");
  p.max_length = 200;  // long enough that the note leaves some of the last part
  std::string code;
  for (int i = 0; i < 400; ++i) code += "row " + std::to_string(i) + "\n";
  for (int max_parts : {3, 2, 1}) {
    auto m = md("```\n" + code + "```");
    m.max_parts = max_parts;
    auto js = payloads(Discord(p), m);
    ASSERT_EQ(js.size(), std::size_t(max_parts));
    std::vector<std::string> bodies;
    for (const auto& j : js) {
      const std::string content = j["content"];
      EXPECT_LE(cps(content), 200u) << content;
      bodies.push_back(content.find("**(") == 0 ? content.substr(content.find('\n') + 1) : content);
    }
    expect_fences_repaired(bodies, "```");
    // The last part ends with the real closing fence, reopened after the note.
    EXPECT_EQ(bodies.back().substr(bodies.back().size() - 3), "```");
    EXPECT_EQ(fence_lines(bodies.back()).size(), 2u) << bodies.back();
  }
}

TEST(MattermostMarkdownTest, a_quoted_code_block_is_reopened_inside_the_quote) {
  auto p = markdown_services_profile("mattermost");
  p.max_length = 90;
  std::string quoted = "> ~~~ sh\n";
  for (int i = 0; i < 20; ++i) quoted += "> step " + std::to_string(i) + "\n";
  quoted += "> ~~~\n\ndone";
  auto m = md(quoted);
  m.max_parts = 50;
  auto js = payloads(Mattermost(p), m);
  ASSERT_GT(js.size(), 2u);
  std::vector<std::string> bodies;
  for (const auto& j : js) {
    const std::string text = j["text"];
    EXPECT_LE(cps(text), 90u) << text;
    bodies.push_back(text.substr(text.find('\n') + 1));
  }
  // The repaired opening is normalised to the fence and its info string.
  for (std::size_t i = 1; i < bodies.size(); ++i) {
    if (bodies[i].find("step") == std::string::npos) continue;
    EXPECT_EQ(bodies[i].rfind("> ~~~sh\n", 0), 0u) << bodies[i];
  }
  for (const auto& b : bodies) EXPECT_EQ(fence_lines(b).size() % 2, 0u) << b;
}

TEST(MarkdownServicesTest, without_fences_markdown_splits_like_text) {
  auto p = markdown_services_profile("discord");
  p.max_length = 80;
  std::string body;
  for (int i = 0; i < 30; ++i) body += "**item** " + std::to_string(i) + "\n";
  auto plain_msg = md(body);
  plain_msg.markdown = false;
  plain_msg.max_parts = 50;
  auto marked = plain_msg;
  marked.markdown = true;
  EXPECT_EQ(payloads(Discord(p), marked), payloads(Discord(p), plain_msg));
}

}  // namespace
}  // namespace notify::services
