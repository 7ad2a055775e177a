#pragma once
// Secret masking: every byte notify prints goes through a Masker that knows
// each secret in play, so a token cannot leak through an error message,
// libcurl's text, a URL in --dry-run or -v output.
//
// Core knows no service: each service declares the shapes of its URLs
// (services/registry.hpp), and a URL of a shape nobody declared is shown
// down to its host.

#include <string>
#include <string_view>
#include <vector>

namespace notify {

/// The shapes a URL may take, as a service declares them for masking. One
/// shape is its path segment by segment, then optionally '?' and the query
/// parameters it carries in the open, separated by '&'
/// ("/api/webhooks/*/#?wait&thread_id"; "?*": any parameter not named like
/// a secret). A segment is a literal, "*" (any value, shown), "#" (any
/// value, a secret), a literal prefix then "*" or "#" ("v*", "bot#"), or
/// "**" (any number of segments, shown), or "##" (any number of segments,
/// secrets: a server's sub-path, or a relay's key). A "*" or "#" may be followed by
/// the name a person knows the value by ("#TOKEN", "v*N"): matching
/// ignores it, messages show it. "/**?*" is a public URL (an icon). No
/// shape at all: a bare origin, nothing after the host.
using UrlShapes = std::vector<std::string_view>;

/// True when the path of `url` fits one of `shapes` (the query and the
/// fragment are not looked at), or when `shapes` is empty: the one rule
/// the loader and `setup` apply to a URL a key declares shapes for.
bool fits_shapes(std::string_view url, const UrlShapes& shapes);

/// The paths of the shapes as a person reads them, for an error saying
/// what was expected: ".../hooks/ID", "/api/webhooks/ID/TOKEN or
/// /api/vN/webhooks/ID/TOKEN" (each wildcard by its name, or "X" when it
/// has none; "**" and "##" as "..."). No scheme or host: text with "://" in it would
/// be masked as a URL of that very shape.
std::string shapes_for_people(const UrlShapes& shapes);

/// What a person may see of a URL a profile holds or a server names (list,
/// --dry-run, a redirect's Location): the userinfo as "***"; when its path
/// matches one of `shapes`, that shape's secret segments as "***" and the
/// value of every query parameter the shape does not carry in the open;
/// otherwise, when anything follows the host, all of it:
/// "scheme://host[:port]/***". Text that is not a URL comes back as it is.
std::string mask_url(std::string_view url, const UrlShapes& shapes);

class Masker {
 public:
  /// Registers a secret; values shorter than 6 bytes are ignored, since
  /// masking them would garble ordinary text and they protect nothing.
  void add(std::string_view secret);
  /// Registers a URL a profile holds, with the shapes its service knows for
  /// it, so that wherever it (or a piece of it) appears it is shown as
  /// mask_url() shows it. Of a URL of none of those shapes, everything after
  /// the host is masked as a whole (also the path alone, when a server
  /// quotes it), and on their own only the segments and query values that
  /// look like keys (letters and digits mixed), never ordinary words such
  /// as "post". Text that is not a URL is registered as a secret.
  void add_url(std::string_view url, const UrlShapes& shapes);
  /// A shape with secret segments ('#') to look for in URLs nobody
  /// registered: a redirect's Location, a URL a service quotes back.
  void add_shape(std::string_view shape);
  /// Text with every registered piece replaced by its masked form, and in
  /// every URL of the text the userinfo, the secret segments of a known
  /// shape and the values of query parameters named like secrets (token,
  /// key, sig, password, ...) masked, whoever wrote them. Other URLs (a
  /// link in a message) keep their path.
  std::string apply(std::string_view text) const;

 private:
  struct Piece {
    std::string text;   ///< as it appears
    std::string shown;  ///< what replaces it
  };
  void add_piece(std::string text, std::string shown);
  std::vector<Piece> pieces_;  // longest first
  std::vector<std::string> shapes_;
};

}  // namespace notify
