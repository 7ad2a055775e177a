#include "message/escape.hpp"

#include <array>

#include "message/split.hpp"

namespace notify::message {

namespace {

constexpr std::string_view kZwsp = "\xE2\x80\x8B";

bool is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool equals_ignore_case(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

}  // namespace

std::string break_fences(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t tick = text.find('`', i);
    if (tick == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, tick - i));
    std::size_t run_end = tick;
    while (run_end < text.size() && text[run_end] == '`') ++run_end;
    const std::size_t run = run_end - tick;
    if (run < 3) {
      out.append(run, '`');
    } else {
      for (std::size_t k = 1; k <= run; ++k) {
        out.push_back('`');
        if (k % 2 == 0 && k != run) out.append(kZwsp);
      }
    }
    i = run_end;
  }
  return out;
}

std::string neutralize_mentions(std::string_view text) {
  static constexpr std::array<std::string_view, 3> kWords = {"channel", "all", "here"};
  std::string out;
  out.reserve(text.size() + 16);
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t at = text.find('@', i);
    if (at == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, at + 1 - i));
    i = at + 1;
    if (at > 0 && is_word(text[at - 1])) continue;
    std::size_t word_end = i;
    while (word_end < text.size() && is_word(text[word_end])) ++word_end;
    const std::string_view word = text.substr(i, word_end - i);
    for (const std::string_view w : kWords) {
      if (equals_ignore_case(word, w)) {
        out.append(kZwsp);
        break;
      }
    }
  }
  return out;
}

std::size_t utf16_length(std::string_view utf8) { return length_in(utf8, Unit::utf16); }

bool is_code_lang(std::string_view lang) {
  if (lang.empty() || lang.size() > 32) return false;
  for (const char c : lang) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '+' || c == '.' || c == '#' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace notify::message
