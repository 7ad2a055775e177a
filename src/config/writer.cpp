#include "config/writer.hpp"

#include <algorithm>
#include <cstdio>
#include <optional>

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

// One `key = value` of a table, as offsets into the text.
struct Statement {
  std::string key;  ///< unquoted
  std::size_t begin = 0;  ///< first byte of its line
  std::size_t value_begin = 0, value_end = 0;
  std::size_t end = 0;  ///< after the newline that ends it (or the text's end)
};

// A table: its header line and its statements, up to the next header.
struct Table {
  std::size_t header_begin = 0, header_end = 0;
  std::vector<Statement> statements;
};

constexpr std::size_t npos = std::string_view::npos;

// Reads a TOML file just far enough to know where each value starts and
// ends (strings, multi-line strings and arrays may hold '#', ']' or line
// breaks). The loader has parsed the file already, so it is valid TOML.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : t_(text) {}

  std::size_t line_end(std::size_t i) const {
    const auto nl = t_.find('\n', i);
    return nl == npos ? t_.size() : nl + 1;
  }
  std::size_t skip_blanks(std::size_t i) const {
    while (i < t_.size() && (t_[i] == ' ' || t_[i] == '\t')) ++i;
    return i;
  }
  // Blanks, line breaks and comments: what may stand between array items.
  std::size_t skip_space(std::size_t i) const {
    for (;;) {
      i = skip_blanks(i);
      if (i < t_.size() && (t_[i] == '\n' || t_[i] == '\r')) ++i;
      else if (i < t_.size() && t_[i] == '#') i = line_end(i);
      else return i;
    }
  }
  // Where the value starting at i ends; npos when it does not.
  std::size_t value_end(std::size_t i) const {
    if (i >= t_.size()) return npos;
    const char q = t_[i];
    if ((q == '"' || q == '\'') && t_.substr(i, 3) == std::string(3, q)) {
      for (std::size_t j = i + 3; j < t_.size(); ++j) {
        if (q == '"' && t_[j] == '\\') {
          ++j;
          continue;
        }
        if (t_.substr(j, 3) == std::string(3, q)) {
          std::size_t end = j + 3;
          // Up to two more quotes are content ("""say "hi""""").
          while (end < t_.size() && t_[end] == q && end < j + 5) ++end;
          return end;
        }
      }
      return npos;
    }
    if (q == '"' || q == '\'') {
      for (std::size_t j = i + 1; j < t_.size() && t_[j] != '\n'; ++j) {
        if (q == '"' && t_[j] == '\\') {
          ++j;
          continue;
        }
        if (t_[j] == q) return j + 1;
      }
      return npos;
    }
    if (q == '[') {
      std::size_t j = skip_space(i + 1);
      while (j < t_.size() && t_[j] != ']') {
        j = value_end(j);
        if (j == npos) return npos;
        j = skip_space(j);
        if (j < t_.size() && t_[j] == ',') j = skip_space(j + 1);
        else if (j >= t_.size() || t_[j] != ']') return npos;
      }
      return j < t_.size() ? j + 1 : npos;
    }
    if (q == '{') {
      std::size_t j = skip_blanks(i + 1);
      while (j < t_.size() && t_[j] != '}') {
        const auto eq = t_.find('=', j);
        if (eq == npos) return npos;
        j = value_end(skip_blanks(eq + 1));
        if (j == npos) return npos;
        j = skip_blanks(j);
        if (j < t_.size() && t_[j] == ',') j = skip_blanks(j + 1);
      }
      return j < t_.size() ? j + 1 : npos;
    }
    // A number, boolean or date: up to a comment, a separator or the line's end.
    std::size_t j = i;
    while (j < t_.size() && t_[j] != '#' && t_[j] != '\n' && t_[j] != '\r' && t_[j] != ',' &&
           t_[j] != ']' && t_[j] != '}')
      ++j;
    while (j > i && (t_[j - 1] == ' ' || t_[j - 1] == '\t')) --j;
    return j;
  }

 private:
  std::string_view t_;
};

// The key as TOML reads it: "a" and 'a' are a.
std::string unquoted_key(std::string_view key) {
  key = trim(key);
  if (key.size() >= 2 && (key.front() == '"' || key.front() == '\'') && key.back() == key.front())
    return std::string(key.substr(1, key.size() - 2));
  return std::string(key);
}

// The [profiles.NAME] table; nullopt when no header line names it.
Result<std::optional<Table>> find_table(std::string_view text, const std::string& name) {
  Scanner sc(text);
  std::optional<Table> table;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t line = pos;
    const std::size_t first = sc.skip_blanks(pos);
    if (first >= text.size() || text[first] == '\n' || text[first] == '\r' || text[first] == '#') {
      pos = sc.line_end(pos);
      continue;
    }
    if (text[first] == '[') {
      if (table) break;  // the next table begins
      pos = sc.line_end(pos);
      if (is_header_of(text.substr(line, pos - line), name)) {
        table.emplace();
        table->header_begin = line;
        table->header_end = pos;
      }
      continue;
    }
    // key = value, the value perhaps over several lines
    const auto eq = text.find('=', first);
    if (eq == npos || eq >= sc.line_end(first))
      return make_error(ErrorKind::config, "cannot read line " + std::to_string(
                                               1 + std::count(text.begin(), text.begin() + long(line), '\n')));
    Statement st;
    st.key = unquoted_key(text.substr(first, eq - first));
    st.begin = line;
    st.value_begin = sc.skip_blanks(eq + 1);
    st.value_end = sc.value_end(st.value_begin);
    if (st.value_end == npos)
      return make_error(ErrorKind::config, "cannot find where the value of '" + st.key + "' ends");
    st.end = sc.line_end(st.value_end);
    pos = st.end;
    if (table) table->statements.push_back(std::move(st));
  }
  return table;
}

}  // namespace

Result<std::string> add_profile(std::string_view text, const std::string& name,
                                const std::string& block, bool replace) {
  auto found = find_table(text, name);
  if (!found) return found.error();
  const auto& table = *found;
  if (table && !replace)
    return make_error(ErrorKind::usage, "profile '" + name + "' already exists");
  if (table) {
    const std::size_t end =
        table->statements.empty() ? table->header_end : table->statements.back().end;
    std::string out(text.substr(0, table->header_begin));
    out += block;
    out += text.substr(end);
    return out;
  }
  std::string out(text);
  if (!out.empty() && out.back() != '\n') out += '\n';
  if (!out.empty() && out.size() >= 2 && out.substr(out.size() - 2) != "\n\n") out += '\n';
  return out + block;
}

Result<std::string> edit_profile(std::string_view text, const std::string& name,
                                 const std::vector<Field>& set,
                                 const std::vector<std::string>& remove) {
  auto found = find_table(text, name);
  if (!found) return found.error();
  if (!*found)
    return make_error(ErrorKind::config,
                      "profile '" + name + "' is not written as a [profiles." + toml_key(name) +
                          "] table, so it cannot be edited in place; change it by hand");
  const Table& table = **found;
  auto statement = [&](const std::string& key) -> const Statement* {
    for (const auto& st : table.statements)
      if (st.key == key) return &st;
    return nullptr;
  };
  auto rendered = [](const Field& f) { return f.quoted ? toml_quote(f.value) : f.value; };

  // Each change as the bytes it replaces; applied from the back, so that
  // the offsets of those before it stay right.
  struct Splice {
    std::size_t begin, end;
    std::string with;
  };
  std::vector<Splice> splices;
  std::vector<std::string> taken;  // keys of `remove` whose line a new key took
  std::string appended;
  for (const auto& f : set) {
    if (const auto* st = statement(f.key)) {
      splices.push_back({st->value_begin, st->value_end, rendered(f)});
      continue;
    }
    const Statement* twin = nullptr;
    for (const auto& key : remove) {
      if (key.rfind(f.key, 0) != 0 || std::find(taken.begin(), taken.end(), key) != taken.end())
        continue;
      if ((twin = statement(key))) break;
    }
    if (twin) {
      taken.push_back(twin->key);
      splices.push_back({twin->begin, twin->value_end, toml_key(f.key) + " = " + rendered(f)});
    } else {
      appended += toml_key(f.key) + " = " + rendered(f) + "\n";
    }
  }
  for (const auto& key : remove) {
    if (std::find(taken.begin(), taken.end(), key) != taken.end()) continue;
    if (const auto* st = statement(key)) splices.push_back({st->begin, st->end, ""});
  }
  if (!appended.empty()) {
    const std::size_t at =
        table.statements.empty() ? table.header_end : table.statements.back().end;
    // A last line without its newline (at the end of the file) gets one first.
    splices.push_back({at, at, (at > 0 && text[at - 1] != '\n' ? "\n" : "") + appended});
  }
  std::stable_sort(splices.begin(), splices.end(),
                   [](const Splice& a, const Splice& b) { return a.begin > b.begin; });
  std::string out(text);
  for (const auto& sp : splices) out.replace(sp.begin, sp.end - sp.begin, sp.with);
  return out;
}

}  // namespace notify::config
