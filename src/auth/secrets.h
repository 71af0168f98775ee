// Internal to the auth module: random secrets and their stored digests.
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace ecoute::auth::internal {

// Initialises libsodium once (aborts if it cannot: no secure randomness).
void InitSodium();

// `prefix` + base64url (no padding) of 32 random bytes: 43 characters.
std::string RandomSecret(std::string_view prefix);

// The lowercase hex SHA-256 of `secret`: what is stored instead of it.
std::string Digest(std::string_view secret);

// Constant-time equality (sodium_memcmp); false when the sizes differ.
bool SecretsEqual(std::string_view a, std::string_view b);

}  // namespace ecoute::auth::internal
