#include "core/mask.hpp"

#include <algorithm>
#include <array>

#include "core/url.hpp"

namespace notify {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    if (c == '-') c = '_';
  }
  return out;
}

// Query parameter names that carry credentials in the wild: OAuth, signed
// URLs (AWS, Azure SAS "sig"), API gateways and webhook relays.
bool is_secret_name(std::string_view name) {
  const std::string n = lower(name);
  static constexpr std::array<std::string_view, 9> exact = {
      "key", "sig", "auth", "pass", "pwd", "code", "hash", "apikey", "signature"};
  if (std::find(exact.begin(), exact.end(), n) != exact.end()) return true;
  static constexpr std::array<std::string_view, 7> parts = {
      "token", "secret", "passw", "_key", "_sig", "auth_", "credential"};
  for (auto p : parts)
    if (n.find(p) != std::string::npos) return true;
  return n.ends_with("_auth") || n.starts_with("key_") || n.starts_with("x_amz_");
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Non-empty segments of a path, as views.
std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    const auto slash = path.find('/', i);
    const auto end = slash == std::string_view::npos ? path.size() : slash;
    if (end > i) out.push_back(path.substr(i, end - i));
    i = end + 1;
  }
  return out;
}

void path_secrets(std::string_view path, bool unknown_last, std::vector<std::string_view>& out) {
  const auto segs = segments(path);
  for (std::size_t i = 0; i < segs.size(); ++i) {
    const auto s = segs[i];
    // Telegram: /bot123456:ABC.../method
    if (s.starts_with("bot")) {
      const auto colon = s.find(':');
      if (colon != std::string_view::npos && all_digits(s.substr(3, colon - 3))) {
        out.push_back(s.substr(3));
        return;
      }
    }
    if (s == "hooks" && i + 1 < segs.size()) {
      // Everything after /hooks/ is the credential (Mattermost id, or a
      // Slack-like path on a relay).
      const auto from = segs[i + 1].data();
      out.push_back(std::string_view(from, std::size_t(path.data() + path.size() - from)));
      return;
    }
    if (s == "webhooks" && i + 1 < segs.size()) {
      out.push_back(segs[i + 2 < segs.size() ? i + 2 : i + 1]);
      return;
    }
    if (s == "services" && i + 3 < segs.size()) {
      out.push_back(segs[i + 3]);
      return;
    }
  }
  if (unknown_last && !segs.empty()) out.push_back(segs.back());
}

// A URL's extent in free text: up to a space, a quote, a bracket or a control.
std::size_t url_end(std::string_view text, std::size_t from) {
  std::size_t i = from;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c <= 0x20 || c == 0x7F || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`' ||
        c == '\\')
      break;
    ++i;
  }
  return i;
}

std::string replace_pieces(std::string_view url, std::vector<std::string_view> pieces) {
  std::sort(pieces.begin(), pieces.end(),
            [](auto a, auto b) { return a.data() < b.data(); });
  std::string out;
  const char* at = url.data();
  for (auto p : pieces) {
    if (p.empty() || p.data() < at) continue;
    out.append(at, p.data());
    out += "***";
    at = p.data() + p.size();
  }
  out.append(at, url.data() + url.size());
  return out;
}

}  // namespace

std::vector<std::string_view> url_secrets(std::string_view url, bool unknown_last_segment) {
  std::vector<std::string_view> out;
  const auto u = split_url(url);
  if (!u) return out;
  if (u->has_userinfo && !u->userinfo.empty()) out.push_back(u->userinfo);
  path_secrets(u->path, unknown_last_segment, out);
  std::string_view q = u->query;
  while (!q.empty()) {
    const auto amp = q.find('&');
    const auto pair = q.substr(0, amp);
    if (const auto eq = pair.find('='); eq != std::string_view::npos && eq + 1 < pair.size())
      if (is_secret_name(pair.substr(0, eq))) out.push_back(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return out;
}

std::string mask_url(std::string_view url) {
  return replace_pieces(url, url_secrets(url, true));
}

void Masker::add(std::string_view secret) {
  if (secret.size() < 6) return;
  std::string s(secret);
  if (std::find(secrets_.begin(), secrets_.end(), s) != secrets_.end()) return;
  secrets_.push_back(std::move(s));
  std::stable_sort(secrets_.begin(), secrets_.end(),
                   [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

void Masker::add_url(std::string_view url) {
  if (url.find("://") == std::string_view::npos) return add(url);
  for (auto piece : url_secrets(url, true)) {
    add(piece);
    // A password alone too: libcurl may quote the user name without it.
    if (const auto colon = piece.find(':'); colon != std::string_view::npos &&
                                            piece.data() == split_url(url)->userinfo.data())
      add(piece.substr(colon + 1));
  }
}

std::string Masker::apply(std::string_view text) const {
  std::string out(text);
  for (const auto& s : secrets_) {
    std::size_t pos = 0;
    while ((pos = out.find(s, pos)) != std::string::npos) {
      out.replace(pos, s.size(), "***");
      pos += 3;
    }
  }
  if (out.find("://") == std::string::npos) return out;
  // Secrets nobody registered: a redirect's Location, an api_base with a
  // password, a URL a service quotes back.
  std::string scrubbed;
  std::size_t done = 0;
  for (std::size_t sep; (sep = out.find("://", done)) != std::string::npos;) {
    std::size_t start = sep;
    while (start > done && ((out[start - 1] >= 'a' && out[start - 1] <= 'z') ||
                            (out[start - 1] >= 'A' && out[start - 1] <= 'Z') ||
                            out[start - 1] == '+' || out[start - 1] == '.' ||
                            out[start - 1] == '-'))
      --start;
    const std::size_t end = url_end(out, sep + 3);
    const std::string_view url(out.data() + start, end - start);
    scrubbed.append(out, done, start - done);
    scrubbed += replace_pieces(url, url_secrets(url, false));
    done = end;
  }
  scrubbed.append(out, done, std::string::npos);
  return scrubbed;
}

}  // namespace notify
