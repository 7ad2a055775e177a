#include "services/json_util.hpp"

#include <cstdint>
#include <cstdio>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace notify::services {

namespace {

using nlohmann::json;

std::string nlohmann_dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// End of the run from p of bytes a JSON string takes as they are: ASCII
// from 0x20 up, but for '"' and '\\'.
const unsigned char* unescaped_end(const unsigned char* p, const unsigned char* end) {
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // Signed: bytes >= 0x80 are below the space too, and handled apart.
    const __m128i bad = _mm_or_si128(_mm_cmplt_epi8(v, space),
                                     _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
    if (const int mask = _mm_movemask_epi8(bad)) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
#endif
  while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') ++p;
  return p;
}

// Length of the well-formed UTF-8 sequence at p (Unicode table 3-7), or 0.
std::size_t utf8_sequence(const unsigned char* p, const unsigned char* end) {
  const unsigned char b = p[0];
  const std::ptrdiff_t avail = end - p;
  auto cont = [&](std::ptrdiff_t i) { return (p[i] & 0xC0) == 0x80; };
  if (b >= 0xC2 && b <= 0xDF) return avail >= 2 && cont(1) ? 2 : 0;
  if (b >= 0xE0 && b <= 0xEF) {
    if (avail < 3) return 0;
    const unsigned char lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
    return p[1] >= lo && p[1] <= hi && cont(2) ? 3 : 0;
  }
  if (b >= 0xF0 && b <= 0xF4) {
    if (avail < 4) return 0;
    const unsigned char lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
    return p[1] >= lo && p[1] <= hi && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

// False (out unchanged past `mark`) when s is not valid UTF-8: nlohmann's
// replacement rules then write it.
bool dump_string(const std::string& s, std::string& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* const end = p + s.size();
  out.push_back('"');
  while (p < end) {
    const auto* q = unescaped_end(p, end);
    out.append(reinterpret_cast<const char*>(p), std::size_t(q - p));
    p = q;
    if (p == end) break;
    const unsigned char b = *p;
    if (b >= 0x80) {
      const std::size_t len = utf8_sequence(p, end);
      if (len == 0) return false;
      out.append(reinterpret_cast<const char*>(p), len);
      p += len;
      continue;
    }
    switch (b) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        char u[8];
        std::snprintf(u, sizeof u, "\\u%04x", b);
        out += u;
      }
    }
    ++p;
  }
  out.push_back('"');
  return true;
}

void dump_value(const json& j, std::string& out) {
  switch (j.type()) {
    case json::value_t::object: {
      out.push_back('{');
      bool first = true;
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (!first) out.push_back(',');
        first = false;
        const auto mark = out.size();
        if (!dump_string(it.key(), out)) {
          out.resize(mark);
          out += nlohmann_dump(json(it.key()));
        }
        out.push_back(':');
        dump_value(it.value(), out);
      }
      out.push_back('}');
      return;
    }
    case json::value_t::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& e : j) {
        if (!first) out.push_back(',');
        first = false;
        dump_value(e, out);
      }
      out.push_back(']');
      return;
    }
    case json::value_t::string: {
      const auto mark = out.size();
      if (!dump_string(j.get_ref<const std::string&>(), out)) {
        out.resize(mark);
        out += nlohmann_dump(j);
      }
      return;
    }
    default:
      out += nlohmann_dump(j);  // numbers, booleans, null
  }
}

}  // namespace

std::string dump_json(const nlohmann::json& j) {
  std::string out;
  dump_value(j, out);
  return out;
}

}  // namespace notify::services
