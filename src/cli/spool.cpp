// notify spool: what waits in the spool, and what failed for good.

#include <algorithm>
#include <ctime>

#include <nlohmann/json.hpp>

#include "cli/deliver.hpp"
#include "config/loader.hpp"
#include "services/registry.hpp"
#include "services/telegram_updates.hpp"

namespace notify::cli {

namespace {

std::string age_text(std::int64_t seconds) {
  if (seconds < 0) seconds = 0;
  if (seconds < 120) return std::to_string(seconds) + "s";
  if (seconds < 7200) return std::to_string(seconds / 60) + "m";
  if (seconds < 172800) return std::to_string(seconds / 3600) + "h";
  return std::to_string(seconds / 86400) + "d";
}

std::string first_line(const Draft& d) {
  const std::string& text = d.title.empty() ? d.body : d.title;
  return services::one_line(text.substr(0, text.find('\n')), 40);
}

std::optional<std::uint64_t> parse_id(const std::string& word) {
  if (word.empty() || word.size() > 19 || word.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoull(word);
}

// Why a target waits: a damaged journal says so before any error of its own.
std::string reason(const spool::Record& r, const spool::TargetState& st) {
  return r.damaged.empty() ? st.last_error : "journal damaged: " + r.damaged;
}

// A file of that id the spool would not read, if any.
const spool::Refused* refused_id(const spool::Spool::Listing& listing, std::uint64_t id) {
  for (const auto& r : listing.refused)
    if (r.id == id) return &r;
  return nullptr;
}

// Every secret the profile file can give, so `show` masks what a last
// error or a body may quote; of one that does not resolve, what is written
// out (its URLs, literal secrets).
void learn_secrets(Session& s) {
  for (auto& [name, p] : s.config.profiles)
    if (!s.resolve(p)) services::add_secrets(p, s.masker);
}

int list(Session& s, const spool::Spool& sp) {
  const auto listing = sp.list();
  for (const auto& r : listing.refused) s.warning(r.text());
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  if (s.options.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto* group : {&listing.pending, &listing.failed})
      for (const auto& e : *group)
        for (const auto& t : e.record.targets) {
          const auto st = e.record.state.count(t) ? e.record.state.at(t) : spool::TargetState{};
          const auto why = reason(e.record, st);
          j.push_back({{"id", e.id},
                       {"state", e.failed ? "failed" : "pending"},
                       {"target", t},
                       {"created_unix", e.record.created_unix},
                       {"profile_file", e.record.config_path.empty() ? nlohmann::json()
                                                                     : nlohmann::json(e.record.config_path)},
                       {"age_seconds", now - e.record.created_unix},
                       {"attempts", st.attempts},
                       {"last_error", why.empty() ? nlohmann::json() : nlohmann::json(why)},
                       {"first_line", first_line(e.record.message)}});
        }
    s.out(j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    return kExitOk;
  }
  if (listing.pending.empty() && listing.failed.empty()) {
    s.info("the spool is empty (" + sp.dir() + ")");
    return kExitOk;
  }
  s.out("ID     STATE    TARGET        AGE   TRIES  LAST ERROR / FIRST LINE\n");
  for (const auto* group : {&listing.pending, &listing.failed})
    for (const auto& e : *group)
      for (const auto& t : e.record.targets) {
        const auto st = e.record.state.count(t) ? e.record.state.at(t) : spool::TargetState{};
        auto pad = [](std::string text, std::size_t n) {
          text.resize(std::max(n, text.size() + 1), ' ');
          return text;
        };
        s.out(pad(std::to_string(e.id), 7) + pad(e.failed ? "failed" : "pending", 9) + pad(t, 14) +
              pad(age_text(now - e.record.created_unix), 6) + pad(std::to_string(st.attempts), 7) +
              (reason(e.record, st).empty() ? "" : services::one_line(reason(e.record, st), 60) + " / ") +
              first_line(e.record.message) + "\n");
      }
  return kExitOk;
}

int show(Session& s, const spool::Spool& sp) {
  if (s.options.spool().ids.size() != 1) {
    s.error("spool show: give one ID (see `notify spool`)");
    return kExitUsage;
  }
  const auto id = parse_id(s.options.spool().ids.front());
  if (!id) {
    s.error("spool show: '" + s.options.spool().ids.front() + "' is not a message id");
    return kExitUsage;
  }
  learn_secrets(s);
  const auto listing = sp.list();
  bool found = false;
  for (const auto* group : {&listing.pending, &listing.failed})
    for (const auto& e : *group) {
      if (e.id != *id) continue;
      found = true;
      const auto& r = e.record;
      const auto& m = r.message;
      std::string text = "id:       " + std::to_string(e.id) + (e.failed ? " (failed)" : " (pending)") + "\n";
      char when[40];
      const std::time_t c = static_cast<std::time_t>(r.created_unix);
      std::tm tm{};
      ::gmtime_r(&c, &tm);
      std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
      text += std::string("created:  ") + when + "\n";
      if (!r.config_path.empty()) text += "profiles: " + r.config_path + "\n";
      for (const auto& t : r.targets) {
        const auto st = r.state.count(t) ? r.state.at(t) : spool::TargetState{};
        text += "target:   " + t + " (" + std::to_string(st.attempts) + " attempts" +
                (st.last_error.empty() ? "" : "; last error: " + st.last_error) + ")\n";
      }
      if (!r.damaged.empty()) text += "journal:  damaged: " + r.damaged + "\n";
      if (!r.have.empty()) {
        text += "has it:  ";
        for (const auto& h : r.have) text += " " + h;
        text += "\n";
      }
      if (!m.title.empty()) text += "title:    " + m.title + "\n";
      for (const auto& f : m.files)
        text += "file:     " + f.name + " (" + std::to_string(f.data.size()) + " bytes)\n";
      text += "\n" + m.body + "\n";
      s.out(text);
    }
  if (!found) {
    if (const auto* r = refused_id(listing, *id)) {
      s.error("spool show: " + r->text());
      return kExitNotDelivered;
    }
    s.error("spool show: no message " + std::to_string(*id) + " in " + sp.dir());
    return kExitUsage;
  }
  return kExitOk;
}

int drop_or_retry(Session& s, const spool::Spool& sp, bool retry) {
  const char* verb = retry ? "retry" : "drop";
  const auto& o = s.options.spool();
  std::vector<std::pair<std::uint64_t, bool>> chosen;  // id, in failed/
  const auto listing = sp.list();
  if (o.all && retry) {
    s.error("spool retry: --all is not an option; use --failed or IDs");
    return kExitUsage;
  }
  if ((o.failed || o.all) && !o.ids.empty()) {
    s.error(std::string("spool ") + verb + ": give IDs or " + (o.all ? "--all" : "--failed") + ", not both");
    return kExitUsage;
  }
  if (o.failed || o.all) {
    for (const auto& e : listing.failed) chosen.emplace_back(e.id, true);
    if (o.all)
      for (const auto& e : listing.pending) chosen.emplace_back(e.id, false);
  } else if (o.ids.empty()) {
    s.error(std::string("spool ") + verb + ": give message IDs" +
            (retry ? " or --failed" : ", --failed or --all") + " (see `notify spool`)");
    return kExitUsage;
  } else {
    for (const auto& word : o.ids) {
      const auto id = parse_id(word);
      if (!id) {
        s.error(std::string("spool ") + verb + ": '" + word + "' is not a message id");
        return kExitUsage;
      }
      bool any = false;
      for (const auto& e : listing.failed)
        if (e.id == *id) chosen.emplace_back(*id, true), any = true;
      if (!retry)
        for (const auto& e : listing.pending)
          if (e.id == *id) chosen.emplace_back(*id, false), any = true;
      if (!any) {
        if (const auto* r = refused_id(listing, *id); r && (r->failed || !retry)) {
          s.error(std::string("spool ") + verb + ": " + r->text());
          return kExitNotDelivered;
        }
        s.error(std::string("spool ") + verb + ": no " + (retry ? "failed " : "") + "message " +
                word + " in " + sp.dir());
        return kExitUsage;
      }
    }
  }
  int done = 0, problems = 0;
  for (const auto& [id, failed] : chosen) {
    Result<void> r;
    if (retry) {
      // The user asked for this message to go to its profiles as they are
      // now: a changed destination is accepted (and gets the whole
      // message), and a profile file that is gone gives way to the one
      // this command reads.
      r = sp.retry(id, [&s](spool::Record& rec) {
        for (const auto& [dest, identity] : rec.destinations) rec.accept_new.insert(dest);
        if (!rec.config_path.empty() && !s.world.file_exists(rec.config_path) &&
            !s.config.absolute_path.empty())
          rec.config_path = s.config.absolute_path;
      });
    } else {
      spool::Journal j;
      std::string why;
      switch (sp.claim(id, failed, j, &why)) {
        case spool::Spool::ClaimStatus::claimed: r = j.remove(); break;
        case spool::Spool::ClaimStatus::gone: continue;
        case spool::Spool::ClaimStatus::busy:
          r = make_error(ErrorKind::io, "message " + std::to_string(id) + " is being delivered right now");
          break;
        case spool::Spool::ClaimStatus::refused:
          r = make_error(ErrorKind::io, sp.path_of(id, failed) + ": " + why + "; left alone");
          break;
      }
    }
    if (r) ++done;
    else s.error(std::string("spool ") + verb + ": " + r.error().message), ++problems;
  }
  s.info(std::string(retry ? "moved back to the queue: " : "dropped: ") + std::to_string(done) +
         (done == 1 ? " message" : " messages") +
         (retry && done ? " (`" + s.command_hint("flush") + "` sends them)" : ""));
  return problems ? kExitNotDelivered : kExitOk;
}

}  // namespace

int cmd_spool(Session& s) {
  auto sp = user_spool(s);
  if (!sp) {
    s.error("no spool: neither XDG_STATE_HOME nor HOME is set");
    return kExitUsage;
  }
  switch (s.options.spool().action) {
    case SpoolAction::list: return list(s, *sp);
    case SpoolAction::show: return show(s, *sp);
    case SpoolAction::drop: return drop_or_retry(s, *sp, false);
    case SpoolAction::retry: return drop_or_retry(s, *sp, true);
  }
  return kExitUsage;
}

}  // namespace notify::cli
