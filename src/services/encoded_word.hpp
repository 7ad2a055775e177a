#pragma once
// Header values that may hold any text: HTTP and mail headers carry only
// printable ASCII safely, so other text travels as RFC 2047 encoded words,
// which ntfy (and mail readers) decode.

#include <string>
#include <string_view>

namespace notify::services {

/// `utf8` as it may go in a header: printable ASCII without "=?" as it is;
/// anything else as "=?UTF-8?B?...?=" words of at most 75 characters, each
/// holding whole characters, separated by a space (which decoders drop
/// between two encoded words). A CR or LF can therefore never end the
/// header early. Expects valid UTF-8 (sanitised text).
std::string header_text(std::string_view utf8);

/// True when `text` goes in a header as it is: printable ASCII with no "=?"
/// (which a reader would take for the start of an encoded word).
bool plain_header_text(std::string_view text);

}  // namespace notify::services
