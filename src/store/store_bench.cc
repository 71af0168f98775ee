// store_bench: write throughput, size and search latency of the SQLite store
// on synthetic but realistic mentions (~150-byte texts, Zipf word
// frequencies, replies, several channels and languages).
//
//   store_bench [--n 1000000] [--batch 8192] [--sync normal,full]
//               [--full-n 300000] [--dir /tmp] [--queries 200] [--keep]
//               [--matched K]
//
// --matched K: every mention carries K distinct ids of 20 monitored queries
// in enrichment.matched_queries (per-query index and rollups), and the
// search phase adds per-query listings and volumes.
// Prints one line per figure. Timings are wall-clock on this machine.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "store/sqlite_store.h"

namespace {

using ecoute::model::Channel;
using ecoute::model::Mention;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// CPU seconds used by this process (all threads): a figure less disturbed
// than wall time when other work shares the machine.
double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

[[noreturn]] void Die(const std::string& what, const ecoute::base::Status& s) {
  std::fprintf(stderr, "store_bench: %s: %s\n", what.c_str(), s.ToString().c_str());
  std::exit(1);
}

// Words by frequency rank: a few real ones first, then made-up ones, some
// with accents so the tokenizer's folding is exercised.
std::vector<std::string> MakeVocabulary(size_t n) {
  std::vector<std::string> v = {
      "le",     "de",      "la",      "the",    "et",      "to",     "est",    "a",       "pas",    "je",
      "internet", "and",   "les",     "is",     "un",      "you",    "pour",   "it",      "en",     "des",
      "réseau", "my",      "box",     "panne",  "depuis",  "for",    "service", "client",  "fibre",  "merci",
      "sur",    "with",    "encore",  "toujours", "problème", "flight", "no",   "plus",    "appel",  "jours",
      "facture", "help",   "wifi",    "débit",  "mobile",  "bonjour", "delay",  "customer", "forfait", "coupé",
  };
  static const char* kSyll[] = {"ka", "lo", "mi", "re", "tu", "sa", "ne", "po", "vi", "da", "ré", "fé", "cha",
                                "on", "an", "ti", "gu", "be", "zo", "è"};
  std::mt19937 rng(11);
  while (v.size() < n) {
    std::string w;
    int syl = 2 + static_cast<int>(rng() % 3);
    for (int i = 0; i < syl; ++i) w += kSyll[rng() % std::size(kSyll)];
    w += std::to_string(v.size() % 97);  // keep words distinct
    v.push_back(w);
  }
  return v;
}

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed), vocab_(MakeVocabulary(50000)) {
    std::vector<double> w(vocab_.size());
    for (size_t i = 0; i < w.size(); ++i) w[i] = 1.0 / static_cast<double>(i + 1);
    word_ = std::discrete_distribution<size_t>(w.begin(), w.end());
  }

  const std::vector<std::string>& vocab() const { return vocab_; }

  // The next mention of a stream that starts at `t0` and advances ~`step`
  // ms per mention (ids follow time, with jitter).
  Mention Next(int64_t n, ecoute::base::Timestamp t0, int64_t step) {
    Mention m;
    m.native_id = "m" + std::to_string(n);
    uint32_t c = rng_() % 100;
    m.channel = c < 55 ? Channel::kTwitter : c < 70 ? Channel::kFacebook : c < 80 ? Channel::kForum
              : c < 90 ? Channel::kReview : c < 96 ? Channel::kEmail : Channel::kChat;
    m.created_at = t0 + n * step + static_cast<int64_t>(rng_() % 60'000);
    m.author.handle = "user" + std::to_string(rng_() % 50000);
    m.author.display_name = "User " + std::to_string(rng_() % 50000);
    m.author.followers = static_cast<int64_t>(rng_() % 10000);
    uint32_t l = rng_() % 10;
    m.language = l < 6 ? "fr" : l < 9 ? "en" : "es";
    m.language_confidence = 0.9f;
    m.source = "bench";
    m.url = "https://example.com/s/" + std::to_string(n);
    while (m.text.size() < 140) {
      if (!m.text.empty()) m.text.push_back(' ');
      m.text += vocab_[word_(rng_)];
    }
    if (rng_() % 5 == 0) {
      m.entities.hashtags.push_back(vocab_[word_(rng_)]);
      m.text += " #" + m.entities.hashtags.back();
    }
    if (m.channel == Channel::kEmail || m.channel == Channel::kForum) m.title = vocab_[word_(rng_)] + " " + vocab_[word_(rng_)];
    if (n > 100 && rng_() % 4 == 0) m.reply_to = "m" + std::to_string(n - 1 - static_cast<int64_t>(rng_() % 100));
    m.engagement.likes = rng_() % 50;
    return m;
  }

  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
  std::vector<std::string> vocab_;
  std::discrete_distribution<size_t> word_;
};

struct Args {
  int64_t n = 1'000'000;
  int64_t full_n = 300'000;
  int batch = 8192;
  std::vector<std::string> syncs = {"normal", "full"};
  std::string dir = "/tmp";
  int queries = 200;
  bool keep = false;
  int matched = 0;
};

constexpr int64_t kBenchQueries = 20;

// The matched queries of mention `n`: `k` distinct ids in 1..20, a fixed
// function of `n` so replays are duplicates.
void SetMatched(Mention& m, int64_t n, int k) {
  m.enrichment.matched_queries.clear();
  uint64_t x = static_cast<uint64_t>(n) * 0x9e3779b97f4a7c15ull;
  x ^= x >> 29;
  for (int j = 0; j < k; ++j)
    m.enrichment.matched_queries.push_back(1 + static_cast<int64_t>((x + static_cast<uint64_t>(j) * 7) % kBenchQueries));
}

Args ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto val = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "store_bench: %s needs a value\n", k.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (k == "--n") a.n = std::stoll(val());
    else if (k == "--full-n") a.full_n = std::stoll(val());
    else if (k == "--batch") a.batch = std::stoi(val());
    else if (k == "--dir") a.dir = val();
    else if (k == "--queries") a.queries = std::stoi(val());
    else if (k == "--keep") a.keep = true;
    else if (k == "--matched") a.matched = std::stoi(val());
    else if (k == "--sync") {
      a.syncs.clear();
      std::string s = val();
      for (size_t p = 0; p <= s.size();) {
        size_t c = s.find(',', p);
        if (c == std::string::npos) c = s.size();
        a.syncs.push_back(s.substr(p, c - p));
        p = c + 1;
      }
    } else {
      std::fprintf(stderr, "usage: store_bench [--n N] [--full-n N] [--batch B] [--sync normal,full] [--dir D] "
                           "[--queries Q] [--keep] [--matched K]\n");
      std::exit(2);
    }
  }
  return a;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size()))) - 1;
  return v[std::min(i, v.size() - 1)];
}

void RemoveDb(const std::string& path) {
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
}

constexpr ecoute::base::Timestamp kT0 = 1'700'000'000'000;
constexpr int64_t kStep = 2000;  // ms between mentions: 1M mentions ~ 23 days

// Writes `n` mentions in batches; returns the store.
std::unique_ptr<ecoute::store::Store> WritePhase(const Args& a, const std::string& sync, int64_t n,
                                                 const std::string& path) {
  RemoveDb(path);
  ecoute::store::SqliteOptions o;
  o.path = path;
  o.synchronous = sync;
  auto opened = ecoute::store::OpenSqliteStore(o);
  if (!opened.ok()) Die("open", opened.status());
  auto store = std::move(opened).value();
  // The ids SetMatched uses must be defined queries (Write drops others).
  for (int q = 1; a.matched > 0 && q <= kBenchQueries; ++q) {
    ecoute::store::QueryDef def;
    def.name = "bench_" + std::to_string(q);
    def.text = "panne";
    auto saved = store->SaveQuery(def);
    if (!saved.ok()) Die("save query", saved.status());
  }
  Generator gen(1);
  double write_s = 0, write_cpu = 0;
  std::vector<double> batch_ms;
  std::vector<Mention> batch;
  for (int64_t done = 0; done < n;) {
    batch.clear();
    int64_t len = std::min<int64_t>(a.batch, n - done);
    for (int64_t i = 0; i < len; ++i) {
      batch.push_back(gen.Next(done + i, kT0, kStep));
      SetMatched(batch.back(), done + i, a.matched);
    }
    auto t = Clock::now();
    double c0 = CpuSeconds();
    auto r = store->Write(batch, {}, nullptr);
    auto e = Clock::now();
    write_cpu += CpuSeconds() - c0;
    if (!r.ok()) Die("write", r.status());
    write_s += Seconds(t, e);
    batch_ms.push_back(Seconds(t, e) * 1000);
    done += len;
  }
  auto counts = store->Counts();
  if (!counts.ok()) Die("counts", counts.status());
  std::printf("write[sync=%s]: %lld mentions in %.2f s = %.0f mentions/s (%.0f per CPU-second); batch of %d p50 "
              "%.1f ms p99 %.1f ms\n",
              sync.c_str(), static_cast<long long>(n), write_s, static_cast<double>(n) / write_s,
              static_cast<double>(n) / write_cpu, a.batch, Percentile(batch_ms, 0.5), Percentile(batch_ms, 0.99));
  std::error_code ec;
  const double wal = static_cast<double>(std::filesystem::file_size(path + "-wal", ec));
  std::printf("size[sync=%s]: %.1f MB = %.0f bytes/mention (Counts().bytes, of which WAL %.1f MB); %lld threads\n",
              sync.c_str(), static_cast<double>(counts->bytes) / 1e6,
              static_cast<double>(counts->bytes) / static_cast<double>(n), ec ? 0.0 : wal / 1e6,
              static_cast<long long>(counts->threads));

  // Replays: the first batches again (duplicates), then changed (updates).
  Generator replay(1);
  int64_t replay_n = std::min<int64_t>(n, 5 * a.batch);
  for (int pass = 0; pass < 2; ++pass) {
    double s = 0;
    ecoute::store::WriteSummary total;
    for (int64_t done = 0; done < replay_n;) {
      batch.clear();
      int64_t len = std::min<int64_t>(a.batch, replay_n - done);
      for (int64_t i = 0; i < len; ++i) {
        batch.push_back(replay.Next(done + i, kT0, kStep));
        SetMatched(batch.back(), done + i, a.matched);
        if (pass == 1) batch.back().engagement.likes += 1000;  // changed content
      }
      auto t = Clock::now();
      auto r = store->Write(batch, {}, nullptr);
      s += Seconds(t, Clock::now());
      if (!r.ok()) Die("replay", r.status());
      total.duplicates += r->duplicates;
      total.updated += r->updated;
      done += len;
    }
    replay = Generator(1);
    std::printf("%s[sync=%s]: %lld in %.2f s = %.0f/s (dup %lld, upd %lld)\n", pass == 0 ? "replay-duplicates" : "replay-updates",
                sync.c_str(), static_cast<long long>(replay_n), s, static_cast<double>(replay_n) / s,
                static_cast<long long>(total.duplicates), static_cast<long long>(total.updated));
  }
  return store;
}

struct QueryKind {
  std::string name;
  int lo1, hi1, lo2, hi2;  // vocabulary rank bands of the two words (hi2 = 0: one word)
  bool channel = false, lang = false, last_day = false, second_page = false;
  bool author = false;
  bool thread = false;
};

void SearchPhase(const Args& a, ecoute::store::Store& store, int64_t n, const std::string& label) {
  Generator gen(99);
  const auto& vocab = gen.vocab();
  std::vector<QueryKind> kinds = {
      {"2 common words (ranks 5-30)", 5, 30, 5, 30},
      {"2 very common (ranks 0-8)", 0, 8, 0, 8},
      {"common + medium (5-30, 30-300)", 5, 30, 30, 300},
      {"2 medium (30-300)", 30, 300, 30, 300},
      {"2 rare (1000-10000)", 1000, 10000, 1000, 10000},
      {"1 common word (5-30)", 5, 30, 0, 0},
      {"2 common + channel=forum", 5, 30, 5, 30, true},
      {"2 common + lang=es", 5, 30, 5, 30, false, true},
      {"2 common + last day", 5, 30, 5, 30, false, false, true},
      {"2 common, page 2 (cursor)", 5, 30, 5, 30, false, false, false, true},
      {"no text, newest 50", 0, 0, 0, 0},
      {"no text, channel=review", 0, 0, 0, 0, true},
      {"no text, author", 0, 0, 0, 0, false, false, false, false, true},
      {"2 medium + author", 30, 300, 30, 300, false, false, false, false, true},
      {"1 common + thread", 5, 30, 0, 0, false, false, false, false, false, true},
      {"no text, thread", 0, 0, 0, 0, false, false, false, false, false, true},
  };
  auto pick = [&](int lo, int hi) { return vocab[static_cast<size_t>(lo) + gen.rng()() % static_cast<uint64_t>(hi - lo)]; };
  for (const auto& k : kinds) {
    std::vector<double> ms;
    double hits = 0;
    for (int q = 0; q < a.queries; ++q) {
      ecoute::store::MentionFilter f;
      f.limit = 50;
      if (k.hi1 > 0) f.text = pick(k.lo1, k.hi1);
      if (k.hi2 > 0) f.text += " " + pick(k.lo2, k.hi2);
      if (k.channel) f.channels = {k.hi1 > 0 ? Channel::kForum : Channel::kReview};
      if (k.lang) f.languages = {"es"};
      if (k.last_day) f.from = kT0 + n * kStep - 86'400'000;
      if (k.author) f.author = "USER" + std::to_string(gen.rng()() % 50000);
      if (k.thread) f.thread_id = "m" + std::to_string(gen.rng()() % static_cast<uint64_t>(n));
      if (k.second_page) {
        auto first = store.Search(f);
        if (!first.ok()) Die("search", first.status());
        if (first->next) f.after = first->next;
      }
      auto t = Clock::now();
      auto r = store.Search(f);
      ms.push_back(Seconds(t, Clock::now()) * 1000);
      if (!r.ok()) Die("search \"" + f.text + "\"", r.status());
      hits += static_cast<double>(r->items.size());
    }
    std::printf("search%s %-34s p50 %6.2f ms  p95 %6.2f ms  max %6.2f ms  (avg %.1f results)\n", label.c_str(),
                k.name.c_str(), Percentile(ms, 0.5), Percentile(ms, 0.95), Percentile(ms, 1.0),
                hits / a.queries);
  }
  // Other reads.
  std::vector<double> vol_ms, count_ms;
  for (int q = 0; q < 20; ++q) {
    auto t = Clock::now();
    auto v = store.Volume({kT0, kT0 + n * kStep, ecoute::store::Interval::kHour, ecoute::store::GroupBy::kChannel, {}, {}, {}, {}, {}, {}, {}});
    vol_ms.push_back(Seconds(t, Clock::now()) * 1000);
    if (!v.ok()) Die("volume", v.status());
    t = Clock::now();
    auto c = store.Counts();
    count_ms.push_back(Seconds(t, Clock::now()) * 1000);
    if (!c.ok()) Die("counts", c.status());
  }
  std::printf("volume%s hourly by channel over all data: p50 %.2f ms; counts: p50 %.2f ms\n", label.c_str(),
              Percentile(vol_ms, 0.5), Percentile(count_ms, 0.5));
  if (a.matched == 0) return;
  struct QueryShape {
    std::string name;
    int ids;
    bool word;
  };
  for (const QueryShape& k : {QueryShape{"query_ids=1 id, newest 50", 1, false},
                              QueryShape{"query_ids=3 ids, newest 50", 3, false},
                              QueryShape{"query_ids=1 id + 1 common word", 1, true}}) {
    std::vector<double> ms;
    double hits = 0;
    for (int q = 0; q < a.queries; ++q) {
      ecoute::store::MentionFilter f;
      for (int j = 0; j < k.ids; ++j) f.query_ids.push_back(1 + static_cast<int64_t>(gen.rng()() % kBenchQueries));
      if (k.word) f.text = pick(5, 30);
      auto t = Clock::now();
      auto r = store.Search(f);
      ms.push_back(Seconds(t, Clock::now()) * 1000);
      if (!r.ok()) Die("search by query", r.status());
      hits += static_cast<double>(r->items.size());
    }
    std::printf("search%s %-34s p50 %6.2f ms  p95 %6.2f ms  max %6.2f ms  (avg %.1f results)\n", label.c_str(),
                k.name.c_str(), Percentile(ms, 0.5), Percentile(ms, 0.95), Percentile(ms, 1.0), hits / a.queries);
  }
  std::vector<double> qvol_ms;
  for (int q = 0; q < 20; ++q) {
    auto t = Clock::now();
    auto v = store.Volume({kT0, kT0 + n * kStep, ecoute::store::Interval::kDay, ecoute::store::GroupBy::kQuery, {}, {}, {}, {}, {}, {}, {}});
    qvol_ms.push_back(Seconds(t, Clock::now()) * 1000);
    if (!v.ok()) Die("volume by query", v.status());
  }
  std::printf("volume%s daily by query over all data: p50 %.2f ms\n", label.c_str(), Percentile(qvol_ms, 0.5));
}

}  // namespace

int main(int argc, char** argv) {
  Args a = ParseArgs(argc, argv);
  std::printf("store_bench: n=%lld batch=%d sqlite %s\n", static_cast<long long>(a.n), a.batch, sqlite3_libversion());
  std::unique_ptr<ecoute::store::Store> searchable;
  std::string searchable_path;
  for (const auto& sync : a.syncs) {
    std::string path = a.dir + "/store_bench_" + sync + ".db";
    // With both modes, "full" (slower, same code path) writes fewer.
    int64_t n = sync == "full" && a.syncs.size() > 1 ? a.full_n : a.n;
    auto store = WritePhase(a, sync, n, path);
    if (!searchable && n == a.n) {
      searchable = std::move(store);
      searchable_path = path;
    } else if (!a.keep) {
      store.reset();
      RemoveDb(path);
    }
  }
  if (searchable) {
    SearchPhase(a, *searchable, a.n, "");
    // Back-fill: a year-old history arrives after the live stream (ids no
    // longer follow time for these rows).
    Generator gen(5);
    int64_t back = a.n / 10;
    std::vector<Mention> batch;
    for (int64_t done = 0; done < back;) {
      batch.clear();
      int64_t len = std::min<int64_t>(a.batch, back - done);
      for (int64_t i = 0; i < len; ++i) {
        batch.push_back(gen.Next(a.n + done + i, kT0 - 365LL * 86'400'000, kStep));
        batch.back().native_id = "old" + std::to_string(done + i);
      }
      auto r = searchable->Write(batch, {}, nullptr);
      if (!r.ok()) Die("backfill", r.status());
      done += len;
    }
    std::printf("after back-filling %lld older mentions:\n", static_cast<long long>(back));
    SearchPhase(a, *searchable, a.n, "[backfilled]");
    searchable.reset();
    if (!a.keep) RemoveDb(searchable_path);
  }
  return 0;
}
