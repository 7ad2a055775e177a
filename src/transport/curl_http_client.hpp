#pragma once
// HttpClient on libcurl's multi interface: every queued transfer runs
// concurrently on one thread, and connections are reused between the parts
// of a message to the same host.

#include <memory>

#include "core/http.hpp"

namespace notify {

class CurlHttpClient final : public HttpClient {
 public:
  CurlHttpClient();
  ~CurlHttpClient() override;
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  void start(HttpRequest request, RequestOptions options, Handler on_done) override;
  std::size_t poll(std::chrono::milliseconds max_wait, int wake_fd) override;
  void cancel_all() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace notify
