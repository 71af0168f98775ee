#include "auth/authenticator.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>

#include "auth/testing.h"

namespace ecoute::auth {
namespace {

base::Timestamp T(const char* s) { return *base::ParseTimestamp(s); }

constexpr int64_t kMinute = 60'000;
constexpr int64_t kHour = 60 * kMinute;

class AuthenticatorTest : public ::testing::Test {
 protected:
  AuthenticatorTest() : auth_(&clock_) {
    user_ = auth_.AddUser("alice", Role::kAgent, "alice-password");
  }

  Authenticator& a() { return auth_.authenticator(); }
  Directory& dir() { return auth_.directory(); }

  SessionGrant Login(const std::string& login = "alice", const std::string& password = "alice-password") {
    auto g = a().Login(login, password, "192.0.2.1");
    EXPECT_TRUE(g.ok()) << g.status().ToString();
    return g.ok() ? *g : SessionGrant{};
  }

  static std::string Cookie(const SessionGrant& g) { return "theme=dark; ecoute_session=" + g.session_token; }

  base::Result<Principal> WithCookie(const SessionGrant& g, std::string_view method = "GET",
                                     std::string_view csrf = {}) {
    const std::string cookie = Cookie(g);
    return a().Authenticate(Credentials{method, {}, cookie, csrf});
  }

  base::Result<Principal> WithBearer(const std::string& token, std::string_view method = "GET") {
    const std::string header = "Bearer " + token;
    return a().Authenticate(Credentials{method, header, {}, {}});
  }

  base::FakeClock clock_{T("2024-06-01T09:00:00Z")};
  testing::TestAuth auth_;
  User user_;
};

TEST_F(AuthenticatorTest, LoginGivesASessionUsableByCookie) {
  SessionGrant g = Login("ALICE");
  EXPECT_EQ(g.session_token.rfind("ecs_", 0), 0u);
  EXPECT_EQ(g.session_token.size(), 4u + 43u);
  EXPECT_EQ(g.csrf_token.size(), 4u + 43u);
  EXPECT_EQ(g.expires_at, clock_.Now() + 7 * 24 * kHour);
  EXPECT_EQ(g.user.login, "alice");
  EXPECT_EQ(g.user.last_login_at, clock_.Now());
  EXPECT_EQ(dir().GetUser(user_.id)->last_login_at, clock_.Now());

  auto p = WithCookie(g);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->user_id, user_.id);
  EXPECT_EQ(p->login, "alice");
  EXPECT_EQ(p->role, Role::kAgent);
  EXPECT_EQ(p->via, "session");
  EXPECT_GT(p->session_id, 0);
  EXPECT_EQ(p->token_id, 0);
  EXPECT_EQ(a().CsrfToken(p->session_id).value(), g.csrf_token);
  // Only the digest is stored.
  EXPECT_FALSE(dir().FindSession(g.session_token)->has_value());

  auto log = dir().Audit([&] { AuditFilter f; f.action = "login.ok"; return f; }());
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].client_ip, "192.0.2.1");
}

TEST_F(AuthenticatorTest, WrongLoginAndWrongPasswordLookTheSame) {
  auto wrong_password = a().Login("alice", "not-the-password", "");
  auto wrong_login = a().Login("bob", "alice-password", "");
  ASSERT_FALSE(wrong_password.ok());
  ASSERT_FALSE(wrong_login.ok());
  EXPECT_EQ(wrong_password.status().code(), base::StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong_login.status().code(), base::StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong_password.status().message(), "invalid login or password");
  EXPECT_EQ(wrong_login.status().message(), "invalid login or password");
  auto log = dir().Audit([&] { AuditFilter f; f.action = "login.failed"; return f; }());
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[0].detail, "unknown login");
  EXPECT_EQ((*log)[1].detail, "wrong password");
}

TEST_F(AuthenticatorTest, DisabledAccountsCannotSignInOrUseTheirCredentials) {
  SessionGrant g = Login();
  auto token = a().CreateToken(user_.id, "script", std::nullopt, Actor{"alice"});
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE(dir().DisableUser(user_.id, Actor{"admin"}).ok());
  auto login = a().Login("alice", "alice-password", "");
  EXPECT_EQ(login.status().code(), base::StatusCode::kUnauthenticated);
  EXPECT_EQ(login.status().message(), "account alice is disabled");
  EXPECT_EQ(WithCookie(g).status().code(), base::StatusCode::kUnauthenticated) << "disabling ended the session";
  auto by_token = WithBearer(token->token);
  EXPECT_EQ(by_token.status().code(), base::StatusCode::kUnauthenticated);
  EXPECT_EQ(by_token.status().message(), "account alice is disabled");
  // Enabled again, the token works again.
  User u = *dir().GetUser(user_.id);
  u.disabled = false;
  ASSERT_TRUE(dir().UpdateUser(u, Actor{"admin"}).ok());
  EXPECT_TRUE(WithBearer(token->token).ok());
}

TEST_F(AuthenticatorTest, FiveFailuresLockTheLoginForTheWindow) {
  for (int i = 0; i < 5; ++i) {
    auto r = a().Login("alice", "wrong-password", "");
    EXPECT_EQ(r.status().code(), base::StatusCode::kUnauthenticated) << i;
    clock_.Advance(kMinute);
  }
  // The first failure was at 09:00; the window is 15 minutes.
  auto locked = a().Login("alice", "alice-password", "");
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.status().code(), base::StatusCode::kResourceExhausted);
  EXPECT_EQ(locked.status().message(), "too many failed logins for alice; retry in 600 s");
  EXPECT_EQ(a().Login("ALICE", "alice-password", "").status().code(), base::StatusCode::kResourceExhausted);
  // Another login is not affected.
  auth_.AddUser("bob", Role::kViewer, "bob-password");
  EXPECT_TRUE(a().Login("bob", "bob-password", "").ok());
  // Once the oldest failure leaves the window, one try is allowed again.
  clock_.Advance(10 * kMinute);
  SessionGrant g = Login();
  EXPECT_FALSE(g.session_token.empty());
  // Success cleared the count: four more failures do not lock.
  for (int i = 0; i < 4; ++i) (void)a().Login("alice", "wrong-password", "");
  EXPECT_TRUE(a().Login("alice", "alice-password", "").ok());
}

TEST_F(AuthenticatorTest, UnknownLoginsAreRateLimitedToo) {
  for (int i = 0; i < 5; ++i) (void)a().Login("nobody", "whatever-password", "");
  EXPECT_EQ(a().Login("nobody", "whatever-password", "").status().code(), base::StatusCode::kResourceExhausted);
}

TEST_F(AuthenticatorTest, SessionsEndAfterTwelveIdleHours) {
  SessionGrant g = Login();
  clock_.Advance(12 * kHour - 1);
  ASSERT_TRUE(WithCookie(g).ok());  // and touches it
  clock_.Advance(12 * kHour - 1);
  ASSERT_TRUE(WithCookie(g).ok());
  clock_.Advance(12 * kHour);
  auto r = WithCookie(g);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::StatusCode::kUnauthenticated);
  EXPECT_EQ(r.status().message(), "session expired after 12 h without activity; sign in again");
  auto again = WithCookie(g);
  EXPECT_EQ(again.status().message().rfind("session not found", 0), 0u) << "the expired session was deleted";
}

TEST_F(AuthenticatorTest, SessionsEndAfterSevenDaysWhateverTheActivity) {
  SessionGrant g = Login();
  for (int i = 0; i < 15; ++i) {
    clock_.Advance(11 * kHour);
    ASSERT_TRUE(WithCookie(g).ok()) << i;
  }
  clock_.Advance(4 * kHour);  // 169 h after sign-in
  auto r = WithCookie(g);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "session expired: a session lasts at most 168 h; sign in again");
}

TEST_F(AuthenticatorTest, LastSeenIsWrittenAtMostOnceAMinute) {
  SessionGrant g = Login();
  const int64_t id = WithCookie(g)->session_id;
  const base::Timestamp start = clock_.Now();
  clock_.Advance(30'000);
  ASSERT_TRUE(WithCookie(g).ok());
  EXPECT_EQ(dir().GetSession(id)->value().last_seen_at, start);
  clock_.Advance(30'000);
  ASSERT_TRUE(WithCookie(g).ok());
  EXPECT_EQ(dir().GetSession(id)->value().last_seen_at, start + kMinute);
}

TEST_F(AuthenticatorTest, OptionsChangeTheLifetimes) {
  AuthOptions o;
  o.session_idle_ms = 30 * kMinute;
  o.session_max_ms = 2 * kHour;
  testing::TestAuth short_lived(&clock_, o);
  short_lived.AddUser("kim", Role::kViewer, "kim-password");
  auto g = short_lived.authenticator().Login("kim", "kim-password", "");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->expires_at, clock_.Now() + 2 * kHour);
  const std::string cookie = "ecoute_session=" + g->session_token;
  clock_.Advance(31 * kMinute);
  auto r = short_lived.authenticator().Authenticate(Credentials{"GET", {}, cookie, {}});
  EXPECT_EQ(r.status().message(), "session expired after 30 min without activity; sign in again");
}

TEST_F(AuthenticatorTest, CookieSessionsNeedTheCsrfTokenOnUnsafeMethods) {
  SessionGrant g = Login();
  EXPECT_TRUE(WithCookie(g, "GET").ok());
  EXPECT_TRUE(WithCookie(g, "HEAD").ok());
  for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) {
    SCOPED_TRACE(method);
    auto missing = WithCookie(g, method);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.status().code(), base::StatusCode::kPermissionDenied);
    EXPECT_EQ(missing.status().message(), "missing or wrong X-CSRF-Token");
    std::string wrong = g.csrf_token;
    wrong.back() = wrong.back() == 'a' ? 'b' : 'a';
    EXPECT_EQ(WithCookie(g, method, wrong).status().code(), base::StatusCode::kPermissionDenied);
    EXPECT_EQ(WithCookie(g, method, g.csrf_token.substr(1)).status().code(), base::StatusCode::kPermissionDenied);
    EXPECT_TRUE(WithCookie(g, method, g.csrf_token).ok());
  }
  // The session secret as a bearer token needs no CSRF token (no browser sends it by itself).
  auto bearer = WithBearer(g.session_token, "POST");
  ASSERT_TRUE(bearer.ok()) << bearer.status().ToString();
  EXPECT_EQ(bearer->via, "session");
}

TEST_F(AuthenticatorTest, TokensAuthenticateUntilRevokedOrExpired) {
  auto created = a().CreateToken(user_.id, "ci", std::nullopt, Actor{"alice"});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const std::string& token = created->token;
  EXPECT_EQ(token.rfind("ect_", 0), 0u);
  EXPECT_EQ(token.size(), 47u);
  EXPECT_EQ(created->info.prefix, token.substr(4, 8));
  EXPECT_EQ(created->info.name, "ci");
  EXPECT_EQ(created->info.expires_at, 0);

  auto p = WithBearer(token, "DELETE");  // no CSRF for bearer tokens
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->via, "token");
  EXPECT_EQ(p->token_id, created->info.id);
  EXPECT_EQ(p->login, "alice");
  EXPECT_EQ(dir().GetToken(created->info.id)->last_used_at, clock_.Now());
  // Case of the scheme does not matter; extra spaces neither.
  const std::string lower = "bearer   " + token;
  EXPECT_TRUE(a().Authenticate(Credentials{"GET", lower, {}, {}}).ok());
  // A bearer token wins over a cookie.
  SessionGrant g = Login();
  const std::string bearer = "Bearer " + token, cookie = Cookie(g);
  EXPECT_EQ(a().Authenticate(Credentials{"GET", bearer, cookie, {}})->via, "token");

  ASSERT_TRUE(a().RevokeToken(created->info.id, Actor{"alice"}).ok());
  auto revoked = WithBearer(token);
  EXPECT_EQ(revoked.status().code(), base::StatusCode::kUnauthenticated);
  EXPECT_EQ(revoked.status().message(), "API token \"ci\" was revoked at 2024-06-01T09:00:00Z");

  auto expiring = a().CreateToken(user_.id, "tmp", clock_.Now() + kHour, Actor{"alice"});
  ASSERT_TRUE(expiring.ok());
  EXPECT_TRUE(WithBearer(expiring->token).ok());
  clock_.Advance(kHour);
  EXPECT_EQ(WithBearer(expiring->token).status().message(), "API token \"tmp\" expired at 2024-06-01T10:00:00Z");
  auto past = a().CreateToken(user_.id, "old", clock_.Now(), Actor{"alice"});
  EXPECT_EQ(past.status().message().rfind("expires_at: must be in the future", 0), 0u);
  EXPECT_EQ(a().CreateToken(user_.id, "", std::nullopt, Actor{"alice"}).status().message(), "name: must not be empty");
  EXPECT_EQ(a().CreateToken(999, "x", std::nullopt, Actor{"alice"}).status().code(), base::StatusCode::kNotFound);

  // A deleted user's tokens go with them.
  User other = auth_.AddUser("temp", Role::kViewer);
  auto t = a().CreateToken(other.id, "x", std::nullopt, Actor{"cli"});
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(dir().DeleteUser(other.id, Actor{"cli"}).ok());
  EXPECT_EQ(WithBearer(t->token).status().message(), "unknown API token");
}

TEST_F(AuthenticatorTest, BadOrMissingCredentialsSayWhy) {
  auto none = a().Authenticate(Credentials{"GET", {}, {}, {}});
  EXPECT_EQ(none.status().code(), base::StatusCode::kUnauthenticated);
  EXPECT_EQ(none.status().message().rfind("sign in first", 0), 0u);
  EXPECT_EQ(a().Authenticate(Credentials{"GET", {}, "other=1", {}}).status().code(),
            base::StatusCode::kUnauthenticated);
  for (const char* header : {"Basic YWxpY2U6cHc=", "Bearer", "Bearer    ", "Token ect_x"}) {
    auto r = a().Authenticate(Credentials{"GET", header, {}, {}});
    EXPECT_EQ(r.status().message(), "the Authorization header must be \"Bearer <token>\"") << header;
  }
  EXPECT_EQ(a().Authenticate(Credentials{"GET", "Bearer hello", {}, {}}).status().message(),
            "unknown bearer token (API tokens start with \"ect_\")");
  EXPECT_EQ(WithBearer("ect_" + std::string(43, 'A')).status().message(), "unknown API token");
  auto session = a().Authenticate(Credentials{"GET", {}, "ecoute_session=ecs_nope", {}});
  EXPECT_EQ(session.status().message().rfind("session not found", 0), 0u);
}

TEST_F(AuthenticatorTest, LogoutEndsTheSession) {
  SessionGrant g = Login();
  SessionGrant other = Login();
  ASSERT_TRUE(a().Logout(g.session_token).ok());
  EXPECT_EQ(WithCookie(g).status().code(), base::StatusCode::kUnauthenticated);
  EXPECT_TRUE(WithCookie(other).ok()) << "other sessions stay";
  EXPECT_TRUE(a().Logout(g.session_token).ok()) << "idempotent";
  auto p = WithCookie(other);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(a().EndSession(p->session_id, Actor{"alice"}).ok());
  EXPECT_FALSE(WithCookie(other).ok());
  EXPECT_EQ(dir().Audit([&] { AuditFilter f; f.action = "logout"; return f; }())->size(), 2u);
}

TEST_F(AuthenticatorTest, APasswordChangeEndsOtherSessions) {
  SessionGrant mine = Login();
  SessionGrant elsewhere = Login();
  const int64_t keep = WithCookie(mine)->session_id;
  ASSERT_TRUE(dir().SetPassword(user_.id, "a brand new password", Actor{"alice"}, keep).ok());
  EXPECT_TRUE(WithCookie(mine).ok());
  EXPECT_FALSE(WithCookie(elsewhere).ok());
  EXPECT_FALSE(a().Login("alice", "alice-password", "").ok());
  EXPECT_TRUE(a().Login("alice", "a brand new password", "").ok());
}

TEST(CookieValue, FindsTheNamedCookie) {
  EXPECT_EQ(CookieValue("ecoute_session=abc", "ecoute_session"), "abc");
  EXPECT_EQ(CookieValue("a=1;  ecoute_session=abc ; b=2", "ecoute_session"), "abc");
  EXPECT_EQ(CookieValue("xecoute_session=abc; ecoute_session=\"q\"", "ecoute_session"), "q");
  EXPECT_EQ(CookieValue("a=1; b", "ecoute_session"), "");
  EXPECT_EQ(CookieValue("", "ecoute_session"), "");
}

// A hash made at an older cost is upgraded at the next sign-in.
TEST(AuthenticatorRehash, OlderCostsAreUpgradedOnLogin) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("ecoute-rehash-" + std::to_string(std::random_device{}()) + ".db"))
          .string();
  base::FakeClock clock(T("2024-06-01T09:00:00Z"));
  DirectoryOptions o;
  o.password_cost = MinimalCost();
  o.clock = &clock;
  int64_t id = 0;
  {
    auto d = Directory::Open(path, o);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    User u;
    u.login = "lea";
    id = (*d)->CreateUser(u, "lea-password", Actor{"cli"})->id;
  }
  o.password_cost = PasswordCost{2, 16 << 10};
  {
    auto d = Directory::Open(path, o);
    ASSERT_TRUE(d.ok());
    EXPECT_TRUE(NeedsRehash(*(*d)->PasswordHash(id), o.password_cost));
    Authenticator a(**d, clock);
    ASSERT_TRUE(a.Login("lea", "lea-password", "").ok());
    const std::string hash = *(*d)->PasswordHash(id);
    EXPECT_FALSE(NeedsRehash(hash, o.password_cost));
    EXPECT_TRUE(VerifyPassword(hash, "lea-password"));
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

}  // namespace
}  // namespace ecoute::auth
