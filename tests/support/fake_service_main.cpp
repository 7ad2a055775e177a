// fake_service: one fake chat service on 127.0.0.1 for benchmarks and demos.
//
//   fake_service --kind mattermost|telegram|line|discord [--port N] [--latency-ms N]
//                [--https --pki-dir DIR] [--log FILE]
//
// Prints the port on stdout, then serves until SIGTERM or SIGINT. With --https
// the test CA is DIR/ca.pem (generated there unless already present). With
// --log each request is appended to FILE as one JSON line.

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "support/fake_server.hpp"
#include "support/fake_services.hpp"
#include "support/test_pki.hpp"

namespace {

constexpr const char* kUsage =
    "usage: fake_service --kind mattermost|telegram|line|discord [--port N] [--latency-ms N]\n"
    "                    [--https --pki-dir DIR] [--log FILE]\n";

[[noreturn]] void usage_error(const std::string& msg) {
  std::cerr << "fake_service: " << msg << "\n" << kUsage;
  std::exit(2);
}

int to_int(std::string_view flag, const std::string& value) {
  char* end = nullptr;
  const long v = std::strtol(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || v < 0 || v > 1000000) usage_error("bad value for " + std::string(flag));
  return static_cast<int>(v);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace notify::test;
  std::string kind, pki_dir, log_path;
  int port = 0, latency_ms = 0;
  bool https = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage_error(std::string(a) + " needs a value");
      return argv[++i];
    };
    if (a == "--kind") kind = value();
    else if (a == "--port") port = to_int(a, value());
    else if (a == "--latency-ms") latency_ms = to_int(a, value());
    else if (a == "--https") https = true;
    else if (a == "--pki-dir") pki_dir = value();
    else if (a == "--log") log_path = value();
    else if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else usage_error("unknown argument " + std::string(a));
  }
  if (kind.empty()) usage_error("--kind is required");
  if (https && pki_dir.empty()) usage_error("--https needs --pki-dir");

  // Block the stop signals before any thread exists so only sigwait sees them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  try {
    Handler handler = service_handler(kind);
    std::unique_ptr<TestPki> pki;
    if (https) pki = std::make_unique<TestPki>(pki_dir);
    FakeServer::Options options;
    options.https = https;
    options.pki = pki.get();
    options.port = port;
    FakeServer server(options);
    server.set_latency(std::chrono::milliseconds(latency_ms));

    std::shared_ptr<std::ofstream> log;
    if (!log_path.empty()) {
      log = std::make_shared<std::ofstream>(log_path, std::ios::app);
      if (!*log) usage_error("cannot open log file " + log_path);
    }
    server.set_handler([handler, log](const Recorded& r) {
      if (log) {
        nlohmann::json headers = nlohmann::json::object();
        for (const auto& [k, v] : r.headers) headers[k] = v;
        *log << nlohmann::json{{"method", r.method},
                               {"path", r.path},
                               {"query", r.query},
                               {"headers", headers},
                               {"body", r.body}}
                    .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
             << std::endl;
      }
      return handler(r);
    });

    std::cout << server.port() << std::endl;
    int sig = 0;
    sigwait(&stop, &sig);
  } catch (const std::exception& e) {
    std::cerr << "fake_service: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
