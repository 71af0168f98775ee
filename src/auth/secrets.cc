#include "auth/secrets.h"

#include <sodium.h>

#include <mutex>

#include "base/check.h"

namespace ecoute::auth::internal {

void InitSodium() {
  static std::once_flag once;
  std::call_once(once, [] { ECOUTE_CHECK_MSG(sodium_init() >= 0, "libsodium cannot initialise"); });
}

std::string RandomSecret(std::string_view prefix) {
  InitSodium();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char b64[sodium_base64_ENCODED_LEN(sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(b64, sizeof b64, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(bytes, sizeof bytes);
  return std::string(prefix) + b64;
}

std::string Digest(std::string_view secret) {
  InitSodium();
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

bool SecretsEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  InitSodium();
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace ecoute::auth::internal
