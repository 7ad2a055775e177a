#include "support/fake_server.hpp"
#include "support/strings.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdlib>
#include <httplib.h>
#include <stdexcept>

#include "support/test_pki.hpp"

namespace notify::test {

namespace {

// Each server gets its own pool: a delayed reply must never starve other
// connections (tests fan out to several servers and retries overlap).
constexpr std::size_t kWorkerThreads = 32;


bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}


std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

struct Endpoint {
  std::string addr;
  int port = -1;
};

std::optional<Endpoint> endpoint_of(int fd, bool peer) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  auto* sa = reinterpret_cast<sockaddr*>(&ss);
  if ((peer ? getpeername(fd, sa, &len) : getsockname(fd, sa, &len)) != 0) return std::nullopt;
  char buf[INET6_ADDRSTRLEN] = {};
  if (ss.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
    return Endpoint{buf, ntohs(in->sin_port)};
  }
  if (ss.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
    return Endpoint{buf, ntohs(in6->sin6_port)};
  }
  return std::nullopt;
}

// Calls fn(fd) for every connected socket of this process whose local port
// is local_port. httplib does not expose a connection's socket to handlers,
// so /proc/self/fd is the way to find it.
template <class Fn>
void for_each_connection(int local_port, Fn fn) {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return;
  const int dir_fd = dirfd(dir);
  while (const dirent* entry = readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd == dir_fd) continue;
    const auto local = endpoint_of(static_cast<int>(fd), false);
    if (!local || local->port != local_port) continue;
    const auto peer = endpoint_of(static_cast<int>(fd), true);
    if (!peer) continue;  // the listening socket
    if (!fn(static_cast<int>(fd), *peer)) break;
  }
  closedir(dir);
}

// Makes the client see the connection close with no response at all.
void drop_connection(const httplib::Request& req, int server_port) {
  if (req.ssl != nullptr) {
    const int fd = SSL_get_fd(req.ssl);
    if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
    return;
  }
  const int local_port = req.local_port > 0 ? req.local_port : server_port;
  for_each_connection(local_port, [&](int fd, const Endpoint& peer) {
    if (peer.port != req.remote_port) return true;
    ::shutdown(fd, SHUT_RDWR);
    return false;
  });
}


}  // namespace

std::optional<std::string> Recorded::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return std::nullopt;
}

std::optional<std::string> Recorded::query_param(std::string_view name) const {
  for (auto& [k, v] : parse_form(query))
    if (k == name) return v;
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> parse_form(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!text.empty()) {
    const auto amp = text.find('&');
    const std::string_view item = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (item.empty()) continue;
    const auto eq = item.find('=');
    out.emplace_back(percent_decode(item.substr(0, eq)),
                     eq == std::string_view::npos ? std::string{} : percent_decode(item.substr(eq + 1)));
  }
  return out;
}

Reply json_reply(int status, std::string body) {
  Reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Reply text_reply(int status, std::string body) {
  Reply r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = "text/plain";
  return r;
}

Reply dropped_reply() {
  Reply r;
  r.drop = true;
  return r;
}

FakeServer::FakeServer(Options options) : https_(options.https) {
  ignore_sigpipe_once();
  handler_ = [](const Recorded&) { return json_reply(200, "{}"); };
  if (https_) {
    if (options.pki == nullptr) throw std::invalid_argument("FakeServer: https needs a TestPki");
    server_ = std::make_unique<httplib::SSLServer>(options.pki->server_cert().c_str(),
                                                   options.pki->server_key().c_str());
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  if (!server_->is_valid()) throw std::runtime_error("FakeServer: invalid server setup");

  server_->new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
  server_->set_keep_alive_timeout(2);
  // As the services' front ends (nginx: tcp_nodelay on, keepalive_requests
  // 1000): httplib writes a reply's head and body apart, and with Nagle on
  // the body waits for the client's delayed ACK, about 40 ms a request,
  // which a flush over one connection would pay per message.
  server_->set_tcp_nodelay(true);
  server_->set_keep_alive_max_count(1000);
  auto h = [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); };
  server_->Get(".*", h);
  server_->Post(".*", h);
  server_->Put(".*", h);
  server_->Patch(".*", h);
  server_->Delete(".*", h);
  server_->Options(".*", h);

  if (options.port > 0)
    port_ = server_->bind_to_port("127.0.0.1", options.port) ? options.port : -1;
  else
    port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("FakeServer: cannot bind 127.0.0.1");
  // The socket already listens; connections queue until the loop accepts.
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // httplib's stop() is a no-op until the accept loop runs; a server
  // destroyed right after construction would otherwise never stop.
  while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

FakeServer::~FakeServer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  server_->stop();
  // Idle keep-alive connections would hold workers (and so this destructor)
  // for the keep-alive timeout; wake them up.
  cut_open_connections();
  if (thread_.joinable()) thread_.join();
}

void FakeServer::cut_open_connections() {
  for_each_connection(port_, [](int fd, const Endpoint&) {
    ::shutdown(fd, SHUT_RDWR);
    return true;
  });
}

std::string FakeServer::base_url() const {
  return std::string(https_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

void FakeServer::push_reply(Reply reply) {
  std::lock_guard lock(mutex_);
  scripted_.push_back(std::move(reply));
}

void FakeServer::set_handler(Handler handler) {
  std::lock_guard lock(handler_mutex_);
  handler_ = std::move(handler);
}

void FakeServer::set_latency(std::chrono::milliseconds latency) {
  std::lock_guard lock(mutex_);
  latency_ = latency;
}

std::vector<Recorded> FakeServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t FakeServer::request_count() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

bool FakeServer::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
}

void FakeServer::reset() {
  std::lock_guard lock(mutex_);
  requests_.clear();
  scripted_.clear();
}

bool FakeServer::sleep_unless_stopping(std::chrono::milliseconds d) {
  std::unique_lock lock(mutex_);
  return !cv_.wait_for(lock, d, [&] { return stopping_; });
}

void FakeServer::handle(const httplib::Request& req, httplib::Response& res) {
  Recorded rec;
  rec.method = req.method;
  const auto q = req.target.find('?');
  rec.path = req.target.substr(0, q);
  if (q != std::string::npos) rec.query = req.target.substr(q + 1);
  rec.body = req.body;
  for (const auto& [k, v] : req.headers) {
    // httplib adds these itself; they were not sent by the client.
    if (iequals(k, "REMOTE_ADDR") || iequals(k, "REMOTE_PORT") || iequals(k, "LOCAL_ADDR") ||
        iequals(k, "LOCAL_PORT"))
      continue;
    rec.headers.emplace_back(lower(k), v);
  }
  for (const auto& [name, f] : req.files)
    rec.parts.push_back(FormPart{f.name, f.filename, f.content_type, f.content});

  std::optional<Reply> reply;
  std::chrono::milliseconds latency{};
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(rec);
    if (!scripted_.empty()) {
      reply = std::move(scripted_.front());
      scripted_.pop_front();
    }
    latency = latency_;
  }
  cv_.notify_all();

  if (!reply) {
    std::lock_guard lock(handler_mutex_);
    try {
      reply = handler_(rec);
    } catch (const std::exception& e) {
      reply = text_reply(500, std::string("fake handler threw: ") + e.what());
    }
  }

  if (!sleep_unless_stopping(reply->delay + latency)) reply->drop = true;

  if (reply->drop) {
    drop_connection(req, port_);
    res.set_header("Connection", "close");
    return;
  }
  res.status = reply->status;
  for (const auto& [k, v] : reply->headers) res.set_header(k, v);
  if (reply->status != 204 && reply->status != 304) res.set_content(reply->body, reply->content_type);
}

}  // namespace notify::test
