#pragma once
#include "core/http.hpp"

namespace notify {

/// One request, waited for: for the commands that ask a single question.
inline HttpResponse perform(HttpClient& client, HttpRequest request, RequestOptions options) {
  HttpResponse out;
  bool done = false;
  client.start(std::move(request), std::move(options), [&](HttpResponse r) {
    out = std::move(r);
    done = true;
  });
  while (!done) client.poll(std::chrono::milliseconds(200));
  return out;
}

}  // namespace notify
