#pragma once
// A scriptable in-process HTTP(S) server on 127.0.0.1 for tests: records
// every request and answers from a FIFO of scripted replies, falling back to
// a default handler. See fake_services.hpp for service-flavoured handlers.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace notify::test {

class TestPki;

/// One part of a multipart/form-data body.
struct FormPart {
  std::string name, filename, content_type, content;
};

/// One request as the server saw it.
struct Recorded {
  std::string method;
  std::string path;   ///< raw path as sent (not percent-decoded), no query
  std::string query;  ///< raw query string without '?', "" if none
  std::string body;   ///< raw body; empty for multipart (see parts)
  std::vector<std::pair<std::string, std::string>> headers;  ///< names lower-cased
  std::vector<FormPart> parts;  ///< multipart/form-data parts, sorted by name

  /// First header with this name (matched case-insensitively), if any.
  std::optional<std::string> header(std::string_view name) const;
  /// Value of the first query parameter `name` (percent-decoded), if any.
  std::optional<std::string> query_param(std::string_view name) const;
};

/// What the server answers.
struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds delay{0};  ///< wait before answering (on top of latency)
  bool drop = false;  ///< close the connection without sending any response
};

using Handler = std::function<Reply(const Recorded&)>;

class FakeServer {
 public:
  struct Options {
    bool https = false;
    const TestPki* pki = nullptr;  ///< required when https; must outlive the server
    int port = 0;                  ///< 0 picks a free port
  };

  /// Starts listening on 127.0.0.1:<options.port or a free port>; throws std::runtime_error on failure.
  explicit FakeServer(Options options);
  FakeServer() : FakeServer(Options{}) {}
  /// Stops the server, cutting short any pending delay, and joins its threads.
  ~FakeServer();
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  /// "http://127.0.0.1:PORT" or "https://127.0.0.1:PORT", no trailing slash.
  std::string base_url() const;
  /// The bound TCP port.
  int port() const { return port_; }

  /// Queues a scripted reply; each request consumes the oldest one before the handler is asked.
  void push_reply(Reply reply);
  /// Sets the default handler (used when no scripted reply is queued). Default: 200 "{}".
  /// Handlers are called one at a time, so they need no locking of their own.
  void set_handler(Handler handler);
  /// Adds this latency to every reply (scripted or handled).
  void set_latency(std::chrono::milliseconds latency);

  /// Thread-safe copy of everything received so far, in arrival order.
  std::vector<Recorded> requests() const;
  /// Number of requests received so far.
  std::size_t request_count() const;
  /// Waits until at least n requests arrived; false on timeout.
  bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const;
  /// Forgets recorded requests and queued replies (handler and latency stay).
  void reset();

 private:
  void handle(const httplib::Request& req, httplib::Response& res);
  void cut_open_connections();
  bool sleep_unless_stopping(std::chrono::milliseconds d);

  bool https_;
  int port_ = 0;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;

  mutable std::mutex mutex_;  // guards everything below
  mutable std::condition_variable cv_;
  std::vector<Recorded> requests_;
  std::deque<Reply> scripted_;
  std::chrono::milliseconds latency_{0};
  bool stopping_ = false;

  std::mutex handler_mutex_;  // serializes handler_ calls
  Handler handler_;
};

/// Splits an application/x-www-form-urlencoded string (or raw query) into decoded pairs.
std::vector<std::pair<std::string, std::string>> parse_form(std::string_view text);

/// Shorthand for a JSON reply.
Reply json_reply(int status, std::string body);
/// Shorthand for a text/plain reply.
Reply text_reply(int status, std::string body);
/// A reply that closes the connection without answering.
Reply dropped_reply();

}  // namespace notify::test
