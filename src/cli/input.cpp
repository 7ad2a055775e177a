#include "cli/input.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "core/files.hpp"
#include "message/input.hpp"
#include "message/sanitize.hpp"

namespace notify::cli {


Result<std::string> read_message(int fd, std::size_t budget, int tee_fd,
                                 std::string* tee_warning) {
  message::BoundedText text(budget);
  std::vector<char> buf(1 << 16);
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(ErrorKind::io, std::string("reading standard input: ") +
                                           std::strerror(errno));
    }
    if (n == 0) break;
    const auto len = static_cast<std::size_t>(n);
    if (tee_fd >= 0 && !write_all(tee_fd, buf.data(), len)) {
      // The tee reader went away; the message still matters more.
      if (tee_warning) *tee_warning = std::string("--tee: ") + std::strerror(errno);
      tee_fd = -1;
    }
    text.feed(std::string_view(buf.data(), len));
  }
  return text.finish();
}

void pass_message_on(int fd, bool is_terminal, std::ostream& err) {
  if (is_terminal) return;
  // About what one message of any service keeps; the middle of a bigger
  // input is counted, not printed.
  constexpr std::size_t kKept = 64 * 1024;
  auto text = read_message(fd, kKept, -1, nullptr);
  if (!text) return;
  message::trim_end(*text);
  if (message::is_blank(*text)) return;
  err << "notify: the message was not sent; here it is:\n" << *text << "\n";
}

}  // namespace notify::cli
