#pragma once
// Words as a POSIX shell reads them back: for the commands notify prints
// for the user to run (hints) and the command lines it reports.

#include <string>

namespace notify {

/// The word as is when the shell would take it literally, else in single
/// quotes ("it's" -> 'it'\''s').
std::string shell_quote(const std::string& word);

}  // namespace notify
