#include "auth/password.h"

#include <sodium.h>

#include "auth/secrets.h"

namespace ecoute::auth {

PasswordCost MinimalCost() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

base::Status CheckPasswordPolicy(std::string_view password) {
  if (password.size() > kMaxPasswordBytes)
    return base::Status::InvalidArgument("password: must be at most " + std::to_string(kMaxPasswordBytes) +
                                         " bytes, got " + std::to_string(password.size()));
  size_t chars = 0;
  for (char c : password) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;
  }
  if (chars < kMinPasswordChars)
    return base::Status::InvalidArgument("password: must be at least " + std::to_string(kMinPasswordChars) +
                                         " characters, got " + std::to_string(chars));
  return base::Status::Ok();
}

base::Result<std::string> HashPassword(std::string_view password, const PasswordCost& cost) {
  ECOUTE_RETURN_IF_ERROR(CheckPasswordPolicy(password));
  internal::InitSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.ops, cost.mem,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return base::Status::Internal("password: cannot hash (out of memory for Argon2id with " +
                                  std::to_string(cost.mem >> 10) + " KiB)");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  internal::InitSodium();
  const std::string h(hash);  // NUL-terminated
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool NeedsRehash(std::string_view hash, const PasswordCost& cost) {
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return true;
  internal::InitSodium();
  const std::string h(hash);
  return crypto_pwhash_argon2id_str_needs_rehash(h.c_str(), cost.ops, cost.mem) != 0;
}

std::string GeneratePassword(size_t chars) {
  static constexpr char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  static_assert(sizeof kAlphabet - 1 == 57);
  internal::InitSodium();
  std::string out;
  out.reserve(chars);
  for (size_t i = 0; i < chars; ++i) out += kAlphabet[randombytes_uniform(sizeof kAlphabet - 1)];
  return out;
}

}  // namespace ecoute::auth
