// Durable delivery under process death (PRODUCT.md, "Durable delivery"):
// once notify has begun sending a message, killing it at any instant leaves
// the message delivered or in the spool, and `notify flush` completes it.
// LINE (retry key in the journal) must never see a duplicate. The other
// services can get a message twice when notify dies, or the connection is
// lost, while a request is in flight: after the service acted on it and
// before notify read the answer. The random kills of the first batches land
// there seldom (those fakes answer at once, LINE aside); the duplicate-window
// tests aim at it and print what each service got.
//
// The trials are seeded (NOTIFY_CRASH_SEED=N repeats one) but the moment a
// signal lands is real time, so a run is a sample, not a replay. Only the CLI
// is used: the fakes say what was accepted, flush's exit status says whether
// the spool is empty.

#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "e2e.hpp"
#include "support/fake_services2.hpp"
#include "support/marked_service.hpp"

namespace notify::test {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr int kTrials = 100;        // per signal and per command
constexpr int kConcurrent = 16;     // notify processes at once, each with its own spool
constexpr int kMaxKillMs = 1500;    // after the first request: two faults take about this long
constexpr int kMaxEarlyKillMs = 400;  // after the start: start-up, journal, first attempt
constexpr int kRecoveryFlushes = 4; // flushes after the kill, until one exits 0
constexpr auto kRunTimeout = std::chrono::seconds(30);
// Kills inside requests: the services act on a request at once and answer this much later,
// and SIGKILL lands at a random moment up to kMaxInFlightKillMs after the service acted.
constexpr milliseconds kReplyDelay{500};
constexpr int kMaxInFlightKillMs = 400;
constexpr int kInFlightTrialsPerService = 20;  // 6 services: fits a minute on 2 cores under ASan
constexpr int kLostConnectionTrialsPerService = 4;

// One message of a trial at one target: where it goes and what its service does to it.
struct Message {
  std::string marker;   // unique to the trial; the fakes count by it, per service
  std::string profile;  // ops, me, family, dev
  MarkedService* service = nullptr;
  std::vector<Fault> faults;  // before the service accepts
};

// Where a trial's random moment is measured from. Counting from the first request
// keeps the kills inside the send however slow start-up is (ASan, a loaded machine);
// some trials count from the start to hit start-up and the journal write too.
enum class Anchor { start, first_request };

struct Trial {
  int id = 0;
  std::string marker;
  std::string targets;            // "ops" or "ops,family": one message, one or two targets
  std::vector<Message> messages;  // one per target
  Anchor anchor = Anchor::first_request;
  std::optional<milliseconds> kill_at;  // nullopt: never signalled (control)
};

// Requests per marker across all services, for waiting on a trial's first attempt.
class Arrivals {
 public:
  void note(const std::string& marker) {
    {
      std::lock_guard lock(mutex_);
      if (++seen_[marker] == 1) first_[marker] = std::chrono::steady_clock::now();
    }
    cv_.notify_all();
  }
  /// When the first request carrying marker was counted (the service had acted on it).
  std::chrono::steady_clock::time_point first(const std::string& marker) {
    std::lock_guard lock(mutex_);
    return first_[marker];
  }
  /// Waits until more than n requests carried marker; false on timeout.
  bool wait_beyond(const std::string& marker, int n, std::chrono::seconds timeout) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return seen_[marker] > n; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::map<std::string, int> seen_;
  std::map<std::string, std::chrono::steady_clock::time_point> first_;
};

struct MessageResult {
  MarkerCounts before_recovery;  // after the signalled process ended
  MarkerCounts final;            // after the recovery flushes
};

struct TrialResult {
  bool setup_ok = true;      // flush trials: every message was spooled first
  bool interrupted = false;  // the signal reached a live process
  RunResult run;             // the signalled send or flush
  std::vector<MessageResult> messages;
  int recovery_flushes = 0;
  double cpu_seconds = 0;      // every notify run of the trial
  bool flushed_clean = false;  // a recovery flush exited 0 (spool empty)
  bool in_flight = false;      // the kill came before the service's answer could leave
  std::string log;             // stderr of every run, for failure messages
};

// Verdicts over a batch of trials.
struct Tally {
  int trials = 0, interrupted = 0, messages = 0, started = 0, not_started = 0;
  int lost = 0, line_duplicates = 0, other_duplicates = 0, setup_failures = 0, unflushed = 0;
  int timed_out = 0;
  int unfaithful = 0;  // delivered without meeting every planned fault: the fakes are wrong
  int failed_runs = 0; // unsignalled runs that did not exit 0
  double cpu_seconds = 0;
  std::string evidence;  // the first few failing trials, for the failure message
};

std::uint64_t seed_from_env() {
  if (const char* s = std::getenv("NOTIFY_CRASH_SEED")) return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

class CrashE2E : public E2E {
 protected:
  // The services outlive the servers that call them (members die in reverse order).
  Arrivals arrivals;
  MarkedService mm_svc{"mattermost"}, tg_svc{"telegram"}, line_svc{"line"}, dc_svc{"discord"},
      slack_svc{"slack"}, ntfy_svc{"ntfy"};
  FakeServer mm, tg, line, dc, slack, ntfy;
  std::string cfg;
  std::atomic<int> next_marker{1};

  void SetUp() override {
    for (MarkedService* s : {&mm_svc, &tg_svc, &line_svc, &dc_svc, &slack_svc, &ntfy_svc})
      s->observe([this](const std::string& marker) { arrivals.note(marker); });
    mm_svc.install(mm);
    tg_svc.install(tg);
    line_svc.install(line);
    dc_svc.install(dc);
    slack_svc.install(slack);
    ntfy_svc.install(ntfy);
    // LINE's answers are slow, so kills often land after LINE has the message but before
    // notify knows: only the journalled retry key (409 on the resumed push) avoids a
    // duplicate there. The others answer at once: their duplicate window is notify's own.
    line_svc.delay_accepted(milliseconds(300));
    cfg = config(four_profiles(mm, tg, line, dc, "retries = 3\ntimeout = 2\n") +
                 "\n[profiles.team]\ntype = \"slack\"\nwebhook_url = \"" + slack.base_url() +
                 SlackOptions{}.path + "\"\n\n[profiles.push]\ntype = \"ntfy\"\nserver = \"" +
                 ntfy.base_url() + "\"\ntopic = \"crash\"\n");
  }

  RunOptions options_for(const Trial& t) const {
    RunOptions o;
    o.isolate(home.path());
    o.set_env("XDG_STATE_HOME", (home.path() / ("trial-" + std::to_string(t.id)) / "state").string());
    o.timeout = kRunTimeout;
    return o;
  }

  std::vector<std::string> command(std::vector<std::string> args) const {
    args.insert(args.begin(), {NOTIFY_BINARY, "-c", cfg});
    return args;
  }

  std::vector<std::string> send_command(const Trial& t, const std::string& retries) const {
    return command({"--retries", retries, "--timeout", "2", t.targets,
                    t.marker + " disk /var at 91% on host-" + t.marker});
  }

  // The message for service s with one of the fault plans of the brief (500,500 then
  // accepted; 429 Retry-After 1 s then accepted), or now and then a dropped connection
  // then a 500.
  Message random_message(std::mt19937_64& rng, const std::string& marker, int s) {
    static const char* kProfiles[] = {"ops", "me", "family", "dev"};
    MarkedService* services[] = {&mm_svc, &tg_svc, &line_svc, &dc_svc};
    Message m;
    m.marker = marker;
    m.profile = kProfiles[s];
    m.service = services[s];
    switch (std::uniform_int_distribution<int>(0, 4)(rng)) {
      case 0:
      case 1: m.faults = {Fault::http_500, Fault::http_500}; break;
      case 2:
      case 3: m.faults = {Fault::http_429_after_1s}; break;
      default: m.faults = {Fault::drop, Fault::http_500}; break;
    }
    return m;
  }

  // n trials of one message to 1..max_targets distinct random services.
  std::vector<Trial> make_trials(std::uint64_t seed, int n, int max_targets, bool kill) {
    std::mt19937_64 rng(seed);
    std::vector<Trial> trials(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      Trial& t = trials[static_cast<std::size_t>(i)];
      t.id = i;  // names the trial's state directory
      t.marker = "msg-" + std::to_string(next_marker++);
      std::vector<int> services{0, 1, 2, 3};
      std::shuffle(services.begin(), services.end(), rng);
      const int k = std::uniform_int_distribution<int>(1, max_targets)(rng);
      for (int j = 0; j < k; ++j) {
        t.messages.push_back(random_message(rng, t.marker, services[static_cast<std::size_t>(j)]));
        t.targets += (j ? "," : "") + t.messages.back().profile;
      }
      if (!kill) continue;
      t.anchor = std::uniform_int_distribution<int>(0, 3)(rng) == 0 ? Anchor::start
                                                                    : Anchor::first_request;
      const int max_ms = t.anchor == Anchor::start ? kMaxEarlyKillMs : kMaxKillMs;
      t.kill_at = milliseconds(std::uniform_int_distribution<int>(0, max_ms)(rng));
    }
    return trials;
  }

  // Waits for proc (already spawned), signalling it at t's moment; requests_before is
  // how many requests carried the marker before proc started.
  RunResult signal_at(Child& proc, const Trial& t, int sig, int requests_before, bool* interrupted) {
    if (t.kill_at) {
      // A process that never sends is not waited for long: the trial then counts as
      // killed before any request.
      if (t.anchor == Anchor::first_request)
        arrivals.wait_beyond(t.marker, requests_before, std::chrono::seconds(10));
      std::this_thread::sleep_for(*t.kill_at);  // the random moment is the point of the trial
      *interrupted = proc.signal(sig);
    }
    return proc.wait();
  }

  // After the kill: flush until the spool is empty (exit 0) or kRecoveryFlushes runs.
  void recover(const Trial& t, TrialResult& r) {
    for (auto& m : t.messages) r.messages.push_back({m.service->counts(m.marker), {}});
    while (r.recovery_flushes < kRecoveryFlushes && !r.flushed_clean) {
      ++r.recovery_flushes;
      RunResult f = run_process(command({"flush"}), options_for(t));
      r.log += "--- flush " + std::to_string(r.recovery_flushes) + ": exit " +
               std::to_string(f.exit_code) + "\n" + f.err;
      r.flushed_clean = f.exit_code == 0;
      r.cpu_seconds += f.cpu_seconds;
    }
    for (std::size_t i = 0; i < t.messages.size(); ++i)
      r.messages[i].final = t.messages[i].service->counts(t.messages[i].marker);
  }

  TrialResult send_trial(const Trial& t, int sig) {
    TrialResult r;
    for (auto& m : t.messages) m.service->plan(m.marker, m.faults);
    Child proc = spawn(send_command(t, "3"), options_for(t));
    r.run = signal_at(proc, t, sig, 0, &r.interrupted);
    r.log += "--- send: exit " + std::to_string(r.run.exit_code) + " signal " +
             std::to_string(r.run.signal) + "\n" + r.run.err;
    recover(t, r);
    return r;
  }

  TrialResult flush_trial(const Trial& t, int sig) {
    TrialResult r;
    // One failed attempt per target (--retries 0) puts the message in the spool; the
    // flush then meets the planned faults.
    for (auto& m : t.messages) {
      std::vector<Fault> faults{Fault::http_500};
      faults.insert(faults.end(), m.faults.begin(), m.faults.end());
      m.service->plan(m.marker, faults);
    }
    RunResult spooled = run_process(send_command(t, "0"), options_for(t));
    r.log += "--- spooling send: exit " + std::to_string(spooled.exit_code) + "\n" + spooled.err;
    if (spooled.exit_code != 1) r.setup_ok = false;
    for (auto& m : t.messages) {
      const MarkerCounts c = m.service->counts(m.marker);
      if (c.requests != 1 || c.accepted != 0) r.setup_ok = false;
    }
    Child proc = spawn(command({"flush"}), options_for(t));
    r.run = signal_at(proc, t, sig, static_cast<int>(t.messages.size()), &r.interrupted);
    r.log += "--- flush: exit " + std::to_string(r.run.exit_code) + " signal " +
             std::to_string(r.run.signal) + "\n" + r.run.err;
    recover(t, r);
    return r;
  }

  // Runs every trial, kConcurrent at a time.
  template <class Fn>
  std::vector<TrialResult> run_all(const std::vector<Trial>& trials, Fn fn) {
    std::vector<TrialResult> results(trials.size());
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> workers;
    for (int w = 0; w < kConcurrent; ++w)
      workers.emplace_back([&] {
        for (std::size_t i = next++; i < trials.size(); i = next++) results[i] = fn(trials[i]);
      });
    for (auto& w : workers) w.join();
    return results;
  }

  static Tally tally(const std::vector<Trial>& trials, const std::vector<TrialResult>& results,
                     bool spooled_first) {
    Tally y;
    int evidence = 0;
    for (std::size_t i = 0; i < trials.size(); ++i) {
      const Trial& t = trials[i];
      const TrialResult& r = results[i];
      ++y.trials;
      if (r.interrupted) ++y.interrupted;
      if (!r.setup_ok) ++y.setup_failures;
      if (r.run.timed_out) ++y.timed_out;
      y.cpu_seconds += r.cpu_seconds + r.run.cpu_seconds;
      if (!r.flushed_clean) ++y.unflushed;
      const bool failed_run = !t.kill_at && r.run.exit_code != 0;
      if (failed_run) ++y.failed_runs;
      bool bad = !r.setup_ok || !r.flushed_clean || r.run.timed_out || failed_run;
      std::string why;
      for (std::size_t j = 0; j < t.messages.size(); ++j) {
        const Message& m = t.messages[j];
        const MessageResult& mr = r.messages[j];
        ++y.messages;
        const int planned = static_cast<int>(m.faults.size()) + (spooled_first ? 1 : 0);
        if (mr.final.accepted > 0 && mr.final.faults != planned) {
          ++y.unfaithful;
          bad = true;
          why += " " + m.marker + " met " + std::to_string(mr.final.faults) + " faults";
        }
        // The promise holds from the first attempt on (a message spooled first is read by
        // definition); a kill before notify has sent anything may lose the message.
        const bool started = spooled_first || mr.before_recovery.requests > 0;
        if (!started && mr.final.accepted == 0) {
          ++y.not_started;
          continue;
        }
        ++y.started;
        if (mr.final.accepted == 0) {
          ++y.lost;
          bad = true;
          why += " " + m.marker + " LOST";
        } else if (mr.final.accepted > 1) {
          ++(m.service->kind() == "line" ? y.line_duplicates : y.other_duplicates);
          bad = true;
          why += " " + m.marker + " accepted " + std::to_string(mr.final.accepted) + "x";
        }
      }
      if (bad && evidence < 3) {
        ++evidence;
        std::ostringstream e;
        e << "\n=== trial " << t.id << " (signal "
          << (t.kill_at ? std::to_string(t.kill_at->count()) + " ms after " +
                              (t.anchor == Anchor::start ? "the start" : "the first request")
                        : "never")
          << (r.interrupted ? ", reached it" : ", process had ended") << "):" << why << "\n";
        for (std::size_t j = 0; j < t.messages.size(); ++j) {
          const Message& m = t.messages[j];
          const MessageResult& mr = r.messages[j];
          e << "  " << m.marker << " -> " << m.profile << ", faults";
          for (Fault f : m.faults) e << " " << fault_name(f);
          e << "; before recovery " << mr.before_recovery.requests << " requests, "
            << mr.before_recovery.accepted << " accepted; finally " << mr.final.requests
            << " requests, " << mr.final.accepted << " accepted\n";
        }
        e << r.log;
        y.evidence += e.str();
      }
    }
    return y;
  }

  // Prints and records the figures, then asserts the promise.
  void report(const std::string& name, std::uint64_t seed, const Tally& y, bool control) {
    std::printf(
        "[ crash    ] %s seed=%llu: %d trials, %d interrupted by the signal, %d messages "
        "(%d begun, %d killed before any request); lost %d, LINE duplicates %d, other "
        "duplicates %d; spool not emptied by flush %d, setup failures %d, timeouts %d; "
        "notify CPU %.1f s in all\n",
        name.c_str(), static_cast<unsigned long long>(seed), y.trials, y.interrupted, y.messages,
        y.started, y.not_started, y.lost, y.line_duplicates, y.other_duplicates, y.unflushed,
        y.setup_failures, y.timed_out, y.cpu_seconds);
    std::fflush(stdout);
    RecordProperty("seed", std::to_string(seed));
    RecordProperty("trials", y.trials);
    RecordProperty("interrupted", y.interrupted);
    RecordProperty("lost", y.lost);
    RecordProperty("line_duplicates", y.line_duplicates);
    RecordProperty("duplicates", y.other_duplicates);

    // The harness first: a batch in which the signal seldom met a running process
    // proves nothing.
    EXPECT_EQ(y.setup_failures, 0) << "messages did not reach the spool first" << y.evidence;
    EXPECT_EQ(y.timed_out, 0) << y.evidence;
    EXPECT_EQ(y.unfaithful, 0) << "the fakes did not apply the planned faults" << y.evidence;
    EXPECT_EQ(y.failed_runs, 0) << "runs without a signal must succeed" << y.evidence;
    if (!control) {
      EXPECT_GE(y.interrupted * 2, y.trials) << "most signals must hit a running notify";
      EXPECT_GE(y.started * 2, y.messages) << "most messages must have been begun when killed";
    } else {
      EXPECT_EQ(y.not_started, 0) << y.evidence;
      EXPECT_EQ(y.other_duplicates, 0) << "without a kill nothing may be sent twice" << y.evidence;
    }
    EXPECT_EQ(y.lost, 0) << "messages lost (seed " << seed << ")" << y.evidence;
    EXPECT_EQ(y.line_duplicates, 0) << "LINE duplicates despite the retry key" << y.evidence;
    // Without an idempotency key the window is the time a request is in
    // flight, after the server acted on it, up to the journal line. These
    // fakes (LINE aside) answer at once, so it is short, but the kills
    // cluster around the 1 s Retry-After, right where that answer comes,
    // and under ASan on a loaded machine it grows to milliseconds: a CI run
    // saw 11 of 100. The bound catches a broken journal (every killed retry
    // sent again), not the window itself, which the duplicate-window tests
    // below aim at.
    EXPECT_LT(y.other_duplicates * 4, y.trials)
        << "duplicates in 25% of trials or more" << y.evidence;
    EXPECT_EQ(y.unflushed, 0) << "flush did not empty the spool in " << kRecoveryFlushes
                              << " runs" << y.evidence;
  }

  void send_batch(const std::string& name, int sig, int trials, bool kill) {
    const std::uint64_t seed = seed_from_env();
    const auto plan = make_trials(seed, trials, 1, kill);
    const auto results = run_all(plan, [&](const Trial& t) { return send_trial(t, sig); });
    report(name, seed, tally(plan, results, false), !kill);
  }

  // --- Kills aimed inside requests (PRODUCT.md, "The duplicate window, stated truthfully") ---

  struct ServiceRow {
    std::string kind;
    int deliveries = 0;  // messages sent to it
    int in_flight = 0;   // of them, killed while their request was in flight
    int duplicates = 0;  // delivered more than once in the end
    int lost = 0;        // never delivered
  };

  std::vector<MarkedService*> all_six() {
    return {&mm_svc, &tg_svc, &line_svc, &dc_svc, &slack_svc, &ntfy_svc};
  }

  // per_service trials for each of the six services, in turn, with these faults; kill_ms
  // (when > 0) draws each trial's kill moment from 0..kill_ms.
  std::vector<Trial> six_service_trials(std::uint64_t seed, int per_service, std::vector<Fault> faults,
                                        int kill_ms) {
    static const char* kProfiles[] = {"ops", "me", "family", "dev", "team", "push"};
    std::mt19937_64 rng(seed);
    const auto services = all_six();
    std::vector<Trial> trials(static_cast<std::size_t>(per_service) * services.size());
    for (std::size_t i = 0; i < trials.size(); ++i) {
      Trial& t = trials[i];
      t.id = static_cast<int>(i);
      t.marker = "msg-" + std::to_string(next_marker++);
      const std::size_t k = i % services.size();
      t.messages.push_back({t.marker, kProfiles[k], services[k], faults});
      t.targets = kProfiles[k];
      if (kill_ms > 0) t.kill_at = milliseconds(std::uniform_int_distribution<int>(0, kill_ms)(rng));
    }
    return trials;
  }

  // SIGKILL at t.kill_at after the service acted on the request, then flushes.
  TrialResult in_flight_trial(const Trial& t) {
    TrialResult r;
    Child proc = spawn(send_command(t, "3"), options_for(t));
    if (arrivals.wait_beyond(t.marker, 0, std::chrono::seconds(20))) {
      const auto acted = arrivals.first(t.marker);
      std::this_thread::sleep_until(acted + *t.kill_at);  // the random moment is the point
      r.interrupted = proc.signal(SIGKILL);
      // The answer leaves kReplyDelay after the service acted, not before.
      r.in_flight = r.interrupted && std::chrono::steady_clock::now() < acted + kReplyDelay;
    }
    r.run = proc.wait();
    r.log += "--- send: exit " + std::to_string(r.run.exit_code) + " signal " +
             std::to_string(r.run.signal) + "\n" + r.run.err;
    recover(t, r);
    return r;
  }

  std::vector<ServiceRow> rows_of(const std::vector<Trial>& trials,
                                  const std::vector<TrialResult>& results) {
    std::vector<ServiceRow> rows;
    for (MarkedService* svc : all_six()) rows.push_back({svc->kind()});
    for (std::size_t i = 0; i < trials.size(); ++i) {
      const Message& m = trials[i].messages.at(0);
      auto row = std::find_if(rows.begin(), rows.end(),
                              [&](const ServiceRow& x) { return x.kind == m.service->kind(); });
      ++row->deliveries;
      row->in_flight += results[i].in_flight ? 1 : 0;
      const int accepted = results[i].messages.at(0).final.accepted;
      row->lost += accepted == 0 ? 1 : 0;
      row->duplicates += accepted > 1 ? 1 : 0;
    }
    return rows;
  }

  // The table, on stdout and in the test's XML properties.
  void print_rows(const std::string& title, std::uint64_t seed, const std::vector<ServiceRow>& rows,
                  bool killed) {
    std::printf("[ crash    ] %s, seed=%llu\n", title.c_str(), static_cast<unsigned long long>(seed));
    std::printf("[ crash    ] %-11s %10s %10s %10s %6s\n", "service", "deliveries",
                killed ? "in flight" : "", "duplicates", "lost");
    for (const ServiceRow& row : rows) {
      std::printf("[ crash    ] %-11s %10d %10s %10d %6d\n", row.kind.c_str(), row.deliveries,
                  killed ? std::to_string(row.in_flight).c_str() : "", row.duplicates, row.lost);
      RecordProperty(row.kind + "_deliveries", row.deliveries);
      RecordProperty(row.kind + "_duplicates", row.duplicates);
      RecordProperty(row.kind + "_lost", row.lost);
    }
    std::fflush(stdout);
  }

  // What every batch of the duplicate-window mode must show, whatever the rate.
  void expect_nothing_lost_and_line_once(const std::vector<Trial>& trials,
                                         const std::vector<TrialResult>& results,
                                         const std::vector<ServiceRow>& rows) {
    const Tally y = tally(trials, results, false);  // for its checks and its evidence
    EXPECT_EQ(y.timed_out, 0) << y.evidence;
    EXPECT_EQ(y.unflushed, 0) << "flush did not empty the spool in " << kRecoveryFlushes
                              << " runs" << y.evidence;
    EXPECT_EQ(y.unfaithful, 0) << "the fakes did not apply the planned faults" << y.evidence;
    for (const ServiceRow& row : rows) {
      EXPECT_EQ(row.lost, 0) << row.kind << " lost messages" << y.evidence;
      if (row.kind == "line") {
        EXPECT_EQ(row.duplicates, 0) << "LINE duplicates despite the retry key" << y.evidence;
      }
    }
  }

  void flush_batch(const std::string& name, int sig, int trials, bool kill) {
    const std::uint64_t seed = seed_from_env();
    const auto plan = make_trials(seed, trials, 2, kill);  // one message, one or two targets
    const auto results = run_all(plan, [&](const Trial& t) { return flush_trial(t, sig); });
    report(name, seed, tally(plan, results, true), !kill);
  }
};

TEST_F(CrashE2E, control_sends_without_a_signal_deliver_each_message_once) {
  send_batch("control send", SIGKILL, 20, false);
}

TEST_F(CrashE2E, control_flushes_without_a_signal_deliver_each_message_once) {
  flush_batch("control flush", SIGKILL, 20, false);
}

TEST_F(CrashE2E, sigkill_during_a_send_loses_nothing) {
  send_batch("SIGKILL send", SIGKILL, kTrials, true);
}

TEST_F(CrashE2E, sigterm_during_a_send_loses_nothing) {
  send_batch("SIGTERM send", SIGTERM, kTrials, true);
}

TEST_F(CrashE2E, sigkill_during_a_flush_loses_nothing) {
  flush_batch("SIGKILL flush", SIGKILL, kTrials, true);
}

TEST_F(CrashE2E, sigterm_during_a_flush_loses_nothing) {
  flush_batch("SIGTERM flush", SIGTERM, kTrials, true);
}

// A kill while a request is in flight, after the service acted on it and before notify read
// the answer: the window in which a service without an idempotency key can get a message
// twice. LINE's retry key, journalled before the push, must make a resumed push a 409.
TEST_F(CrashE2E, sigkill_inside_a_request_loses_nothing_and_line_never_gets_a_duplicate) {
  for (MarkedService* svc : all_six()) svc->delay_accepted(kReplyDelay);
  const std::uint64_t seed = seed_from_env();
  const auto plan = six_service_trials(seed, kInFlightTrialsPerService, {}, kMaxInFlightKillMs);
  const auto results = run_all(plan, [&](const Trial& t) { return in_flight_trial(t); });
  const auto rows = rows_of(plan, results);
  print_rows("SIGKILL 0-" + std::to_string(kMaxInFlightKillMs) + " ms after the service acted, " +
                 "its answer " + std::to_string(kReplyDelay.count()) + " ms after",
             seed, rows, true);

  expect_nothing_lost_and_line_once(plan, results, rows);
  // The harness: a kill that missed the request measures nothing.
  for (const ServiceRow& row : rows)
    EXPECT_GE(row.in_flight * 4, row.deliveries * 3)
        << row.kind << ": most kills must land while the request is in flight";
}

// The other half of the window: the connection is lost after the service acted, and
// notify's own retry sends the message again.
TEST_F(CrashE2E, a_connection_lost_after_the_service_acted_loses_nothing_and_line_never_duplicates) {
  const std::uint64_t seed = seed_from_env();
  const auto plan =
      six_service_trials(seed, kLostConnectionTrialsPerService, {Fault::accept_then_drop}, 0);
  const auto results = run_all(plan, [&](const Trial& t) { return send_trial(t, SIGKILL); });
  const auto rows = rows_of(plan, results);
  print_rows("connection dropped after the service acted, then notify's retry", seed, rows, false);
  expect_nothing_lost_and_line_once(plan, results, rows);
  for (std::size_t i = 0; i < results.size(); ++i)
    EXPECT_EQ(results[i].run.exit_code, 0) << "the retry delivers" << results[i].log;
}

// "Waiting costs nothing": a 5 s Retry-After is slept, not spun.
TEST_F(CrashE2E, a_retry_after_wait_costs_no_cpu) {
  std::mutex mutex;
  std::vector<std::chrono::steady_clock::time_point> request_times;
  int accepted = 0;
  mm.set_handler([&, h = mattermost_handler()](const Recorded& r) {
    std::lock_guard lock(mutex);
    request_times.push_back(std::chrono::steady_clock::now());
    if (request_times.size() == 1) return mattermost_429(5);
    Reply reply = h(r);
    if (reply.status == 200) ++accepted;
    return reply;
  });
  RunOptions o;
  o.isolate(home.path());
  o.timeout = kRunTimeout;
  const RunResult r = spawn(command({"--retries", "3", "ops", "disk /var at 91%"}), o).wait();
  std::printf("[ crash    ] a 5 s Retry-After wait: child CPU %.3f s (user + sys)\n", r.cpu_seconds);
  RecordProperty("cpu_ms", static_cast<int>(r.cpu_seconds * 1000));

  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(mm.request_count(), 2u);
  EXPECT_EQ(accepted, 1);
  // The measurement means something only if notify did wait the 5 s out.
  ASSERT_EQ(request_times.size(), 2u);
  EXPECT_GE(request_times[1] - request_times[0], std::chrono::seconds(4));
  EXPECT_LT(r.cpu_seconds, 0.5) << "the retry wait spins instead of sleeping";
}

// --- The harness itself: a crash test is only as good as its counting. ----------

httplib::Result post(FakeServer& server, const std::string& path, const std::string& body,
                     httplib::Headers headers = {}) {
  httplib::Client c(server.base_url());
  c.set_read_timeout(std::chrono::seconds(5));
  return c.Post(path, headers, body, "application/json");
}

TEST(MarkedServiceTest, faults_are_per_marker_then_the_service_answers_and_counts) {
  MarkedService svc("mattermost");
  FakeServer server;
  svc.install(server);
  svc.plan("msg-1", {Fault::http_500, Fault::http_429_after_1s, Fault::drop});
  const std::string hook = "/hooks/testhook1234";
  auto a = post(server, hook, R"({"text":"msg-1 x"})");
  auto b = post(server, hook, R"({"text":"msg-2 y"})");  // another message: no faults
  auto c = post(server, hook, R"({"text":"msg-1 x"})");
  auto d = post(server, hook, R"({"text":"msg-1 x"})");
  auto e = post(server, hook, R"({"text":"msg-1 x"})");
  auto f = post(server, hook, R"({"text":"msg-10 z"})");  // not msg-1
  ASSERT_TRUE(a && b && c && e && f);
  EXPECT_EQ(a->status, 500);
  EXPECT_EQ(b->status, 200);
  EXPECT_EQ(c->status, 429);
  EXPECT_EQ(c->get_header_value("Retry-After"), "1");
  EXPECT_FALSE(d);  // dropped
  EXPECT_EQ(e->status, 200);
  EXPECT_EQ(f->status, 200);
  const MarkerCounts one = svc.counts("msg-1");
  EXPECT_EQ(one.requests, 4);
  EXPECT_EQ(one.faults, 3);
  EXPECT_EQ(one.accepted, 1);
  EXPECT_EQ(svc.counts("msg-2").accepted, 1);
  EXPECT_EQ(svc.counts("msg-10").accepted, 1);
  EXPECT_EQ(svc.counts("msg-3").requests, 0);
  // The service's own verdict counts: a rejected request is not an acceptance.
  post(server, hook, R"({"text":"", "props":"msg-4"})");
  EXPECT_EQ(svc.counts("msg-4").requests, 1);
  EXPECT_EQ(svc.counts("msg-4").accepted, 0);
}

TEST(MarkedServiceTest, line_counts_a_repeated_retry_key_once_and_a_new_key_twice) {
  MarkedService svc("line");
  FakeServer server;
  svc.install(server);
  const std::string body =
      std::string(R"({"to":")") + kLineTo + R"(","messages":[{"type":"text","text":"msg-7"}]})";
  const httplib::Headers auth{{"Authorization", std::string("Bearer ") + kLineToken}};
  auto with_key = [&](const std::string& key) {
    auto h = auth;
    h.emplace("X-Line-Retry-Key", key);
    return h;
  };
  const std::string key1 = "123e4567-e89b-42d3-a456-426614174000";
  const std::string key2 = "123e4567-e89b-42d3-a456-426614174001";
  EXPECT_EQ(post(server, "/v2/bot/message/push", body, with_key(key1))->status, 200);
  EXPECT_EQ(post(server, "/v2/bot/message/push", body, with_key(key1))->status, 409);
  EXPECT_EQ(svc.counts("msg-7").accepted, 1);
  EXPECT_EQ(post(server, "/v2/bot/message/push", body, with_key(key2))->status, 200);
  EXPECT_EQ(svc.counts("msg-7").accepted, 2);  // a fresh key is a second delivery
}

TEST(MarkedServiceTest, concurrent_clients_are_counted_per_marker) {
  MarkedService svc("discord");
  FakeServer server;
  svc.install(server);
  for (int i = 0; i < 8; ++i) svc.plan("msg-" + std::to_string(i), {Fault::http_500});
  std::vector<std::thread> clients;
  for (int i = 0; i < 8; ++i)
    clients.emplace_back([&, i] {
      const std::string body = R"({"content":"msg-)" + std::to_string(i) + R"("})";
      for (int k = 0; k < 3; ++k) post(server, "/api/webhooks/1100000000000000001/test-webhook-token", body);
    });
  for (auto& c : clients) c.join();
  for (int i = 0; i < 8; ++i) {
    const MarkerCounts c = svc.counts("msg-" + std::to_string(i));
    EXPECT_EQ(c.requests, 3);
    EXPECT_EQ(c.faults, 1);
    EXPECT_EQ(c.accepted, 2);
  }
}

TEST(SpawnTest, a_signal_reaches_a_running_child_and_never_a_reaped_one) {
  Child child = spawn({"sleep", "30"});
  EXPECT_GT(child.pid(), 0);
  EXPECT_TRUE(child.signal(SIGTERM));
  const RunResult r = child.wait();
  EXPECT_EQ(r.signal, SIGTERM);
  EXPECT_EQ(r.exit_code, -1);
  EXPECT_FALSE(r.timed_out);
}

TEST(SpawnTest, feeds_stdin_and_reports_the_childs_cpu_time) {
  RunOptions o;
  o.stdin_data = "hello\n";
  // About a second of shell arithmetic, then the input back.
  Child child = spawn({"sh", "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; cat"}, o);
  const RunResult r = child.wait();
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "hello\n");
  EXPECT_GT(r.cpu_seconds, 0.05);
  EXPECT_FALSE(child.signal(SIGKILL)) << "the child is reaped: its pid is not ours any more";
}

TEST(SpawnTest, idle_child_costs_no_cpu) {
  const RunResult r = run_process({"sleep", "0.3"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_LT(r.cpu_seconds, 0.1);
}

}  // namespace
}  // namespace notify::test
