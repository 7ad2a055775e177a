#pragma once
// Help made from the command line's table (cli/table.hpp) and the services'
// words (config::Catalog): what `--help`, `notify help TOPIC` and the docs
// tests read.

#include <string>
#include <vector>

#include "cli/table.hpp"

namespace notify::cli {

/// A command's help, fitting 80 columns: its usage, its prose and the
/// options it alone takes; for send (and help) the main help, every
/// sending option by section and every command.
std::string help_for(Command command);

/// `notify help TOPIC [--json]`.
std::string topic_text(Topic topic, bool json);

/// `notify help services`: every service of the catalog, its keys and
/// limits (what the man page's service table and the completions follow).
std::string services_help();

/// `notify help services --json`: the same catalog as data (each service's
/// keys, files, levels, option meanings and capabilities, and the keys
/// every profile takes), which the docs tests derive their claims from.
std::string services_json();

/// `notify help priority`: what each service sends for each level, one row
/// per service type, "no switch" where it has none.
std::string priority_help();

/// `notify help options`: every option row, its value and its commands.
std::string options_help();

/// `notify help options --json`: the table as data (commands, options,
/// topics), which tests/docs hold the man page and completions to.
std::string options_json();

/// The error when no profile file exists: where notify looked and how to
/// make one (notify setup, or the installed example file).
std::string no_profile_file(const std::vector<std::string>& looked);

}  // namespace notify::cli
