#include "spool/spool.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <utility>

#include "core/files.hpp"
#include "core/unique_fd.hpp"

namespace notify::spool {

namespace {

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

struct CloseDir {
  void operator()(DIR* d) const { ::closedir(d); }
};
// A directory stream (and the descriptor under it) closed on every path.
using UniqueDir = std::unique_ptr<DIR, CloseDir>;

std::string id_name(std::uint64_t id) {
  char name[40];
  std::snprintf(name, sizeof name, "%012llu.msg", static_cast<unsigned long long>(id));
  return name;
}

std::optional<std::uint64_t> id_of(const std::string& name) {
  if (name.size() < 5 || name.compare(name.size() - 4, 4, ".msg") != 0) return std::nullopt;
  const std::string digits = name.substr(0, name.size() - 4);
  if (digits.empty() || digits.size() > 19 ||
      digits.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoull(digits);
}

// rename(2) that fails with EEXIST instead of replacing: a spooled message
// must never be overwritten, even by a counter that fell behind.
bool rename_new(const std::string& from, const std::string& to) {
  return ::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0;
}

// Ids of the *.msg files in dir, ascending.
std::vector<std::uint64_t> ids_in(const std::string& dir) {
  std::vector<std::uint64_t> out;
  const UniqueDir d(::opendir(dir.c_str()));
  if (!d) return out;
  while (dirent* e = ::readdir(d.get()))
    if (auto id = id_of(e->d_name)) out.push_back(*id);
  std::sort(out.begin(), out.end());
  return out;
}

// A spool file as open_trusted found it.
struct Trusted {
  enum class Status { opened, refused, missing };
  Status status = Status::missing;
  UniqueFd fd;      ///< open when `opened`
  std::string why;  ///< what is wrong with it when `refused`
};

// Opens a spool file only if it is what notify itself writes: a regular
// file of this user, not writable by anyone else, of bounded size. Never
// follows a symlink, never blocks on a FIFO.
Trusted open_trusted(const std::string& path, int flags) {
  Trusted out;
  UniqueFd fd(::open(path.c_str(), flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return out;
    out.status = Trusted::Status::refused;
    out.why = errno == ELOOP ? "a symbolic link" : std::strerror(errno);
    return out;
  }
  struct stat st {};
  std::string problem;
  if (::fstat(fd.get(), &st) != 0) problem = std::strerror(errno);
  else if (!S_ISREG(st.st_mode)) problem = "not a regular file";
  else if (st.st_uid != ::geteuid()) problem = "owned by uid " + std::to_string(st.st_uid);
  else if (st.st_mode & 022) problem = "writable by group or others";
  else if (static_cast<std::uint64_t>(st.st_size) > kMaxEntryBytes)
    problem = "larger than " + std::to_string(kMaxEntryBytes >> 20) + " MiB";
  if (!problem.empty()) {
    out.status = Trusted::Status::refused;
    out.why = std::move(problem);
    return out;
  }
  out.status = Trusted::Status::opened;
  out.fd = std::move(fd);
  return out;
}

enum class Contents { journal, empty, foreign, unreadable };

// Reads a spool file only as far as it is recognised: its first
// kRecogniseBytes, then the rest only for a journal. Whatever the size of a
// junk file, it costs the same.
Contents read_journal(int fd, std::string& text) {
  text.assign(kRecogniseBytes, '\0');
  std::size_t got = 0;
  while (got < kRecogniseBytes) {
    const ssize_t n = ::pread(fd, text.data() + got, kRecogniseBytes - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Contents::unreadable;
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  text.resize(got);
  if (got == 0) return Contents::empty;
  if (!recognised(text, got < kRecogniseBytes)) return Contents::foreign;
  if (got < kRecogniseBytes) return Contents::journal;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size > 0) text.reserve(static_cast<std::size_t>(st.st_size) + 1);
  if (::lseek(fd, static_cast<off_t>(got), SEEK_SET) < 0 || !read_all(fd, text))
    return Contents::unreadable;
  return Contents::journal;
}

const char* const kNotOurs = "not a notify spool file";

// What a read that found no journal says.
std::string why_not(Contents c) {
  return c == Contents::unreadable ? std::string(std::strerror(errno)) : kNotOurs;
}

}  // namespace

std::optional<std::string> default_dir(const std::optional<std::string>& xdg_state_home,
                                       const std::optional<std::string>& home) {
  if (xdg_state_home && !xdg_state_home->empty() && (*xdg_state_home)[0] == '/')
    return *xdg_state_home + "/notify/spool";
  if (home && !home->empty()) return *home + "/.local/state/notify/spool";
  return std::nullopt;
}

// --- Journal -------------------------------------------------------------

void Journal::append(const std::string& event) {
  (void)apply_event(record_, event.substr(0, event.size() - 1));
  if (!fd_.valid() || write_failed_) return;
  // O_APPEND: one write(2) per event, so a crash tears at most this line.
  if (!write_all(fd_.get(), event.data(), event.size())) write_failed_ = true;
  appended_ += event.size();
}

Result<void> Journal::compact() {
  if (!fd_.valid()) return {};
  const auto slash = path_.rfind('/');
  const std::string tmp = path_.substr(0, slash + 1) + ".tmp-" + std::to_string(::getpid()) + "-" +
                          path_.substr(slash + 1);
  UniqueFd fd(::open(tmp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_APPEND | O_CLOEXEC, 0600));
  if (!fd.valid()) return make_error(ErrorKind::io, errno_text("creating " + tmp));
  const std::string text = encode_record(record_);
  // Locked before it takes the name: no claimant ever holds the new file.
  // On failure the old file, still named and still held, stays the journal.
  if (::flock(fd.get(), LOCK_EX) != 0 || !write_all(fd.get(), text.data(), text.size()) ||
      ::rename(tmp.c_str(), path_.c_str()) != 0) {
    const int saved = errno;
    ::unlink(tmp.c_str());
    errno = saved;
    return make_error(ErrorKind::io, errno_text("rewriting " + path_));
  }
  fd_ = std::move(fd);  // the old file's lock goes only now that the new one is named
  appended_ = 0;
  write_failed_ = false;
  return {};
}

Result<void> Journal::amend(const std::function<void(Record&)>& change) {
  Record before = record_;
  change(record_);
  if (auto c = compact(); !c) {
    record_ = std::move(before);
    return c;
  }
  return {};
}

void Journal::sync() {
  if (fd_.valid()) ::fdatasync(fd_.get());
}

Result<Journal::Settled> Journal::settle() {
  Settled out;
  for (const auto& t : record_.targets)
    (record_.state[t].dead ? out.dead : out.pending).push_back(t);
  if (!fd_.valid()) return out;
  // Settling ends the hold on every path, and only once the files are
  // written: a return value is built before this runs.
  struct Release {
    UniqueFd& fd;
    ~Release() { fd.reset(); }
  } release{fd_};
  if (!out.dead.empty()) {
    Record dead = record_;
    dead.targets = out.dead;
    const std::string failed_path = failed_dir_ + "/" + id_name(record_.id);
    // A retried dead letter may meet an earlier one of the same message.
    if (const auto earlier_file = open_trusted(failed_path, O_RDONLY); earlier_file.fd.valid()) {
      std::string text;
      if (read_journal(earlier_file.fd.get(), text) == Contents::journal)
        if (auto earlier = decode_journal(text))
          for (const auto& t : earlier->targets)
            if (std::find(dead.targets.begin(), dead.targets.end(), t) == dead.targets.end()) {
              dead.targets.push_back(t);
              dead.state[t] = earlier->state[t];
            }
    }
    for (auto it = dead.state.begin(); it != dead.state.end();)
      it = std::find(dead.targets.begin(), dead.targets.end(), it->first) == dead.targets.end()
               ? dead.state.erase(it) : std::next(it);
    if (auto w = write_file_atomically(failed_path, encode_record(dead)); !w) return w.error();
  }
  if (out.pending.empty()) {
    if (::unlink(path_.c_str()) != 0 && errno != ENOENT)
      return make_error(ErrorKind::io, errno_text("removing " + path_));
    return out;
  }
  Record left = record_;
  left.targets = out.pending;
  for (auto it = left.state.begin(); it != left.state.end();)
    it = std::find(left.targets.begin(), left.targets.end(), it->first) == left.targets.end()
             ? left.state.erase(it) : std::next(it);
  // Folded and fsync'd: what is left in the spool at exit is on disk.
  if (auto w = write_file_atomically(path_, encode_record(left)); !w) return w.error();
  return out;
}

Result<void> Journal::remove() {
  const bool removed = ::unlink(path_.c_str()) == 0 || errno == ENOENT;
  fd_.reset();  // keeps errno
  if (!removed) return make_error(ErrorKind::io, errno_text("removing " + path_));
  return {};
}

// --- Spool ---------------------------------------------------------------

std::string Spool::path_of(std::uint64_t id, bool failed) const {
  return (failed ? failed_dir() : dir_) + "/" + id_name(id);
}

Result<void> Spool::prepare() const {
  struct stat st {};
  if (::lstat(dir_.c_str(), &st) != 0) {
    if (auto r = make_private_dirs(dir_); !r) return r;
    if (::lstat(dir_.c_str(), &st) != 0) return make_error(ErrorKind::io, errno_text(dir_));
  }
  if (!S_ISDIR(st.st_mode))
    return make_error(ErrorKind::io, "the spool " + dir_ + " is not a directory");
  if (st.st_uid != ::geteuid())
    return make_error(ErrorKind::io, "the spool " + dir_ + " belongs to uid " +
                                         std::to_string(st.st_uid) + ", not to this user");
  if ((st.st_mode & 077) != 0 && ::chmod(dir_.c_str(), 0700) != 0)
    return make_error(ErrorKind::io, errno_text("making " + dir_ + " private"));
  return {};
}

Result<void> Spool::check_writable() const {
  if (auto r = prepare(); !r) return r;
  const std::string probe = dir_ + "/.tmp-probe-" + std::to_string(::getpid());
  if (const UniqueFd fd(::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
      !fd.valid())
    return make_error(ErrorKind::io, "cannot write in the spool " + dir_ + ": " + std::strerror(errno));
  const std::string moved = probe + "-renamed";
  const bool ok = ::rename(probe.c_str(), moved.c_str()) == 0 && ::unlink(moved.c_str()) == 0;
  const int saved = errno;
  ::unlink(probe.c_str());
  if (!ok) return make_error(ErrorKind::io, "cannot update the spool " + dir_ + ": " + std::strerror(saved));
  return {};
}

Result<std::uint64_t> Spool::next_id(bool rescan) const {
  const std::string path = dir_ + "/seq";
  // Locked from the read to the write: two senders never draw one number.
  const UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.valid()) return make_error(ErrorKind::io, errno_text("opening " + path));
  while (::flock(fd.get(), LOCK_EX) != 0)
    if (errno != EINTR) return make_error(ErrorKind::io, errno_text("locking " + path));
  char buf[32] = {};
  const ssize_t n = ::pread(fd.get(), buf, sizeof buf - 1, 0);
  std::uint64_t last = 0;
  if (n > 0 && std::sscanf(buf, "%llu", reinterpret_cast<unsigned long long*>(&last)) != 1) last = 0;
  if (last == 0 || rescan) {
    // A lost (or stale) counter must not hand out an id still in use.
    for (const auto& d : {dir_, failed_dir()}) {
      const auto ids = ids_in(d);
      if (!ids.empty()) last = std::max(last, ids.back());
    }
  }
  const std::uint64_t id = last + 1;
  const int len = std::snprintf(buf, sizeof buf, "%llu\n", static_cast<unsigned long long>(id));
  // Every metadata change is paid on each send: the number only grows, so
  // the file only needs truncating when it held something longer (garbage).
  if (::pwrite(fd.get(), buf, static_cast<std::size_t>(len), 0) != len ||
      (n > len && ::ftruncate(fd.get(), len) != 0))
    return make_error(ErrorKind::io, errno_text("writing " + path));
  return id;
}

Result<Journal> Spool::begin(Record& record) const {
  if (auto r = prepare(); !r) return r.error();
  auto id = next_id(false);
  if (!id) return id.error();
  // Created under its final name (a rename would cost one more metadata
  // write on every send) and locked while still empty: readers skip an
  // empty file (see kBeingWritten), and a claimant waits for the lock.
  UniqueFd fd;
  for (int tries = 0;; ++tries) {
    const std::string path = path_of(*id, false);
    fd = UniqueFd(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_APPEND | O_CLOEXEC, 0600));
    if (fd.valid()) break;
    // An id in use: the counter fell behind (power loss); catch it up.
    if (errno != EEXIST || tries == 3) return make_error(ErrorKind::io, errno_text("creating " + path));
    id = next_id(true);
    if (!id) return id.error();
  }
  record.id = *id;
  const std::string path = path_of(*id, false);
  const std::string text = encode_record(record);
  if (::flock(fd.get(), LOCK_EX) != 0 || !write_all(fd.get(), text.data(), text.size())) {
    // Unnamed while still held: whoever locks it next finds it gone, not torn.
    const int saved = errno;
    ::unlink(path.c_str());
    errno = saved;
    return make_error(ErrorKind::io, errno_text("writing " + path));
  }
  Journal j;
  j.fd_ = std::move(fd);
  j.path_ = path;
  j.failed_dir_ = failed_dir();
  j.record_ = record;
  return j;
}

Spool::Listing Spool::list() const {
  Listing out;
  for (bool failed : {false, true}) {
    const std::string dir = failed ? failed_dir() : dir_;
    for (const auto id : ids_in(dir)) {
      const std::string path = dir + "/" + id_name(id);
      auto file = open_trusted(path, O_RDONLY);
      if (file.status == Trusted::Status::missing) continue;
      if (file.status == Trusted::Status::refused) {
        out.refused.push_back(Refused{id, failed, path, std::move(file.why)});
        continue;
      }
      std::string why, text;
      const auto contents = read_journal(file.fd.get(), text);
      if (contents != Contents::journal) why = why_not(contents);
      file.fd.reset();
      if (contents == Contents::empty) continue;  // a sender is writing it right now
      auto record = contents == Contents::journal ? decode_journal(text) : std::nullopt;
      if (!record) {
        out.refused.push_back(Refused{id, failed, path, why.empty() ? kNotOurs : why});
        continue;
      }
      record->id = id;
      (failed ? out.failed : out.pending).push_back(Listed{id, failed, path, std::move(*record)});
    }
  }
  return out;
}

Spool::ClaimStatus Spool::claim(std::uint64_t id, bool failed, Journal& out,
                                std::string* why) const {
  const std::string path = path_of(id, failed);
  auto file = open_trusted(path, O_RDWR | O_APPEND);
  if (file.status == Trusted::Status::missing) return ClaimStatus::gone;
  if (file.status == Trusted::Status::refused) {
    if (why) *why = std::move(file.why);
    return ClaimStatus::refused;
  }
  // Every return below that is not `claimed` closes fd, and with it the lock.
  UniqueFd fd = std::move(file.fd);
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) return ClaimStatus::busy;
  // Delivered and removed (or folded by a rename) between open and lock:
  // the inode we hold is no longer the spool's.
  struct stat held {}, named {};
  if (::fstat(fd.get(), &held) != 0 || held.st_nlink == 0 || ::stat(path.c_str(), &named) != 0 ||
      named.st_ino != held.st_ino)
    return ClaimStatus::gone;
  std::string text;
  const auto contents = read_journal(fd.get(), text);
  // Created a moment ago by a sender that has not locked it yet: ours
  // once it is written, never a flush's.
  if (contents == Contents::empty) return ClaimStatus::busy;
  const std::string not_read = why_not(contents);
  auto record = contents == Contents::journal ? decode_journal(text) : std::nullopt;
  if (!record) {
    if (why) *why = contents == Contents::journal ? kNotOurs : not_read;
    return ClaimStatus::refused;
  }
  if (text.back() != '\n') {
    // A torn last line (a crash mid-append) is not read; cut off, it cannot
    // swallow the next event appended here. A record alone on an
    // unterminated line (a first-edition file) gets its newline instead.
    const auto nl = text.rfind('\n');
    const bool ok = nl == std::string::npos ? write_all(fd.get(), "\n", 1)
                                            : ::ftruncate(fd.get(), static_cast<off_t>(nl + 1)) == 0;
    if (!ok) {
      if (why) *why = errno_text("mending its torn last line");
      return ClaimStatus::refused;
    }
  }
  record->id = id;
  out = Journal();
  out.fd_ = std::move(fd);
  out.path_ = path;
  out.failed_dir_ = failed_dir();
  out.record_ = std::move(*record);
  return ClaimStatus::claimed;
}

Result<void> Spool::retry(std::uint64_t id, const std::function<void(Record&)>& amend) const {
  Journal dead;
  std::string why;
  switch (claim(id, true, dead, &why)) {
    case ClaimStatus::claimed: break;
    case ClaimStatus::gone: return make_error(ErrorKind::usage, "no failed message " + std::to_string(id));
    case ClaimStatus::busy: return make_error(ErrorKind::io, "message " + std::to_string(id) + " is in use");
    case ClaimStatus::refused: return make_error(ErrorKind::io, path_of(id, true) + ": " + why);
  }
  // The pending part of the same message, if any, is the newer record: its
  // progress (parts accepted, who has it) wins over the dead letter's.
  Journal pending;
  Record merged;
  switch (claim(id, false, pending, &why)) {
    case ClaimStatus::claimed: merged = pending.record(); break;
    case ClaimStatus::gone: merged = dead.record(); merged.targets.clear(); merged.state.clear(); break;
    case ClaimStatus::busy:
      return make_error(ErrorKind::io, "message " + std::to_string(id) +
                                           " is being delivered right now; try again when it is done");
    case ClaimStatus::refused: return make_error(ErrorKind::io, path_of(id, false) + ": " + why);
  }
  const Record& letter = dead.record();
  for (const auto& t : letter.targets) {
    if (std::find(merged.targets.begin(), merged.targets.end(), t) != merged.targets.end()) continue;
    merged.targets.push_back(t);
    auto st = letter.state.count(t) ? letter.state.at(t) : TargetState{};
    st.dead = false;
    merged.state[t] = st;
  }
  for (const auto& [dest, plan] : letter.plans)
    if (!merged.plans.count(dest)) {
      merged.plans[dest] = plan;
      if (letter.accepted.count(dest)) merged.accepted[dest] = letter.accepted.at(dest);
    }
  merged.have.insert(letter.have.begin(), letter.have.end());
  if (merged.config_path.empty()) merged.config_path = letter.config_path;
  merged.destinations.insert(letter.destinations.begin(), letter.destinations.end());
  if (amend) amend(merged);
  if (auto w = write_file_atomically(path_of(id, false), encode_record(merged)); !w) return w;
  return dead.remove();
}

Result<void> Spool::renumber(Journal& journal) const {
  for (int tries = 0; tries < 3; ++tries) {
    auto id = next_id(tries > 0);
    if (!id) return id.error();
    const std::string to = path_of(*id, false);
    if (rename_new(journal.path_, to)) {
      journal.path_ = to;
      journal.record_.id = *id;
      return {};
    }
    if (errno != EEXIST) break;
  }
  return make_error(ErrorKind::io, errno_text("renaming " + journal.path_));
}

void Spool::tidy() const {
  std::vector<std::string> strays;
  if (const UniqueDir d(::opendir(dir_.c_str())); d) {
    while (dirent* e = ::readdir(d.get())) {
      const std::string name = e->d_name;
      if (name.size() > 4 && name[0] != '.' && name.compare(name.size() - 4, 4, ".msg") == 0 &&
          !id_of(name))
        strays.push_back(name);
    }
  }
  // A sender killed between creating its journal and writing it leaves an
  // empty file: nothing of the message reached the disk, so nothing is kept.
  for (const auto id : ids_in(dir_)) {
    const std::string path = path_of(id, false);
    const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!fd.valid()) continue;
    struct stat st {};
    if (::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0 &&
        st.st_uid == ::geteuid() && std::time(nullptr) - st.st_mtime > 60 &&
        ::flock(fd.get(), LOCK_EX | LOCK_NB) == 0)
      ::unlink(path.c_str());
  }
  std::sort(strays.begin(), strays.end());  // first-edition names sort by time
  for (const auto& name : strays) {
    const std::string path = dir_ + "/" + name;
    std::string text;
    if (const auto file = open_trusted(path, O_RDONLY);
        !file.fd.valid() || read_journal(file.fd.get(), text) != Contents::journal)
      continue;
    if (!decode_journal(text)) continue;
    for (int tries = 0; tries < 3; ++tries) {
      auto id = next_id(tries > 0);
      if (!id || rename_new(path, path_of(*id, false)) || errno != EEXIST) break;
    }
  }

  for (const auto& dir : {dir_, failed_dir()}) {
    const UniqueDir d(::opendir(dir.c_str()));
    if (!d) continue;
    const std::time_t now = std::time(nullptr);
    while (dirent* e = ::readdir(d.get())) {
      const std::string name = e->d_name;
      if (name.rfind(".tmp-", 0) != 0) continue;
      const std::string path = dir + "/" + name;
      const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
      if (!fd.valid()) continue;
      struct stat st {};
      // Locked: a writer is still at it. Fresh: it may be about to lock.
      if (::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid() &&
          now - st.st_mtime > 60 && ::flock(fd.get(), LOCK_EX | LOCK_NB) == 0)
        ::unlink(path.c_str());
    }
  }
}

}  // namespace notify::spool
