#include "message/markdown.hpp"

#include <algorithm>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include "message/cmark.hpp"
#include "message/split.hpp"

namespace notify::message {

namespace {

constexpr std::size_t kNone = std::string::npos;

enum class Node {
  document, block_quote, list, item, code_block, html_block, paragraph, heading,
  thematic_break, table, table_row, table_cell, text, softbreak, linebreak, code,
  html_inline, emph, strong, strikethrough, link, image, other,
};

Node classify(cmark_node* n) {
  switch (cmark_node_get_type(n)) {
    case CMARK_NODE_DOCUMENT: return Node::document;
    case CMARK_NODE_BLOCK_QUOTE: return Node::block_quote;
    case CMARK_NODE_LIST: return Node::list;
    case CMARK_NODE_ITEM: return Node::item;
    case CMARK_NODE_CODE_BLOCK: return Node::code_block;
    case CMARK_NODE_HTML_BLOCK: return Node::html_block;
    case CMARK_NODE_PARAGRAPH: return Node::paragraph;
    case CMARK_NODE_HEADING: return Node::heading;
    case CMARK_NODE_THEMATIC_BREAK: return Node::thematic_break;
    case CMARK_NODE_TEXT: return Node::text;
    case CMARK_NODE_SOFTBREAK: return Node::softbreak;
    case CMARK_NODE_LINEBREAK: return Node::linebreak;
    case CMARK_NODE_CODE: return Node::code;
    case CMARK_NODE_HTML_INLINE: return Node::html_inline;
    case CMARK_NODE_EMPH: return Node::emph;
    case CMARK_NODE_STRONG: return Node::strong;
    case CMARK_NODE_LINK: return Node::link;
    case CMARK_NODE_IMAGE: return Node::image;
    default: break;
  }
  // Extension node types are numbered at registration time; their names are
  // the stable part of the API.
  const char* name = cmark_node_get_type_string(n);
  const std::string_view type = name ? name : "";
  if (type == "table") return Node::table;
  if (type == "table_row" || type == "table_header") return Node::table_row;
  if (type == "table_cell") return Node::table_cell;
  if (type == "strikethrough") return Node::strikethrough;
  return Node::other;
}

std::string_view literal(cmark_node* n) {
  const char* s = cmark_node_get_literal(n);
  return s ? std::string_view(s) : std::string_view();
}

std::string_view url_of(cmark_node* n) {
  const char* s = cmark_node_get_url(n);
  return s ? std::string_view(s) : std::string_view();
}

std::string_view trim_newlines(std::string_view s) {
  while (!s.empty() && s.back() == '\n') s.remove_suffix(1);
  return s;
}

bool starts_with_ignore_case(std::string_view s, std::string_view lower_prefix) {
  if (s.size() < lower_prefix.size()) return false;
  for (std::size_t i = 0; i < lower_prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    if (c != lower_prefix[i]) return false;
  }
  return true;
}

// Telegram refuses the whole message over a text_link URL it cannot use, so
// only plain-looking http(s) and tg links become links.
bool linkable(std::string_view url) {
  std::size_t rest = kNone;
  for (std::string_view scheme : {"http://", "https://", "tg://"})
    if (starts_with_ignore_case(url, scheme)) rest = scheme.size();
  if (rest == kNone || rest >= url.size()) return false;
  if (url[rest] == '/' || url[rest] == '?' || url[rest] == '#') return false;
  return std::none_of(url.begin(), url.end(),
                      [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7F; });
}

// An autolink's text is its URL minus what the autolinker added.
bool text_is_url(std::string_view text, std::string_view url) {
  if (text == url) return true;
  for (std::string_view added : {"mailto:", "http://"})
    if (url.size() == added.size() + text.size() && url.substr(0, added.size()) == added &&
        url.substr(added.size()) == text)
      return true;
  return false;
}


bool splittable(Span::Kind k) {
  return k == Span::Kind::bold || k == Span::Kind::italic || k == Span::Kind::strikethrough;
}

// --- Rendering -----------------------------------------------------------------

// Past this many nested containers a level adds no more indentation or "> ":
// lazy continuation lines would otherwise repeat a prefix as long as the
// nesting, quadratic output from linear input.
constexpr std::size_t kMaxPrefixDepth = 16;

constexpr std::string_view kRule =
    "\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500";

// The line prefixes of the open containers ("> ", list markers and their
// indentation). Containers not yet on a line are always the innermost, so
// every continuing line shares one cached prefix: a line costs its own
// length, never the depth of the nesting.
class Prefix {
 public:
  struct Segment {
    std::string first;          // on the container's first line (a list marker)
    std::string rest;           // on every later line
    std::size_t quote = kNone;  // a quote span that starts with the first line
  };

  void push(Segment s) {
    if (segments_.size() >= kMaxPrefixDepth) {  // markers still show, indentation not
      s.rest.clear();
      if (s.first.find_first_not_of(' ') == std::string::npos) s.first.clear();
    }
    segments_.push_back(std::move(s));
  }

  void pop() {
    segments_.pop_back();
    if (used_ > segments_.size()) {
      used_ = segments_.size();
      ends_.pop_back();
      cache_.resize(ends_.empty() ? 0 : ends_.back());
    }
  }

  bool empty() const { return segments_.empty(); }
  const std::string& innermost_rest() const { return segments_.back().rest; }

  /// Replaces the innermost container's later-line prefix.
  void set_innermost_rest(std::string rest) {
    segments_.back().rest = std::move(rest);
    if (used_ < segments_.size()) return;
    cache_.resize(ends_.size() > 1 ? ends_[ends_.size() - 2] : 0);
    cache_ += segments_.back().rest;
    ends_.back() = cache_.size();
  }

  /// What a blank line inside the containers holds: "> " without its space.
  std::string_view blank() const {
    std::string_view p = cache_;
    while (!p.empty() && p.back() == ' ') p.remove_suffix(1);
    return p;
  }

  /// Writes the prefix of a new line; `quote_starts(index, at)` tells where
  /// a quote span starting on this line begins.
  template <class F>
  void write_line(std::string& out, F&& quote_starts) {
    out += cache_;
    for (; used_ < segments_.size(); ++used_) {
      const Segment& s = segments_[used_];
      if (s.quote != kNone) quote_starts(s.quote, out.size());
      out += s.first;
      cache_ += s.rest;
      ends_.push_back(cache_.size());
    }
  }

 private:
  std::vector<Segment> segments_;
  std::vector<std::size_t> ends_;  // cache_ size after each segment on a line
  std::size_t used_ = 0;           // segments already on a line
  std::string cache_;              // the later-line prefix of those
};

class Renderer {
 public:
  explicit Renderer(bool with_spans) : spans_on_(with_spans) {}

  Rendered run(cmark_node* doc) {
    IterPtr iter(cmark_iter_new(doc));
    cmark_event_type ev;
    while ((ev = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE) {
      cmark_node* n = cmark_iter_get_node(iter.get());
      if (ev == CMARK_EVENT_ENTER) enter(n);
      else if (ev == CMARK_EVENT_EXIT) exit();
    }
    std::stable_sort(spans_.begin(), spans_.end(), [](const Span& a, const Span& b) {
      return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
    });
    return Rendered{std::move(out_), std::move(spans_)};
  }

 private:
  // A range being rendered; begin stays kNone until text arrives in it.
  struct Open {
    Span::Kind kind;
    std::size_t begin = kNone;
    bool emit = true;  // false: only its text is wanted (LINE links)
    std::string url;
    std::string language;
  };
  struct Frame {
    Node node;
    bool pushed_open = false;
    bool pushed_segment = false;
    std::string saved_rest;  // list in an item: the item's own indentation
    long next_number = 0;    // ordered list: the next item's number
  };

  // --- Output ---

  void need_break(int lines) { breaks_ = std::max(breaks_, lines); }

  // Line breaks and prefixes are owed until text needs them, so nothing
  // ever trails and an empty block leaves no blank line.
  void start_line() {
    if (!out_.empty() && breaks_ > 0) {
      out_ += '\n';
      for (int i = 1; i < breaks_; ++i) {
        out_ += prefix_.blank();
        out_ += '\n';
      }
    }
    breaks_ = 0;
    line_started_ = true;
    prefix_.write_line(out_, [this](std::size_t quote, std::size_t at) { open_[quote].begin = at; });
  }

  void begin_text() {
    if (!line_started_ || breaks_ > 0) start_line();
    for (auto& o : open_)
      if (o.begin == kNone && o.kind != Span::Kind::blockquote) o.begin = out_.size();
  }

  void put(std::string_view s) {
    if (s.empty()) return;
    begin_text();
    out_.append(s);
  }

  // Code and raw HTML: every newline counts, blank lines included.
  void put_verbatim(std::string_view s) {
    std::size_t at = 0;
    while (true) {
      const std::size_t nl = s.find('\n', at);
      put(s.substr(at, nl == std::string_view::npos ? nl : nl - at));
      if (nl == std::string_view::npos) return;
      ++breaks_;
      at = nl + 1;
    }
  }

  // --- Spans ---

  bool is_open(Span::Kind kind) const {
    return std::any_of(open_.begin(), open_.end(), [kind](const Open& o) { return o.kind == kind; });
  }

  // Telegram takes no span inside one of its own kind, and it would add
  // nothing anyway.
  bool open_span(Span::Kind kind) {
    if (is_open(kind)) return false;
    open_.push_back(Open{kind, kNone, true, {}, {}});
    return true;
  }

  void emit(const Open& o, std::size_t end) {
    if (o.emit && spans_on_ && o.begin != kNone && o.begin < end)
      spans_.push_back(Span{o.kind, o.begin, end, o.url, o.language});
  }

  void close_span() {
    emit(open_.back(), out_.size());
    open_.pop_back();
  }

  // --- Blocks ---

  // A block after a sibling: a blank line, or a newline in a tight list item.
  void separate(cmark_node* n) {
    if (!cmark_node_previous(n)) return;  // its container has asked already
    cmark_node* parent = cmark_node_parent(n);
    const bool tight_item = parent && cmark_node_get_type(parent) == CMARK_NODE_ITEM &&
                            cmark_node_get_list_tight(cmark_node_parent(parent));
    need_break(tight_item ? 1 : 2);
  }

  void push_segment(Frame& f, std::string first, std::string rest, std::size_t quote = kNone) {
    prefix_.push(Prefix::Segment{std::move(first), std::move(rest), quote});
    f.pushed_segment = true;
  }

  void enter_quote(Frame& f) {
    if (spans_on_ && !is_open(Span::Kind::blockquote)) {
      open_span(Span::Kind::blockquote);
      f.pushed_open = true;
      push_segment(f, "", "", open_.size() - 1);
    } else {
      push_segment(f, "> ", "> ");
    }
  }

  void enter_list(cmark_node* n, Frame& f) {
    cmark_node* parent = cmark_node_parent(n);
    // Two spaces per level, whatever the width of the enclosing marker.
    if (parent && cmark_node_get_type(parent) == CMARK_NODE_ITEM && !prefix_.empty() &&
        prefix_.innermost_rest().size() > 2) {
      f.saved_rest = prefix_.innermost_rest();
      prefix_.set_innermost_rest("  ");
    }
    f.next_number = cmark_node_get_list_start(n);
  }

  void enter_item(cmark_node* n, Frame& f) {
    cmark_node* list = cmark_node_parent(n);
    if (cmark_node_previous(n)) need_break(cmark_node_get_list_tight(list) ? 1 : 2);
    std::string marker = "\u2022 ";
    if (cmark_node_get_list_type(list) == CMARK_ORDERED_LIST) {
      // The list's frame is the one below the item's own.
      marker = std::to_string(frames_[frames_.size() - 2].next_number++) + ". ";
    }
    const char* type = cmark_node_get_type_string(n);
    if (type && std::string_view(type) == "tasklist")
      marker += cmark_gfm_extensions_get_tasklist_item_checked(n) ? "\u2611 " : "\u2610 ";
    std::string indent(length_in(marker, Unit::code_points), ' ');
    push_segment(f, std::move(marker), std::move(indent));
  }

  void code_block(cmark_node* n) {
    const std::string_view text = trim_newlines(literal(n));
    if (spans_on_) {
      const char* info = cmark_node_get_fence_info(n);
      open_.push_back(Open{Span::Kind::pre, kNone, true, {}, info_language(info ? info : "")});
    }
    put_verbatim(text);
    if (spans_on_) close_span();
  }

  // --- Inlines ---

  void inline_code(std::string_view text) {
    // Telegram keeps a link over a code in it, and splits bold, italic and
    // strikethrough around it: they may not contain one.
    if (!spans_on_ || is_open(Span::Kind::link)) return put(text);
    if (text.empty()) return;
    begin_text();
    const std::size_t at = out_.size();
    for (auto& o : open_) {
      if (!splittable(o.kind)) continue;
      emit(o, at);
      o.begin = kNone;  // restarts with the text after the code
    }
    out_.append(text);
    spans_.push_back(Span{Span::Kind::code, at, out_.size(), {}, {}});
  }

  bool enter_link(cmark_node* n) {
    if (is_open(Span::Kind::link)) return false;  // a badge image in a link
    open_.push_back(Open{Span::Kind::link, kNone, spans_on_, std::string(url_of(n)), {}});
    return true;
  }

  void exit_link() {
    Open& o = open_.back();
    const std::string_view text =
        o.begin == kNone ? std::string_view() : std::string_view(out_).substr(o.begin);
    if (text.empty()) {
      o.emit = false;
      put(o.url);
    } else if (text_is_url(text, o.url)) {
      o.emit = false;
    } else if (!spans_on_ || !linkable(o.url)) {
      o.emit = false;
      put(" (" + o.url + ")");
    }
    close_span();
  }

  // --- Tree walk ---

  void enter(cmark_node* n) {
    const Node kind = classify(n);
    switch (kind) {
      case Node::code_block: separate(n); return code_block(n);
      case Node::html_block: separate(n); return put_verbatim(trim_newlines(literal(n)));
      case Node::thematic_break: separate(n); return put(kRule);
      case Node::text: return put_verbatim(literal(n));
      case Node::softbreak:
      case Node::linebreak: return need_break(1);
      case Node::code: return inline_code(literal(n));
      case Node::html_inline: return put_verbatim(literal(n));
      default: break;
    }
    frames_.push_back(Frame{kind, false, false, {}});
    Frame& f = frames_.back();
    switch (kind) {
      case Node::block_quote: separate(n); enter_quote(f); break;
      case Node::list: separate(n); enter_list(n, f); break;
      case Node::item: enter_item(n, f); break;
      case Node::paragraph: separate(n); break;
      case Node::heading: separate(n); f.pushed_open = open_span(Span::Kind::bold); break;
      case Node::table: separate(n); break;
      case Node::table_row:
        if (cmark_node_previous(n)) need_break(1);
        if (cmark_gfm_extensions_get_table_row_is_header(n))
          f.pushed_open = open_span(Span::Kind::bold);
        break;
      case Node::table_cell:
        if (cmark_node_previous(n)) put(" | ");
        break;
      case Node::emph: f.pushed_open = open_span(Span::Kind::italic); break;
      case Node::strong: f.pushed_open = open_span(Span::Kind::bold); break;
      case Node::strikethrough: f.pushed_open = open_span(Span::Kind::strikethrough); break;
      case Node::link:
      case Node::image: f.pushed_open = enter_link(n); break;
      default: break;
    }
  }

  void exit() {
    Frame f = std::move(frames_.back());
    frames_.pop_back();
    if (f.node == Node::list) exit_list(f);
    if (f.pushed_segment) prefix_.pop();
    if (!f.pushed_open) return;
    if (f.node == Node::link || f.node == Node::image) return exit_link();
    close_span();
  }

  // Later paragraphs of the enclosing item align with its text again.
  void exit_list(Frame& f) {
    if (!f.saved_rest.empty()) prefix_.set_innermost_rest(std::move(f.saved_rest));
  }

  const bool spans_on_;
  std::string out_;
  std::vector<Span> spans_;
  Prefix prefix_;
  std::vector<Open> open_;
  std::vector<Frame> frames_;
  int breaks_ = 0;
  bool line_started_ = false;
};

}  // namespace

Rendered render_markdown(std::string_view md, bool with_spans) {
  NodePtr doc = parse_gfm(md, CMARK_OPT_DEFAULT);
  return Renderer(with_spans).run(doc.get());
}

}  // namespace notify::message
