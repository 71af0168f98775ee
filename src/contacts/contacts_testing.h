// For the contacts tests only: mentions in one line, a store that fails the
// test when it cannot open, temporary database files.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "contacts/contact_store.h"
#include "model/mention.h"

namespace ecoute::contacts::testing {

inline constexpr base::Timestamp kMonday = 1'710'115'200'000;  // 2024-03-11T00:00:00Z
inline constexpr int64_t kHour = 3'600'000;
inline constexpr int64_t kDay = 24 * kHour;

// A mention to resolve, built in one expression:
// Msg().Id(1).On(model::Channel::kEmail).Handle("a@b.fr").Text("...").
struct MentionSpec {
  int64_t id = 0;
  model::Channel channel = model::Channel::kEmail;
  std::string handle;
  std::string name;
  base::Timestamp at = kMonday;
  std::string text = "bonjour";
  std::optional<std::string> category;
  model::Direction direction = model::Direction::kInbound;
  std::string title;

  MentionSpec& Id(int64_t v) {
    id = v;
    return *this;
  }
  MentionSpec& On(model::Channel v) {
    channel = v;
    return *this;
  }
  MentionSpec& Handle(std::string v) {
    handle = std::move(v);
    return *this;
  }
  MentionSpec& Name(std::string v) {
    name = std::move(v);
    return *this;
  }
  MentionSpec& At(base::Timestamp v) {
    at = v;
    return *this;
  }
  MentionSpec& Text(std::string v) {
    text = std::move(v);
    return *this;
  }
  MentionSpec& Category(std::string v) {
    category = std::move(v);
    return *this;
  }
  MentionSpec& Dir(model::Direction v) {
    direction = v;
    return *this;
  }
  MentionSpec& Title(std::string v) {
    title = std::move(v);
    return *this;
  }
};
inline MentionSpec Msg() { return MentionSpec{}; }

inline model::Mention MakeMention(const MentionSpec& s) {
  model::Mention m;
  m.id = s.id;
  m.channel = s.channel;
  m.native_id = "n" + std::to_string(s.id);
  m.author.handle = s.handle;
  m.author.display_name = s.name;
  m.created_at = s.at;
  m.text = s.text;
  m.title = s.title;
  m.direction = s.direction;
  m.enrichment.category = s.category;
  return m;
}

inline std::unique_ptr<ContactStore> OpenOrDie(const std::string& path, const ContactOptions& options,
                                               const base::Clock& clock) {
  auto s = ContactStore::Open(path, options, clock);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (!s.ok()) std::abort();
  return std::move(s).value();
}

// Resolves `specs` in one call, failing the test on an error.
inline std::vector<int64_t> Resolve(ContactStore& store, const std::vector<MentionSpec>& specs) {
  std::vector<model::Mention> ms;
  for (const MentionSpec& s : specs) ms.push_back(MakeMention(s));
  auto r = store.ResolveBatch(ms);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<int64_t>(specs.size(), -1);
}

inline int64_t Resolve1(ContactStore& store, const MentionSpec& spec) { return Resolve(store, {spec}).at(0); }

inline Contact GetOrDie(ContactStore& store, int64_t id) {
  auto c = store.Get(id);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? *c : Contact{};
}

inline std::vector<Suggestion> Pending(ContactStore& store, int64_t contact = 0) {
  auto r = store.Suggestions(contact, "pending", 1000);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<Suggestion>{};
}

inline std::vector<int64_t> TimelineIds(ContactStore& store, int64_t contact) {
  auto r = store.MentionIds(contact, ContactStore::kNoBound, 1000);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  std::vector<int64_t> ids;
  if (r.ok())
    for (const TimelineEntry& e : *r) ids.push_back(e.mention_id);
  return ids;
}

inline std::vector<std::string> IdentifierKeys(const Contact& c) {
  std::vector<std::string> keys;
  for (const StoredIdentifier& s : c.identifiers) keys.push_back(IdentifierKey(s.identifier));
  return keys;
}

// A fresh path in the temporary directory, removed (with -wal and -shm)
// when destroyed.
class TempDb {
 public:
  TempDb() {
    static std::atomic<int> counter{0};
    path_ = (std::filesystem::temp_directory_path() /
             ("ecoute_contacts_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".db"))
                .string();
    Remove();
  }
  ~TempDb() { Remove(); }
  TempDb(const TempDb&) = delete;
  TempDb& operator=(const TempDb&) = delete;
  const std::string& path() const { return path_; }

 private:
  void Remove() {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path_ + suffix, ec);
  }
  std::string path_;
};

}  // namespace ecoute::contacts::testing
