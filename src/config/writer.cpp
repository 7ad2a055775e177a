#include "config/writer.hpp"

#include <cstdio>

namespace notify::config {

std::string toml_quote(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

std::string toml_key(std::string_view key) {
  const bool bare = !key.empty() && key.find_first_not_of(
                                        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789_-") == std::string_view::npos;
  return bare ? std::string(key) : toml_quote(key);
}

std::string render_profile(const std::string& name, const std::vector<Field>& fields) {
  std::string out = "[profiles." + toml_key(name) + "]\n";
  for (const auto& f : fields)
    out += f.key + " = " + (f.quoted ? toml_quote(f.value) : f.value) + "\n";
  return out;
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// True for a line "[profiles.NAME]" (spaces and a trailing comment allowed).
bool is_header_of(std::string_view line, const std::string& name) {
  line = trim(line.substr(0, line.find('#')));
  for (const std::string& form :
       {"[profiles." + toml_key(name) + "]", "[profiles.\"" + name + "\"]",
        "[ profiles." + toml_key(name) + " ]"})
    if (line == form) return true;
  return false;
}

bool is_any_header(std::string_view line) {
  line = trim(line);
  return !line.empty() && line.front() == '[';
}

}  // namespace

Result<std::string> add_profile(std::string_view text, const std::string& name,
                                const std::string& block, bool replace) {
  std::string kept;
  bool found = false, skipping = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    auto end = nl == std::string_view::npos ? text.size() : nl + 1;
    auto line = text.substr(pos, end - pos);
    pos = end;
    if (is_header_of(line, name)) {
      found = true;
      skipping = true;
      continue;
    }
    if (skipping && is_any_header(line)) skipping = false;
    if (!skipping) kept += line;
  }
  if (found && !replace)
    return make_error(ErrorKind::usage, "profile '" + name + "' already exists");
  std::string out = found ? kept : std::string(text);
  if (!out.empty() && out.back() != '\n') out += '\n';
  if (!out.empty() && out.size() >= 2 && out.substr(out.size() - 2) != "\n\n") out += '\n';
  return out + block;
}

}  // namespace notify::config
