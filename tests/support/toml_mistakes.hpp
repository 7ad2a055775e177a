#pragma once
// The common mistakes in a profile file, with where notify must say they
// are and a piece of what it must say; and the TOML parser's own phrases
// (collected from the toml++ 3.x headers, impl/parser.inl), none of which
// may reach the user. Shared by the loader's unit test and the e2e test.

#include <string>
#include <vector>

namespace notify::test {

struct TomlMistake {
  const char* name;
  std::string text;   ///< the whole profile file
  const char* where;  ///< "LINE:COL" of the mistake
  const char* says;   ///< part of notify's explanation
};

inline const std::vector<TomlMistake>& toml_mistakes() {
  static const std::vector<TomlMistake> cases = {
      {"missing closing quote",
       "[profiles.ops]\ntype = \"mattermost\nwebhook_url = \"https://c.example/hooks/abc\"\n",
       "2:19", "the line ends inside a string: its closing \" is missing"},
      {"unterminated string at the end of the file",
       "[profiles.ops]\ntype = \"mattermost\"\nwebhook_url = \"https://c.example/hooks/abc",
       "3:43", "the file ends inside a string: its closing quote is missing"},
      {"unterminated multi-line string",
       "[profiles.ops]\ntype = \"mattermost\"\ncode_lang = \"\"\"sh\n\n", "4:1",
       "the file ends inside a string"},
      {"missing '='", "[profiles.ops]\ntype \"mattermost\"\n", "2:6",
       "a key must be followed by '=' and its value, not by '\"'"},
      {"bare word value", "[profiles.ops]\ntype = mattermost\n", "2:8",
       "'mattermost' is not a value: text goes in quotes (\"mattermost\")"},
      {"value missing", "[profiles.ops]\ntype =\n", "2:7",
       "'=' must be followed by a value on the same line"},
      {"key missing", "[profiles.ops]\n= \"mattermost\"\n", "2:1", "the key is missing before '='"},
      {"duplicate key", "[profiles.ops]\ntype = \"mattermost\"\ntype = \"slack\"\n", "3:1",
       "the key 'type' is set twice in this table"},
      {"duplicate key in an inline table",
       "[profiles]\nops = { type = \"mattermost\", type = \"slack\" }\n", "2:30",
       "the key 'type' is set twice in this table"},
      {"duplicate table",
       "[profiles.ops]\ntype = \"mattermost\"\n\n[profiles.ops]\ntype = \"slack\"\n", "4:1",
       "the table [profiles.ops] is declared twice"},
      {"table header not closed", "[profiles.ops\ntype = \"mattermost\"\n", "1:14",
       "the [table] header is not closed: ']' is expected, not the end of the line"},
      {"table header starting with a dot", "[.ops]\ntype = \"mattermost\"\n", "1:2",
       "a key is a name of letters, digits, '-' and '_', or a \"quoted\" one; not '.'"},
      {"empty table header", "[]\n", "1:2", "a [table] header needs a name"},
      {"trailing garbage", "[profiles.ops]\ntype = \"mattermost\" # ok\ntimeout = 10 seconds\n",
       "3:14", "only a # comment may follow a value on its line, not 's'"},
      {"invalid escape", "[profiles.ops]\ntype = \"mattermost\"\nusername = \"D:\\data\"\n",
       "3:15", "\\d is not an escape in a \"string\""},
      {"bad number", "[defaults]\ntimeout = 3x\n", "2:11", "'3x' is not a valid number"},
      {"leading zero", "[defaults]\nretries = 03\n", "2:11",
       "'03' is not a valid number: a number cannot start with 0"},
      {"inline table not closed",
       "[profiles]\nops = { type = \"mattermost\", webhook_url = \"https://c.example/hooks/a\"\n",
       "2:71", "an inline table { ... } must be closed with '}' on the line it starts on"},
      {"array not closed", "[groups]\nall = [\"ops\", \"me\"\n[profiles.ops]\n", "3:1",
       "the items of an array are separated by ',' and it ends with ']', not '['"},
      {"control character", "[profiles.ops]\ntype = \"matter\x01most\"\n", "2:15",
       "the control character U+0001 is not allowed in a string"},
      {"invalid UTF-8", "[profiles.ops]\ntype = \"mattermost\"\nusername = \"caf\xE9\"\n", "3:16",
       "the file is not valid UTF-8 here (the byte 0xE9, which is not UTF-8)"},
  };
  return cases;
}

/// Phrases of the parser's messages, as its headers write them.
inline const std::vector<std::string>& toml_library_phrases() {
  static const std::vector<std::string> phrases = {
      "Error while parsing", "could not determine value type", "explicitly prohibited",
      "encountered end-of-file", "Encountered", "saw '", "saw comma", "saw EOF",
      "value-terminator", "bare key starting character", "expected keys, tables",
      "expected a comment or whitespace", "cannot redefine existing", "into existing inline table",
      "unknown escape sequence", "is not supported in TOML", "unescaped control",
      "other than TAB", "leading zeroes", "not representable in 64 bits", "dangling comma",
      "utf-8", "expected hex digit", "line-ending backslashes", "numeric value too long",
      "underscores must be followed", "underscores may only follow", "(inclusive)",
      "expected value,", "expected comma or closing", "expected key or closing",
      "blank bare keys", "brackets must be contiguous", "as dotted key-value pair",
      "An unspecified error", "TOML_MAX_NESTED_VALUES", "expected '='", "expected ']'",
      "expected digit", "expected decimal digit"};
  return phrases;
}

}  // namespace notify::test
