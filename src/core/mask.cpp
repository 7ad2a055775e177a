#include "core/mask.hpp"

#include <algorithm>
#include <array>
#include <optional>

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

// A path segment or query value worth masking wherever it appears: letters
// and digits mixed ("relaySecret987"), or long. Ordinary words ("post",
// "services", "api") and numbers are not, so that masking them does not
// garble the rest of the text.
bool looks_like_key(std::string_view s) {
  const bool digit = std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  const bool letter = std::any_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  });
  return (s.size() >= 8 && digit && letter) || s.size() >= 24;
}

// Non-empty pieces of text between separators, as views.
std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto at = text.find(sep, i);
    const auto end = at == std::string_view::npos ? text.size() : at;
    if (end > i) out.push_back(text.substr(i, end - i));
    i = end + 1;
  }
  return out;
}

// One segment against one pattern segment (not "**"); the secret part, if
// the pattern has one, is added to `secrets`.
bool segment_matches(std::string_view pattern, std::string_view segment,
                     std::vector<std::string_view>& secrets) {
  const auto wild = pattern.find_first_of("*#");
  if (wild == std::string_view::npos) return pattern == segment;
  const auto prefix = pattern.substr(0, wild);
  if (segment.size() <= prefix.size() || !segment.starts_with(prefix)) return false;
  if (pattern[wild] == '#') secrets.push_back(segment.substr(prefix.size()));
  return true;
}

// `loose` (when given) also gets the segments "##" took: secrets in the
// URL, but ordinary words ("mattermost") as often as keys.
bool path_matches(const std::vector<std::string_view>& pattern, std::size_t p,
                  const std::vector<std::string_view>& path, std::size_t s,
                  std::vector<std::string_view>& secrets,
                  std::vector<std::string_view>* loose = nullptr) {
  if (p == pattern.size()) return s == path.size();
  if (pattern[p] == "**" || pattern[p] == "##") {
    for (std::size_t skip = s; skip <= path.size(); ++skip) {
      const auto before = secrets.size();
      const auto loose_before = loose ? loose->size() : 0;
      if (pattern[p] == "##")
        for (std::size_t i = s; i < skip; ++i) {
          secrets.push_back(path[i]);
          if (loose) loose->push_back(path[i]);
        }
      if (path_matches(pattern, p + 1, path, skip, secrets, loose)) return true;
      secrets.resize(before);
      if (loose) loose->resize(loose_before);
    }
    return false;
  }
  if (s == path.size()) return false;
  const auto before = secrets.size();
  if (segment_matches(pattern[p], path[s], secrets) &&
      path_matches(pattern, p + 1, path, s + 1, secrets, loose))
    return true;
  secrets.resize(before);
  return false;
}

struct QueryPair {
  std::string_view name, value, whole;
  bool has_value = false;
};

std::vector<QueryPair> query_pairs(std::string_view query) {
  std::vector<QueryPair> out;
  for (auto pair : split(query, '&')) {
    QueryPair q{pair, {}, pair};
    if (const auto eq = pair.find('='); eq != std::string_view::npos) {
      q.name = pair.substr(0, eq);
      q.value = pair.substr(eq + 1);
      q.has_value = true;
    }
    out.push_back(q);
  }
  return out;
}

// The secret pieces of a URL whose path fits `shape`; nullopt when it does
// not. `open_query`: every parameter the shape does not list is masked (a
// profile's URL); otherwise only those named like secrets (free text).
std::optional<std::vector<std::string_view>> shape_secrets(
    const UrlView& u, std::string_view shape, bool open_query,
    std::vector<std::string_view>* loose = nullptr) {
  const auto q = shape.find('?');
  const auto pattern = split(shape.substr(0, q), '/');
  const auto shown = q == std::string_view::npos ? std::vector<std::string_view>{}
                                                 : split(shape.substr(q + 1), '&');
  std::vector<std::string_view> secrets;
  if (!path_matches(pattern, 0, split(u.path, '/'), 0, secrets, loose)) return std::nullopt;
  for (const auto& pair : query_pairs(u.query)) {
    const bool listed = std::find(shown.begin(), shown.end(), pair.name) != shown.end() ||
                        (std::find(shown.begin(), shown.end(), "*") != shown.end() &&
                         !is_secret_name(pair.name));
    const bool secret = open_query ? !listed : is_secret_name(pair.name);
    if (!secret) continue;
    if (pair.has_value) {
      if (!pair.value.empty()) secrets.push_back(pair.value);
    } else {
      secrets.push_back(pair.whole);
    }
  }
  if (open_query && !u.fragment.empty()) secrets.push_back(u.fragment);
  return secrets;
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

// "host[:port]" as written in the URL.
std::string_view host_and_port(const UrlView& u) {
  const char* end = u.has_port ? u.port.data() + u.port.size() : u.host.data() + u.host.size();
  return std::string_view(u.host.data(), std::size_t(end - u.host.data()));
}

// Everything after "host[:port]": path, query and fragment.
std::string_view after_host(std::string_view url, const UrlView& u) {
  const auto hp = host_and_port(u);
  return url.substr(std::size_t(hp.data() + hp.size() - url.data()));
}

bool bare_origin(std::string_view rest) { return rest.empty() || rest == "/"; }

// The pieces a person may not see of a URL a profile holds, when it has a
// declared shape; nullopt when it has none (then all after the host goes).
std::optional<std::vector<std::string_view>> known_secrets(
    const UrlView& u, std::string_view url, const UrlShapes& shapes,
    std::vector<std::string_view>* loose = nullptr) {
  for (auto shape : shapes)
    if (auto secrets = shape_secrets(u, shape, true, loose)) return secrets;
  if (bare_origin(after_host(url, u))) return std::vector<std::string_view>{};
  return std::nullopt;
}

std::vector<std::string_view> userinfo_of(const UrlView& u) {
  if (u.has_userinfo && !u.userinfo.empty()) return {u.userinfo};
  return {};
}

// "ID" of "*ID", "N" of "v*N"; "X" when the wildcard has no name.
std::string segment_for_people(std::string_view segment) {
  if (segment == "**" || segment == "##") return "...";
  const auto wild = segment.find_first_of("*#");
  if (wild == std::string_view::npos) return std::string(segment);
  const auto name = segment.substr(wild + 1);
  return std::string(segment.substr(0, wild)) + (name.empty() ? "X" : std::string(name));
}

}  // namespace

bool fits_shapes(std::string_view url, const UrlShapes& shapes) {
  if (shapes.empty()) return true;
  const auto u = split_url(url);
  if (!u) return false;
  std::vector<std::string_view> ignored;
  for (auto shape : shapes) {
    const auto pattern = split(shape.substr(0, shape.find('?')), '/');
    if (path_matches(pattern, 0, split(u->path, '/'), 0, ignored)) return true;
  }
  return false;
}

std::string shapes_for_people(const UrlShapes& shapes) {
  std::string out;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    if (i > 0) out += " or ";
    for (auto segment : split(shapes[i].substr(0, shapes[i].find('?')), '/'))
      out += (segment == "**" || segment == "##" ? "" : "/") + segment_for_people(segment);
  }
  return out;
}

std::string mask_url(std::string_view url, const UrlShapes& shapes) {
  const auto u = split_url(url);
  if (!u) return std::string(url);
  auto pieces = userinfo_of(*u);
  if (auto secrets = known_secrets(*u, url, shapes)) {
    pieces.insert(pieces.end(), secrets->begin(), secrets->end());
    return replace_pieces(url, pieces);
  }
  const auto rest = after_host(url, *u);
  return replace_pieces(url.substr(0, url.size() - rest.size()), pieces) + "/***";
}

void Masker::add_piece(std::string text, std::string shown) {
  if (text.empty()) return;
  for (const auto& p : pieces_)
    if (p.text == text) return;
  pieces_.push_back(Piece{std::move(text), std::move(shown)});
  std::stable_sort(pieces_.begin(), pieces_.end(),
                   [](const auto& a, const auto& b) { return a.text.size() > b.text.size(); });
}

void Masker::add(std::string_view secret) {
  if (secret.size() < 6) return;
  add_piece(std::string(secret), "***");
  // As a server quotes it back inside JSON: \" \\ and escaped controls.
  std::string quoted;
  for (const char c : secret) {
    const auto b = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (b < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      quoted += "\\u00";
      quoted += kHex[b >> 4];
      quoted += kHex[b & 15];
    } else {
      quoted += c;
    }
  }
  if (quoted != secret) add_piece(std::move(quoted), "***");
}

void Masker::add_url(std::string_view url, const UrlShapes& shapes) {
  const auto u = split_url(url);
  if (!u) return add(url);
  if (u->has_userinfo) {
    add(u->userinfo);
    // A password alone too: libcurl may quote the user name without it.
    if (const auto colon = u->userinfo.find(':'); colon != std::string_view::npos)
      add(u->userinfo.substr(colon + 1));
  }
  std::vector<std::string_view> loose;
  if (auto secrets = known_secrets(*u, url, shapes, &loose)) {
    for (auto piece : *secrets) {
      // A sub-path word is masked in the URL, on its own only when it looks like a key.
      const bool is_loose = std::any_of(loose.begin(), loose.end(),
                                        [&](std::string_view l) { return l.data() == piece.data(); });
      if (!is_loose || looks_like_key(piece)) add(piece);
    }
    return;
  }
  // A shape nobody knows: the host stays, the rest goes as a whole, also
  // where a server quotes the path without the host ("no route for /...").
  const auto rest = after_host(url, *u);
  const auto hp = host_and_port(*u);
  add_piece(std::string(hp) + std::string(rest), std::string(hp) + "/***");
  if (rest.front() == '/' && rest.size() >= 6) add_piece(std::string(rest), "/***");
  for (auto segment : split(u->path, '/'))
    if (looks_like_key(segment)) add(segment);
  for (const auto& pair : query_pairs(u->query))
    if (looks_like_key(pair.value) || is_secret_name(pair.name)) add(pair.value);
}

void Masker::add_shape(std::string_view shape) {
  if (shape.find('#') == std::string_view::npos) return;  // nothing to hide
  if (std::find(shapes_.begin(), shapes_.end(), shape) == shapes_.end())
    shapes_.emplace_back(shape);
}

std::string Masker::apply(std::string_view text) const {
  std::string out(text);
  for (const auto& p : pieces_) {
    std::size_t pos = 0;
    while ((pos = out.find(p.text, pos)) != std::string::npos) {
      out.replace(pos, p.text.size(), p.shown);
      pos += p.shown.size();
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
    std::vector<std::string_view> pieces;
    if (const auto u = split_url(url)) {
      pieces = userinfo_of(*u);
      std::optional<std::vector<std::string_view>> secrets;
      for (const auto& shape : shapes_)
        if ((secrets = shape_secrets(*u, shape, false))) break;
      if (!secrets) secrets = shape_secrets(*u, "/**", false);  // named like secrets only
      if (secrets) pieces.insert(pieces.end(), secrets->begin(), secrets->end());
    }
    scrubbed += replace_pieces(url, pieces);
    done = end;
  }
  scrubbed.append(out, done, std::string::npos);
  return scrubbed;
}

}  // namespace notify
