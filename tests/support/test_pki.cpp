#include "support/test_pki.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdint>
#include <stdexcept>

#include "support/temp_dir.hpp"

namespace notify::test {

namespace {

namespace fs = std::filesystem;

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Free>;
using Cert = std::unique_ptr<X509, Free>;

[[noreturn]] void fail(const std::string& what) {
  std::string msg = "TestPki: " + what;
  if (const unsigned long e = ERR_get_error(); e != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    msg += ": ";
    msg += buf;
  }
  ERR_clear_error();
  throw std::runtime_error(msg);
}

Key new_key() {
  Key k(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!k) fail("key generation");
  return k;
}

void add_ext(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  std::unique_ptr<X509_EXTENSION, Free> ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) fail(std::string("extension ") + value);
}

// issuer == nullptr makes a self-signed certificate.
Cert new_cert(EVP_PKEY* key, const char* cn, X509* issuer, EVP_PKEY* issuer_key, bool ca) {
  Cert cert(X509_new());
  if (!cert) fail("X509_new");
  std::uint32_t serial = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof serial) != 1) fail("RAND_bytes");
  X509_set_version(cert.get(), 2);  // v3
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(serial >> 1) + 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 30L * 24 * 3600);
  if (X509_set_pubkey(cert.get(), key) != 1) fail("set_pubkey");
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("notify tests"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer ? issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
  add_ext(cert.get(), &ctx, NID_subject_key_identifier, "hash");
  add_ext(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always");
  if (ca) {
    add_ext(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(cert.get(), &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(cert.get(), &ctx, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    add_ext(cert.get(), &ctx, NID_ext_key_usage, "serverAuth");
    add_ext(cert.get(), &ctx, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
  }
  if (X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) == 0) fail("X509_sign");
  return cert;
}

std::unique_ptr<BIO, Free> open_for_write(const std::string& path, mode_t mode) {
  std::unique_ptr<BIO, Free> bio(BIO_new_file(path.c_str(), "w"));
  if (!bio) fail("cannot write " + path);
  ::chmod(path.c_str(), mode);
  return bio;
}

void write_cert(const std::string& path, X509* cert) {
  auto bio = open_for_write(path, 0644);
  if (PEM_write_bio_X509(bio.get(), cert) != 1) fail("write " + path);
}

void write_key(const std::string& path, EVP_PKEY* key) {
  auto bio = open_for_write(path, 0600);
  if (PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    fail("write " + path);
}

}  // namespace

TestPki::TestPki() : owned_(std::make_unique<TempDir>("notify-pki")), dir_(owned_->path()) {
  generate();
}

TestPki::TestPki(const fs::path& dir) : dir_(fs::absolute(dir)) {
  fs::create_directories(dir_);
  generate();
}

TestPki::~TestPki() = default;

void TestPki::generate() {
  ca_cert_ = (dir_ / "ca.pem").string();
  ca_key_ = (dir_ / "ca.key").string();
  server_cert_ = (dir_ / "server.pem").string();
  server_key_ = (dir_ / "server.key").string();
  other_ca_cert_ = (dir_ / "other-ca.pem").string();
  if (fs::exists(ca_cert_) && fs::exists(server_cert_) && fs::exists(server_key_) &&
      fs::exists(other_ca_cert_))
    return;

  Key ca_key = new_key();
  Cert ca = new_cert(ca_key.get(), "notify test CA", nullptr, nullptr, true);
  Key server_key = new_key();
  Cert server = new_cert(server_key.get(), "localhost", ca.get(), ca_key.get(), false);
  Key other_key = new_key();
  Cert other = new_cert(other_key.get(), "notify other test CA", nullptr, nullptr, true);

  write_cert(ca_cert_, ca.get());
  write_key(ca_key_, ca_key.get());
  write_key(server_key_, server_key.get());
  write_cert(other_ca_cert_, other.get());
  write_cert(server_cert_, server.get());  // last: its presence marks a complete set
}

}  // namespace notify::test
