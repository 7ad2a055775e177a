#pragma once
// The webhook's `body` template: {{title}}, {{text}}, {{priority}},
// {{host}}, {{key}}, {{part}} and {{parts}}, filled in one pass (a value
// that itself holds "{{title}}" is never filled again), each value
// JSON-escaped in a JSON body.

#include <map>
#include <string>
#include <string_view>

namespace notify::services {

/// The placeholders a body may name, as "{{title}}, {{text}}, ...".
std::string webhook_placeholder_list();

/// Why `body` cannot be a template: the first "{{NAME}}" it names that is
/// none of the placeholders ("names unknown placeholder {{NAME}} ..."); ""
/// when it can. A "{{" with no "}}" after it is text.
std::string webhook_template_problem(std::string_view body);

/// `text` as the inside of a JSON string: '"', '\\' and every control
/// character escaped, a byte that is not UTF-8 replaced by U+FFFD.
std::string webhook_json_escaped(std::string_view text);

/// `body` with each placeholder replaced by its value in `values` (keyed by
/// name without braces), JSON-escaped when `json`; placeholders it does
/// not know stay as written (the loader refused them already).
std::string webhook_fill(std::string_view body, const std::map<std::string, std::string>& values,
                         bool json);

}  // namespace notify::services
