#include "transport/curl_http_client.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <cstdlib>
#include <cstring>
#include <list>
#include <memory>
#include <utility>
#include <vector>

#include <curl/curl.h>

namespace notify {

namespace {

// Replies we read are small JSON objects; a misbehaving server must not make
// us buffer without bound.
constexpr std::size_t kMaxReplyBytes = 1 << 20;
// An SMTP reply is a few lines; an EHLO list is the longest we expect.
constexpr std::size_t kMaxSmtpReplyBytes = 4096;
constexpr std::size_t kSmtpRepliesKept = 4;

// libcurl's handles, each freed by its own function whatever way a
// transfer ends.
struct SlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistFree>;

// Appends to a list owned by `list`; false when libcurl is out of memory.
bool append(Slist& list, const std::string& item) {
  curl_slist* grown = curl_slist_append(list.get(), item.c_str());
  if (!grown) return false;
  (void)list.release();
  list.reset(grown);
  return true;
}

struct MultiFree {
  void operator()(CURLM* m) const { curl_multi_cleanup(m); }
};
using Multi = std::unique_ptr<CURLM, MultiFree>;

// An easy handle in a multi: taken out of it before it is freed.
class Easy {
 public:
  Easy() = default;
  explicit Easy(CURLM* multi) : multi_(multi), easy_(curl_easy_init()) {}
  Easy(Easy&& o) noexcept
      : multi_(o.multi_), easy_(std::exchange(o.easy_, nullptr)), added_(std::exchange(o.added_, false)) {}
  Easy& operator=(Easy&& o) noexcept {
    if (this != &o) {
      release();
      multi_ = o.multi_;
      easy_ = std::exchange(o.easy_, nullptr);
      added_ = std::exchange(o.added_, false);
    }
    return *this;
  }
  Easy(const Easy&) = delete;
  ~Easy() { release(); }

  CURL* get() const { return easy_; }
  bool add() { return added_ = curl_multi_add_handle(multi_, easy_) == CURLM_OK; }
  void release() {
    if (!easy_) return;
    if (added_) curl_multi_remove_handle(multi_, easy_);
    curl_easy_cleanup(easy_);
    easy_ = nullptr;
    added_ = false;
  }

 private:
  CURLM* multi_ = nullptr;
  CURL* easy_ = nullptr;
  bool added_ = false;
};

struct Transfer {
  HttpRequest request;
  HttpClient::Handler on_done;
  HttpResponse response;
  Easy easy;
  Slist headers;
  Slist recipients;
  std::size_t uploaded = 0;
  std::string smtp_reply;  // lines of the SMTP reply being read
  std::vector<std::string> smtp_replies;  // the last complete ones
  char error_buffer[CURL_ERROR_SIZE] = {};

  bool is_mail() const { return request.mail.has_value(); }
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * n;
  auto& body = t->response.body;
  if (body.size() < kMaxReplyBytes)
    body.append(data, std::min(len, kMaxReplyBytes - body.size()));
  return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * n;
  std::string line(data, len);
  if (line.rfind("HTTP/", 0) == 0) {
    t->response.headers.clear();  // a new response (after 100 or a redirect)
    return len;
  }
  auto colon = line.find(':');
  if (colon == std::string::npos) return len;
  std::string name = line.substr(0, colon);
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string value = line.substr(colon + 1);
  auto b = value.find_first_not_of(" \t");
  auto e = value.find_last_not_of(" \t\r\n");
  value = b == std::string::npos ? "" : value.substr(b, e - b + 1);
  t->response.headers.emplace_back(std::move(name), std::move(value));
  return len;
}

// libcurl hands every SMTP reply line to the header callback; the last
// complete reply is what the server said about the step that ended the
// transfer (its 250, or why it refused).
size_t on_smtp_reply(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * n;
  std::string_view line(data, len);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (t->smtp_reply.size() < kMaxSmtpReplyBytes) {
    if (!t->smtp_reply.empty()) t->smtp_reply += '\n';
    t->smtp_reply += line.substr(0, kMaxSmtpReplyBytes - t->smtp_reply.size());
  }
  if (line.size() < 4 || line[3] != '-') {  // "250-..." continues, "250 ..." ends
    // A failed transfer still says QUIT: its 221 must not hide the refusal.
    if (t->smtp_replies.size() == kSmtpRepliesKept) t->smtp_replies.erase(t->smtp_replies.begin());
    t->smtp_replies.push_back(std::move(t->smtp_reply));
    t->smtp_reply.clear();
  }
  return len;
}

/// The reply that carried `status` (libcurl's final code), else the last one.
std::string smtp_reply_for(const std::vector<std::string>& replies, long status) {
  const std::string code = std::to_string(status);
  for (auto it = replies.rbegin(); it != replies.rend(); ++it)
    if (it->rfind(code, 0) == 0) return *it;
  return replies.empty() ? "" : replies.back();
}

size_t on_upload(char* buffer, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::string& message = t->request.body;
  const size_t len = std::min(size * n, message.size() - t->uploaded);
  std::memcpy(buffer, message.data() + t->uploaded, len);
  t->uploaded += len;
  return len;
}

TransportError classify(CURLcode code) {
  switch (code) {
    case CURLE_OK: return TransportError::none;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT: return TransportError::connect;
    case CURLE_OPERATION_TIMEDOUT: return TransportError::timeout;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM: return TransportError::tls;
    default: return TransportError::other;
  }
}

TransportError classify_mail(CURLcode code) {
  switch (code) {
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CONNECT_ERROR: return TransportError::tls;
    default: return classify(code);
  }
}

// libcurl's words name the step ("RCPT failed: 550") but not what it means
// for the user; the reply text itself is in the response body.
std::string mail_error_text(CURLcode code, const char* buffer) {
  const std::string detail = buffer[0] ? buffer : curl_easy_strerror(code);
  switch (code) {
    case CURLE_USE_SSL_FAILED:
      return "the server did not start TLS (STARTTLS refused or not offered), so nothing "
             "was sent in clear: " + detail;
    case CURLE_LOGIN_DENIED: return "the SMTP server refused the login: " + detail;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CONNECT_ERROR: return "TLS with the SMTP server failed: " + detail;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT: return "could not connect to the SMTP server: " + detail;
    default: return detail;
  }
}

void set_mail_options(CURL* e, Transfer& t) {
  const MailEnvelope& mail = *t.request.mail;
  // An e-mail profile reaches SMTP servers and nothing else.
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(e, CURLOPT_MAIL_FROM, ("<" + mail.from + ">").c_str());
  for (const auto& r : mail.rcpt) (void)append(t.recipients, "<" + r + ">");
  curl_easy_setopt(e, CURLOPT_MAIL_RCPT, t.recipients.get());
  if (!mail.username.empty()) {
    curl_easy_setopt(e, CURLOPT_USERNAME, mail.username.c_str());
    curl_easy_setopt(e, CURLOPT_PASSWORD, mail.password.c_str());
  }
  curl_easy_setopt(e, CURLOPT_USE_SSL,
                   static_cast<long>(mail.require_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY));
  curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(e, CURLOPT_READFUNCTION, on_upload);
  curl_easy_setopt(e, CURLOPT_READDATA, &t);
  // Lets MAIL FROM carry SIZE=, so an oversized message is refused up front.
  curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(t.request.body.size()));
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_smtp_reply);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
}

// libcurl itself does not read CURL_CA_BUNDLE (the curl tool does); users
// expect both it and OpenSSL's SSL_CERT_FILE to work.
std::string env_ca_bundle() {
  for (const char* name : {"CURL_CA_BUNDLE", "SSL_CERT_FILE"}) {
    const char* v = std::getenv(name);
    if (v && *v) return v;
  }
  return "";
}

}  // namespace

// Once per process, before the first handle: libcurl's global set-up is not
// thread-safe and costs a TLS library initialisation each time.
void global_init() {
  static const bool done = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)done;
}

struct CurlHttpClient::Impl {
  Multi multi;
  std::list<Transfer> transfers;
  // Requests that could not even be started (no handle): answered by the
  // next poll, never from inside start().
  std::vector<std::pair<HttpClient::Handler, HttpResponse>> refused;
  std::string env_ca = env_ca_bundle();

  void finish(CURL* easy, CURLcode code) {
    for (auto it = transfers.begin(); it != transfers.end(); ++it) {
      if (it->easy.get() != easy) continue;
      long status = 0;
      curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
      it->response.status = status;
      it->response.received_unix = static_cast<std::int64_t>(std::time(nullptr));
      if (it->is_mail()) {
        it->response.body = smtp_reply_for(it->smtp_replies, status);
        it->response.error = classify_mail(code);
        if (code != CURLE_OK) it->response.error_text = mail_error_text(code, it->error_buffer);
      } else {
        it->response.error = classify(code);
        if (code != CURLE_OK)
          it->response.error_text =
              it->error_buffer[0] ? it->error_buffer : curl_easy_strerror(code);
      }
      HttpClient::Handler handler = std::move(it->on_done);
      HttpResponse response = std::move(it->response);
      transfers.erase(it);
      // The handler may start new transfers; it runs after bookkeeping.
      handler(std::move(response));
      return;
    }
  }
};

CurlHttpClient::CurlHttpClient() : impl_(std::make_unique<Impl>()) {
  global_init();
  impl_->multi.reset(curl_multi_init());
}

// The transfers (easy handles out of the multi first) go before the multi.
CurlHttpClient::~CurlHttpClient() { impl_->transfers.clear(); }

void CurlHttpClient::start(HttpRequest request, RequestOptions options, Handler on_done) {
  if (!impl_->multi) {
    HttpResponse r;
    r.error = TransportError::other;
    r.error_text = "libcurl could not be set up (out of memory?)";
    impl_->refused.emplace_back(std::move(on_done), std::move(r));
    return;
  }
  auto& t = impl_->transfers.emplace_back();
  t.request = std::move(request);
  t.on_done = std::move(on_done);
  t.easy = Easy(impl_->multi.get());
  CURL* e = t.easy.get();
  if (!e) {
    HttpResponse r;
    r.error = TransportError::other;
    r.error_text = "libcurl could not create a transfer (out of memory?)";
    impl_->refused.emplace_back(std::move(t.on_done), std::move(r));
    impl_->transfers.pop_back();
    return;
  }
  curl_easy_setopt(e, CURLOPT_URL, t.request.url.c_str());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  if (t.is_mail()) {
    set_mail_options(e, t);
  } else {
    bool has_agent = false;
    for (const auto& [k, v] : t.request.headers) {
      (void)append(t.headers, k + ": " + v);
      if (k == "User-Agent") has_agent = true;
    }
    // A 1 s stall on "Expect: 100-continue" for bodies over 1 KiB buys nothing.
    (void)append(t.headers, "Expect:");
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers.get());
    if (!has_agent) curl_easy_setopt(e, CURLOPT_USERAGENT, "notify/" NOTIFY_VERSION);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
  }
  if (t.is_mail()) {
    // The options above carry the message.
  } else if (t.request.method != "GET") {
    // Every method but GET carries its body (ntfy uploads files with PUT);
    // the body goes out as for a POST, under the method's own name.
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, t.request.body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(t.request.body.size()));
    if (t.request.method != "POST")
      curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, t.request.method.c_str());
  }
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min<long long>(options.timeout.count(), 10000)));
  // Verification stays on, always; a private CA is added, never a bypass.
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  const std::string& ca = options.ca_file.empty() ? impl_->env_ca : options.ca_file;
  if (!ca.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, ca.c_str());
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error_buffer);
  if (!t.easy.add()) {
    HttpResponse r;
    r.error = TransportError::other;
    r.error_text = "libcurl could not start the transfer";
    impl_->refused.emplace_back(std::move(t.on_done), std::move(r));
    impl_->transfers.pop_back();
  }
}

std::size_t CurlHttpClient::poll(std::chrono::milliseconds max_wait, int wake_fd) {
  if (!impl_->refused.empty()) {
    auto refused = std::move(impl_->refused);
    impl_->refused.clear();
    for (auto& [handler, response] : refused) handler(std::move(response));
    return impl_->transfers.size() + impl_->refused.size();
  }
  if (!impl_->multi) return 0;
  auto drain = [this] {
    bool any = false;
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(impl_->multi.get(), &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      impl_->finish(msg->easy_handle, msg->data.result);
      any = true;
    }
    return any;
  };
  int running = 0;
  curl_multi_perform(impl_->multi.get(), &running);
  // A handler that ran may have queued more work or changed the caller's
  // timers: hand control back before sleeping.
  if (drain()) return impl_->transfers.size();
  // curl_multi_poll sleeps the whole timeout even with nothing to watch,
  // so a retry wait costs no CPU.
  curl_waitfd extra{};
  extra.fd = wake_fd;
  extra.events = CURL_WAIT_POLLIN;
  const auto ms = std::max<long long>(0, max_wait.count());
  curl_multi_poll(impl_->multi.get(), wake_fd >= 0 ? &extra : nullptr, wake_fd >= 0 ? 1 : 0,
                  static_cast<int>(std::min<long long>(ms, 1 << 30)), nullptr);
  curl_multi_perform(impl_->multi.get(), &running);
  drain();
  return impl_->transfers.size();
}

void CurlHttpClient::cancel_all() {
  // A transfer whose status line already said 2xx was accepted: its
  // handler must hear so, or the message would be sent again later.
  std::vector<std::pair<Handler, HttpResponse>> accepted;
  for (auto& t : impl_->transfers) {
    long status = 0;
    curl_easy_getinfo(t.easy.get(), CURLINFO_RESPONSE_CODE, &status);
    // An SMTP 250 answers EHLO, MAIL and RCPT too: only the end of the
    // transfer tells that the message itself was taken.
    if (status >= 200 && status < 300 && !t.is_mail()) {
      t.response.status = status;
      t.response.error = TransportError::timeout;
      t.response.error_text = "abandoned after the status line";
      t.response.received_unix = static_cast<std::int64_t>(std::time(nullptr));
      accepted.emplace_back(std::move(t.on_done), std::move(t.response));
    }
  }
  impl_->transfers.clear();
  impl_->refused.clear();
  for (auto& [handler, response] : accepted) handler(std::move(response));
}

}  // namespace notify
