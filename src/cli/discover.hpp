#pragma once
// `notify <service> discover` (see app/discover.hpp), and the pieces setup
// shares with it.

#include <string>
#include <vector>

#include "cli/session.hpp"
#include "config/discovery.hpp"

namespace notify::cli {

/// The rows as an aligned table, one chat per line.
std::string chat_table(const std::vector<config::Chat>& rows);

class Prompter;

/// A secret given on the command line as "-" is read from standard input:
/// on a terminal after printing `question` and with echo off (through
/// `prompter` when one is in use), else its first line.
Result<std::string> read_secret_arg(Session& s, const std::string& value,
                                    const std::string& question, Prompter* prompter = nullptr);

}  // namespace notify::cli
