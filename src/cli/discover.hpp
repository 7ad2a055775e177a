#pragma once
#include <string>
#include <vector>

#include "cli/session.hpp"
#include "services/telegram_updates.hpp"

namespace notify::cli {

/// getUpdates without an offset (nothing is confirmed or consumed). With
/// wait_s > 0 the server holds the request until an update arrives. Errors
/// carry the explanation a user needs (401, 409, network).
Result<std::vector<services::ChatRow>> fetch_chats(Session& s, const std::string& token,
                                                   const std::string& api_base, int wait_s);

/// The rows as an aligned table, one chat per line.
std::string chat_table(const std::vector<services::ChatRow>& rows);

class Prompter;

/// A secret given on the command line as "-" is read from standard input:
/// on a terminal after printing `question` and with echo off (through
/// `prompter` when one is in use), else its first line.
Result<std::string> read_secret_arg(Session& s, const std::string& value,
                                    const std::string& question, Prompter* prompter = nullptr);

}  // namespace notify::cli
