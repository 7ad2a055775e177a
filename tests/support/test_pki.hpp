#pragma once
// Throw-away X.509 material for HTTPS tests, generated at run time with the
// OpenSSL C API (EC P-256 keys, SHA-256 signatures, valid for 30 days).

#include <filesystem>
#include <memory>
#include <string>

namespace notify::test {

class TempDir;

class TestPki {
 public:
  /// Generates, in a fresh temp dir removed on destruction: a test CA, a server
  /// certificate for 127.0.0.1 / localhost signed by it, and an unrelated "other" CA.
  TestPki();
  /// Same, but in dir (created if needed, kept afterwards); files already present are reused.
  explicit TestPki(const std::filesystem::path& dir);
  ~TestPki();
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;

  /// Path of the PEM certificate of the CA that signed server_cert() (give this to the client).
  const std::string& ca_cert() const { return ca_cert_; }
  /// Path of the PEM server certificate: CN=localhost, SAN IP:127.0.0.1, DNS:localhost.
  const std::string& server_cert() const { return server_cert_; }
  /// Path of the PEM (unencrypted PKCS#8) private key of server_cert().
  const std::string& server_key() const { return server_key_; }
  /// Path of the PEM certificate of a CA that did not sign server_cert(): verification with it
  /// must fail.
  const std::string& other_ca_cert() const { return other_ca_cert_; }
  /// Directory holding ca.pem, ca.key, server.pem, server.key, other-ca.pem.
  const std::filesystem::path& dir() const { return dir_; }

 private:
  void generate();

  std::unique_ptr<TempDir> owned_;
  std::filesystem::path dir_;
  std::string ca_cert_, ca_key_, server_cert_, server_key_, other_ca_cert_;
};

}  // namespace notify::test
