#include "config/syntax_error.hpp"

#include <cstdio>

#include "message/unicode.hpp"

namespace notify::config {

namespace {

// The parser's messages are "Error while parsing SCOPE: REASON" (or a
// bare REASON from its UTF-8 reader). They are matched here only to tell
// one mistake from another; not a word of them is shown.
struct Parsed {
  std::string_view scope, reason;
};

Parsed split_description(std::string_view d) {
  constexpr std::string_view lead = "Error while parsing ";
  if (!d.starts_with(lead)) return {{}, d};
  d.remove_prefix(lead.size());
  const auto colon = d.find(": ");
  if (colon == std::string_view::npos) return {{}, d};
  return {d.substr(0, colon), d.substr(colon + 2)};
}

bool has(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

std::string hex(unsigned value, int digits) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%0*X", digits, value);
  return buf;
}

message::Decoded decode_at(std::string_view s, std::size_t i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  return message::decode_utf8(p + i, p + s.size());
}

// A real U+FFFD in the file, told from the decoder's mark for a bad byte.
bool valid_at(std::string_view s, std::size_t i) {
  const auto d = decode_at(s, i);
  return d.cp != 0xFFFD || d.len == 3;
}

// The file's text, addressed the way the parser reports places.
class Source {
 public:
  explicit Source(std::string_view s) : s_(s) {}

  /// The byte at line:column (columns in code points); past the end when
  /// the place is not in the file.
  std::size_t offset_of(std::size_t line, std::size_t column) const {
    std::size_t l = 1, c = 1, i = 0;
    while (i < s_.size()) {
      if (l == line && c == column) return i;
      if (s_[i] == '\n') {
        if (l == line) return i;  // past the end of its line: its end
        ++l;
        c = 1;
        ++i;
      } else {
        i += decode_at(s_, i).len;
        ++c;
      }
    }
    return s_.size();
  }

  SyntaxError at(std::size_t offset, std::string what) const {
    SyntaxError e;
    e.what = std::move(what);
    for (std::size_t i = 0; i < offset && i < s_.size();) {
      if (s_[i] == '\n') {
        ++e.line;
        e.column = 1;
        ++i;
      } else {
        i += decode_at(s_, i).len;
        ++e.column;
      }
    }
    return e;
  }

  /// Where a file that ends too soon ends: after its last character (on a
  /// final newline, at that line's end).
  std::size_t end() const {
    return !s_.empty() && s_.back() == '\n' ? s_.size() - 1 : s_.size();
  }

  char byte(std::size_t i) const { return i < s_.size() ? s_[i] : '\0'; }
  /// The character at i as written, when it is printable; "" otherwise.
  std::string printable(std::size_t i) const {
    if (i >= s_.size() || !valid_at(s_, i)) return "";
    const auto d = decode_at(s_, i);
    if (d.cp < 0x20 || d.cp == 0x7F || invisible(d.cp)) return "";
    return std::string(s_.substr(i, d.len));
  }
  bool line_end(std::size_t i) const { return i >= s_.size() || s_[i] == '\n' || s_[i] == '\r'; }

  /// The character at i, in words: "'x'", "the end of the line", "a tab".
  std::string words(std::size_t i) const {
    if (i >= s_.size()) return "the end of the file";
    const auto b = static_cast<unsigned char>(s_[i]);
    if (b == '\n' || b == '\r') return "the end of the line";
    if (b == '\t') return "a tab";
    if (b == ' ') return "a space";
    if (b < 0x20 || b == 0x7F) return "the control character U+" + hex(b, 4);
    if (b < 0x80) return std::string("'") + char(b) + "'";
    if (!valid_at(s_, i)) return "the byte 0x" + hex(b, 2) + ", which is not UTF-8";
    const auto d = decode_at(s_, i);
    if (invisible(d.cp)) return "the invisible character U+" + hex(unsigned(d.cp), 4);
    return "'" + std::string(s_.substr(i, d.len)) + "'";
  }

  /// The word around i that was meant as a value: from after '=' (or a
  /// bracket, a comma, a space) to the next space, comma or bracket.
  std::size_t token_start(std::size_t i) const {
    i = std::min(i, s_.size());
    while (i > 0 && !starts_after(s_[i - 1])) --i;
    return i;
  }
  std::string token(std::size_t start) const {
    std::size_t end = start;
    while (end < s_.size() && !ends_before(s_[end])) ++end;
    std::string t;
    for (std::size_t i = start; i < end; ++i) {
      const auto b = static_cast<unsigned char>(s_[i]);
      t += (b < 0x20 || b == 0x7F) ? '?' : char(b);
    }
    if (t.size() > 40) {
      std::size_t cut = 37;
      while (cut > 0 && (static_cast<unsigned char>(t[cut]) & 0xC0) == 0x80) --cut;
      t = t.substr(0, cut) + "...";
    }
    return t;
  }

  /// The last place before `before` where `key` is written as a key
  /// (followed by '='); npos when there is none.
  std::size_t key_before(std::string_view key, std::size_t before) const {
    if (key.empty()) return std::string_view::npos;
    std::size_t at = std::min(before, s_.size());
    while (at > 0) {
      const auto found = s_.rfind(key, at - 1);
      if (found == std::string_view::npos) return found;
      std::size_t j = found + key.size();
      while (j < s_.size() && (s_[j] == ' ' || s_[j] == '\t')) ++j;
      const bool starts = found == 0 || !bare(s_[found - 1]);
      if (starts && j < s_.size() && s_[j] == '=') return found;
      at = found;
    }
    return std::string_view::npos;
  }

  /// The first byte that is not UTF-8; npos when every byte is.
  std::size_t first_invalid_utf8() const {
    for (std::size_t i = 0; i < s_.size();) {
      if (!valid_at(s_, i)) return i;
      i += decode_at(s_, i).len;
    }
    return std::string_view::npos;
  }

 private:
  static bool starts_after(char c) {
    return c == ' ' || c == '\t' || c == '=' || c == ',' || c == '[' || c == '{' || c == '\n' ||
           c == '\r';
  }
  static bool ends_before(char c) {
    return c == ' ' || c == '\t' || c == ',' || c == ']' || c == '}' || c == '#' || c == '\n' ||
           c == '\r';
  }
  static bool bare(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '"' || c == '\'' || c == '.';
  }
  // Characters that would not show on a terminal, or would turn it around.
  static bool invisible(char32_t cp) {
    return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x200B && cp <= 0x200F) ||
           (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF ||
           cp == 0xFFFD;
  }

  std::string_view s_;
};

// The name the parser quotes between the first and the last "'" (a key or
// table as the person wrote it).
std::string quoted_name(std::string_view reason) {
  const auto open = reason.find('\'');
  const auto close = reason.rfind('\'');
  if (open == std::string_view::npos || close <= open) return "";
  return std::string(reason.substr(open + 1, close - open - 1));
}

constexpr std::string_view kValues =
    "a value is a \"string\", a number, true or false, an [array] or an { inline table }";

// What the file ends inside of.
std::string ends_inside(std::string_view scope) {
  if (scope == "string" || scope == "literal string")
    return "the file ends inside a string: its closing quote is missing";
  if (scope == "array") return "the file ends inside an array: its closing ']' is missing";
  if (scope == "inline table")
    return "the file ends inside an inline table: its closing '}' is missing";
  if (scope == "table header")
    return "the file ends inside a [table] header: its closing ']' is missing";
  if (scope == "key" || scope == "key-value pair")
    return "the file ends after a key: '=' and a value are missing";
  return "the file ends where a value was expected; " + std::string(kValues);
}

bool number_scope(std::string_view scope) {
  return has(scope, "integer") || has(scope, "floating-point");
}

bool date_scope(std::string_view scope) {
  return scope == "date" || scope == "time" || scope == "date-time" || scope == "date-time offset";
}

std::string number_problem(std::string_view reason) {
  if (has(reason, "leading zero")) return "a number cannot start with 0 (write 3, not 03)";
  if (has(reason, "representable") || has(reason, "length limit") || has(reason, "too long"))
    return "it is too large (integers go up to 9223372036854775807)";
  if (has(reason, "underscore")) return "an underscore must stand between two digits";
  if (has(reason, "hexadecimal floating-point"))
    return "hexadecimal numbers are whole numbers only";
  return "a number is digits with an optional sign, '.' and exponent; text goes in quotes";
}

SyntaxError explain(const Source& src, Parsed p, std::size_t pos) {
  const auto& [scope, reason] = p;
  const std::string found = src.words(pos);

  if (has(reason, "utf-8") || has(reason, "UTF-8")) {
    const auto bad = src.first_invalid_utf8();
    const auto at = bad == std::string_view::npos ? pos : bad;
    return src.at(at, "the file is not valid UTF-8 here (" + src.words(at) + "); save it as UTF-8");
  }
  if (has(reason, "end-of-file") || has(reason, "EOF"))
    return src.at(src.end(), ends_inside(scope));

  if (has(reason, "control character")) {
    if ((scope == "string" || scope == "literal string") && src.line_end(pos)) {
      const char* quote = scope == "string" ? "\"" : "'";
      return src.at(pos, std::string("the line ends inside a string: its closing ") + quote +
                             " is missing (a string ends on the line it starts on; text over "
                             "several lines goes between \"\"\")");
    }
    if (scope == "comment") return src.at(pos, found + " is not allowed in a comment; remove it");
    if (scope == "string" || scope == "literal string")
      return src.at(pos, found + " is not allowed in a string; write it as an escape such as "
                                 "\\u0001 in double quotes, or remove it");
    return src.at(pos, found + " is not allowed here; remove it");
  }

  if (has(reason, "escape sequence")) {
    const auto at = pos > 0 && src.byte(pos - 1) == '\\' ? pos - 1 : pos;
    const std::string esc = "\\" + src.printable(at + 1);
    return src.at(at, esc + " is not an escape in a \"string\" (those are \\\" \\\\ \\b \\f \\n "
                            "\\r \\t \\uXXXX \\UXXXXXXXX): write \\\\ for a backslash, or use "
                            "'single quotes', where a backslash is just a backslash");
  }
  if (scope == "unicode scalar sequence" || has(reason, "surrogate") || has(reason, "U+10FFFF"))
    return src.at(pos, "a \\u escape takes 4 hex digits and a \\U escape 8, naming a Unicode "
                       "character");
  if (has(reason, "line-ending backslash"))
    return src.at(pos, "in a \"\"\" string a backslash that ends a line must be the last "
                       "character on it");

  if (number_scope(scope) || has(reason, "may not begin with underscores") ||
      has(reason, "numeric value too long")) {
    const auto start = src.token_start(pos);
    return src.at(start, "'" + src.token(start) + "' is not a valid number: " +
                             number_problem(reason));
  }
  if (scope == "boolean") {
    const auto start = src.token_start(pos);
    return src.at(start, "'" + src.token(start) + "' is not a value: write true or false in "
                                                  "lower case, or put text in quotes");
  }
  if (date_scope(scope)) {
    const auto start = src.token_start(pos);
    return src.at(start, "'" + src.token(start) + "' is not a valid date or time (such as "
                                                  "2026-05-27, 07:32:00 or "
                                                  "2026-05-27T07:32:00Z); text goes in quotes");
  }
  if (has(reason, "could not determine value type")) {
    const std::string t = src.token(pos);
    if (t.empty() || t.front() == '=')
      return src.at(pos, "a value is missing here, before " + found + "; " + std::string(kValues));
    return src.at(pos, "'" + t + "' is not a value: text goes in quotes (\"" + t + "\"); " +
                           std::string(kValues));
  }

  // Keys and tables defined twice.
  if (has(reason, "cannot insert"))
    return src.at(pos, "'" + quoted_name(reason) + "' cannot be added to an inline table "
                                                   "{ ... } written earlier; put every key "
                                                   "inside its braces");
  if (has(reason, "as dotted key-value pair"))
    return src.at(pos, "this dotted key goes through a key that already holds a value");
  if (has(reason, "cannot redefine")) {
    const std::string name = quoted_name(reason);
    if (scope == "table header") {
      if (has(reason, "' as "))
        return src.at(pos, "[" + name + "] names a key that already holds a value; a key "
                                        "cannot also be a table");
      return src.at(pos, "the table [" + name + "] is declared twice; put all its keys "
                                                "under one [" + name + "]");
    }
    const auto key = src.key_before(name, pos);
    const auto at = key == std::string_view::npos ? pos : key;
    if (has(reason, "existing table"))
      return src.at(at, "'" + name + "' is already a table (a [table] or a dotted key made "
                                     "it one); it cannot also be set to a value");
    return src.at(at, "the key '" + name + "' is set twice in this table; keep one");
  }

  // What was expected and what came instead.
  if (has(reason, "expected '='"))
    return src.at(pos, "a key must be followed by '=' and its value, not by " + found +
                           " (a key with a space in it goes in quotes)");
  if (has(reason, "expected value,"))
    return src.at(pos, src.line_end(pos)
                           ? "'=' must be followed by a value on the same line; " +
                                 std::string(kValues)
                           : "'=' must be followed by a value, not by " + found + "; " +
                                 std::string(kValues));
  if (has(reason, "expected a comment or whitespace")) {
    if (scope == "table header")
      return src.at(pos, "only a # comment may follow a [table] header on its line, not " +
                             found);
    return src.at(pos, "only a # comment may follow a value on its line, not " + found +
                           " (text with spaces goes in quotes; one key = value per line)");
  }
  if (has(reason, "expected keys, tables, whitespace or comments")) {
    if (src.byte(pos) == '=') return src.at(pos, "the key is missing before '='");
    return src.at(pos, "a line holds a key = value, a [table] header or a # comment; it "
                       "cannot start with " + found);
  }
  if (has(reason, "bare key starting character"))
    return src.at(pos, "a key is a name of letters, digits, '-' and '_', or a \"quoted\" "
                       "one; not " + found);
  if (has(reason, "brackets must be contiguous"))
    return src.at(pos, "write [[name]] with its two brackets together");
  if (has(reason, "blank bare keys"))
    return src.at(pos, "a [table] header needs a name, as in [profiles.ops]");
  if (scope == "table header" && has(reason, "expected ']'"))
    return src.at(pos, "the [table] header is not closed: ']' is expected, not " + found);
  if (has(reason, "saw comma") && scope == "array")
    return src.at(pos, "two commas in a row in an array: a value is missing between them");
  if (scope == "array")
    return src.at(pos, "the items of an array are separated by ',' and it ends with ']', "
                       "not " + found);
  if (has(reason, "dangling comma"))
    return src.at(pos, "an inline table { ... } may not end with ',' before its '}'");
  if (has(reason, "saw comma") && scope == "inline table")
    return src.at(pos, "two commas in a row in an inline table: a key = value is missing "
                       "between them");
  if (scope == "inline table")
    return src.at(pos, src.line_end(pos)
                           ? "an inline table { ... } must be closed with '}' on the line "
                             "it starts on"
                           : "in an inline table { ... } each key = value is followed by ',' "
                             "or by the closing '}', not by " + found);
  if (has(reason, "after '\\r'"))
    return src.at(pos, "a carriage return must be followed by a line feed (CR LF line ends)");
  if (has(reason, "expected space or tab"))
    return src.at(pos, found + " is not a space; only spaces and tabs may stand between a key, "
                               "its '=' and its value");
  if (has(reason, "nested value depth"))
    return src.at(pos, "arrays or inline tables are nested too deep here");
  if (has(reason, "multi-line strings are prohibited"))
    return src.at(pos, "a key cannot be a \"\"\" string; use \"quotes\"");
  if (has(reason, "value-terminator")) {
    const auto start = src.token_start(pos);
    return src.at(start, "'" + src.token(start) + "' is not a value: text goes in quotes");
  }
  return src.at(pos, "this is not valid TOML: " + found + " is not expected here");
}

}  // namespace

SyntaxError explain_syntax_error(std::string_view text, std::string_view description,
                                 std::size_t line, std::size_t column) {
  const Source src(text);
  return explain(src, split_description(description), src.offset_of(line, column));
}

}  // namespace notify::config
