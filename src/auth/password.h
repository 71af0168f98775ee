// Password hashing: Argon2id (libsodium crypto_pwhash_str_alg,
// ALG_ARGON2ID13), in the self-describing PHC string form
// ("$argon2id$v=19$m=65536,t=2,p=1$salt$hash"), so that a hash made with an
// older cost still verifies and NeedsRehash() tells when to upgrade it.
//
// Thread-safe (libsodium is initialised once, on first use). Hashing at the
// default cost takes about 64 MiB and a few tens of milliseconds per call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace ecoute::auth {

// Argon2id work factors: `ops` passes over `mem` bytes.
struct PasswordCost {
  uint64_t ops = 2;            // crypto_pwhash_OPSLIMIT_INTERACTIVE
  size_t mem = size_t{64} << 20;  // crypto_pwhash_MEMLIMIT_INTERACTIVE (64 MiB)
};

// The smallest cost libsodium accepts (1 pass, 8 KiB): for tests only.
PasswordCost MinimalCost();

inline constexpr size_t kMinPasswordChars = 10;     // Unicode code points
inline constexpr size_t kMaxPasswordBytes = 1024;

// OK when `password` is acceptable: at least 10 characters (UTF-8 code
// points) and at most 1024 bytes; otherwise InvalidArgument "password: ...".
base::Status CheckPasswordPolicy(std::string_view password);

// The PHC string of `password` under `cost`, with a random salt.
// InvalidArgument "password: ..." when it breaks the policy; Internal when
// libsodium cannot allocate the memory the cost asks for.
base::Result<std::string> HashPassword(std::string_view password, const PasswordCost& cost = {});

// Whether `password` matches `hash` (a string HashPassword made, at any
// cost). False for a malformed hash. Constant-time in the password.
bool VerifyPassword(std::string_view hash, std::string_view password);

// Whether `hash` was made with other parameters than `cost` (or is not an
// Argon2id string): hash the password again after a successful Verify.
bool NeedsRehash(std::string_view hash, const PasswordCost& cost = {});

// A random password of `chars` characters from a 57-symbol alphabet without
// look-alikes (no 0/O, 1/l/I): 20 characters carry about 116 bits.
std::string GeneratePassword(size_t chars = 20);

}  // namespace ecoute::auth
