#include "app/real_http.hpp"

#include "transport/curl_http_client.hpp"

namespace notify::app {

std::unique_ptr<HttpClient> real_http() { return std::make_unique<CurlHttpClient>(); }

}  // namespace notify::app
