#include "auth/password.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace ecoute::auth {
namespace {

TEST(Password, HashVerifiesOnlyTheSamePassword) {
  auto h = HashPassword("correct horse battery", MinimalCost());
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u) << *h;
  EXPECT_TRUE(VerifyPassword(*h, "correct horse battery"));
  EXPECT_FALSE(VerifyPassword(*h, "correct horse batterY"));
  EXPECT_FALSE(VerifyPassword(*h, ""));
  // A random salt: the same password hashes differently.
  auto again = HashPassword("correct horse battery", MinimalCost());
  ASSERT_TRUE(again.ok());
  EXPECT_NE(*h, *again);
  EXPECT_TRUE(VerifyPassword(*again, "correct horse battery"));
}

TEST(Password, MalformedHashesNeverVerify) {
  EXPECT_FALSE(VerifyPassword("", "whatever123"));
  EXPECT_FALSE(VerifyPassword("$argon2id$v=19$garbage", "whatever123"));
  EXPECT_FALSE(VerifyPassword(std::string(300, 'x'), "whatever123"));
  EXPECT_TRUE(NeedsRehash(""));
  EXPECT_TRUE(NeedsRehash("not a hash"));
}

TEST(Password, DefaultCostIsInteractive) {
  PasswordCost c;
  EXPECT_EQ(c.ops, 2u);
  EXPECT_EQ(c.mem, size_t{64} << 20);
}

TEST(Password, NeedsRehashWhenTheCostChanged) {
  auto h = HashPassword("0123456789", MinimalCost());
  ASSERT_TRUE(h.ok());
  EXPECT_FALSE(NeedsRehash(*h, MinimalCost()));
  EXPECT_TRUE(NeedsRehash(*h, PasswordCost{}));
  EXPECT_TRUE(NeedsRehash(*h, PasswordCost{MinimalCost().ops + 1, MinimalCost().mem}));
}

TEST(Password, PolicyCountsCharactersAndCapsBytes) {
  EXPECT_TRUE(CheckPasswordPolicy("0123456789").ok());
  base::Status s = CheckPasswordPolicy("012345678");
  EXPECT_EQ(s.code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "password: must be at least 10 characters, got 9");
  // Ten accented letters are ten characters (20 bytes); nine are not enough.
  std::string ten, nine;
  for (int i = 0; i < 10; ++i) ten += "\xC3\xA9";
  for (int i = 0; i < 9; ++i) nine += "\xC3\xA9";
  EXPECT_TRUE(CheckPasswordPolicy(ten).ok());
  EXPECT_FALSE(CheckPasswordPolicy(nine).ok());
  EXPECT_TRUE(CheckPasswordPolicy(std::string(1024, 'a')).ok());
  s = CheckPasswordPolicy(std::string(1025, 'a'));
  EXPECT_EQ(s.message(), "password: must be at most 1024 bytes, got 1025");
  auto h = HashPassword("short", MinimalCost());
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().message().rfind("password: ", 0), 0u);
}

TEST(Password, GeneratedPasswordsAreStrongAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    std::string p = GeneratePassword();
    EXPECT_EQ(p.size(), 20u);
    EXPECT_TRUE(CheckPasswordPolicy(p).ok());
    EXPECT_EQ(p.find_first_of("0O1lI"), std::string::npos) << p;
    seen.insert(p);
  }
  EXPECT_EQ(seen.size(), 50u);
}

}  // namespace
}  // namespace ecoute::auth
