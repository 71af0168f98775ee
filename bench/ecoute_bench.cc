// ecoute_bench: the measurements `make bench` needs beyond `ecoute import
// --stats` (scripts/bench.sh runs everything and prints a report).
//
//   ecoute_bench search --db FILE [--queries N]
//       p50/p95/p99 latency of two-word full-text queries, newest first,
//       limit 50, over the stored mentions (in-process, as the API does).
//   ecoute_bench http --url http://127.0.0.1:PORT --file demo.jsonl
//                     [--batch 1000] [--connections 4] [--limit N]
//       POSTs the file to /api/v1/mentions in batches of JSON lines from
//       several connections; prints messages/s and per-request latency.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "store/sqlite_store.h"

namespace {

using Clock = std::chrono::steady_clock;

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
  return v[i];
}

int Search(const std::string& db, int queries) {
  ecoute::store::SqliteOptions o;
  o.path = db;
  auto store = ecoute::store::OpenSqliteStore(o);
  if (!store.ok()) {
    std::fprintf(stderr, "ecoute_bench: %s\n", store.status().ToString().c_str());
    return 1;
  }
  // Two-word queries of the kind care teams type, French and English, from
  // rare to very common words in the demo stream.
  const std::vector<std::string> pairs = {
      "colis retard",      "livraison colis",   "remboursement commande", "réseau coupé",
      "parcel delivery",   "refund order",      "service client",         "customer service",
      "facture prélèvement", "internet panne",  "résilier abonnement",    "account locked",
      "vol annulé",        "flight cancelled",  "carte bloquée",          "telemax fibre",
      "merci équipe",      "thank you",         "appli bug",              "app crash"};
  std::vector<double> ms;
  size_t total_hits = 0;
  for (int i = 0; i < queries; ++i) {
    ecoute::store::MentionFilter f;
    f.text = pairs[static_cast<size_t>(i) % pairs.size()];
    f.limit = 50;
    auto t0 = Clock::now();
    auto page = (*store)->Search(f);
    double elapsed = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (!page.ok()) {
      std::fprintf(stderr, "ecoute_bench: %s\n", page.status().ToString().c_str());
      return 1;
    }
    total_hits += page->items.size();
    ms.push_back(elapsed);
  }
  auto counts = (*store)->Counts();
  std::printf("search: %d two-word queries over %lld mentions: p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  max %.1f ms"
              "  (%.1f results/query)\n",
              queries, counts.ok() ? static_cast<long long>(counts->mentions) : -1LL, Percentile(ms, 0.5),
              Percentile(ms, 0.95), Percentile(ms, 0.99), Percentile(ms, 1.0),
              static_cast<double>(total_hits) / queries);
  return 0;
}

int Http(const std::string& url, const std::string& file, size_t batch, int connections, size_t limit) {
  std::ifstream in(file);
  if (!in) {
    std::fprintf(stderr, "ecoute_bench: cannot read %s\n", file.c_str());
    return 1;
  }
  // Pre-build the request bodies so the client costs little while measuring.
  std::vector<std::string> bodies;
  std::string line, body;
  size_t n = 0, in_body = 0;
  while (n < limit && std::getline(in, line)) {
    body += line;
    body += '\n';
    ++n;
    if (++in_body == batch) {
      bodies.push_back(std::move(body));
      body.clear();
      in_body = 0;
    }
  }
  if (!body.empty()) bodies.push_back(std::move(body));

  std::atomic<size_t> next{0};
  std::atomic<uint64_t> accepted{0};
  std::atomic<int> errors{0};
  std::mutex mu;
  std::vector<double> latencies;
  auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&] {
      httplib::Client client(url);
      client.set_read_timeout(120, 0);
      client.set_keep_alive(true);
      std::vector<double> mine;
      for (size_t i = next++; i < bodies.size(); i = next++) {
        auto r0 = Clock::now();
        auto res = client.Post("/api/v1/mentions", bodies[i], "application/x-ndjson");
        mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - r0).count());
        if (!res || res->status != 200) {
          if (errors++ < 3)
            std::fprintf(stderr, "ecoute_bench: POST failed: %s\n",
                         res ? (std::to_string(res->status) + " " + res->body.substr(0, 200)).c_str()
                             : httplib::to_string(res.error()).c_str());
          continue;
        }
        auto pos = res->body.find("\"accepted\":");
        if (pos != std::string::npos) accepted += std::stoull(res->body.substr(pos + 11));
      }
      std::lock_guard lock(mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("http: %zu messages in %zu POSTs of %zu over %d connections: %.2f s = %.0f messages/s;"
              " accepted %llu; errors %d; request p50 %.1f ms p99 %.1f ms\n",
              n, bodies.size(), batch, connections, seconds, static_cast<double>(n) / seconds,
              static_cast<unsigned long long>(accepted.load()), errors.load(), Percentile(latencies, 0.5),
              Percentile(latencies, 0.99));
  return errors.load() == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ecoute benchmarks (see scripts/bench.sh)"};
  app.require_subcommand(1);
  std::string db, url, file;
  int queries = 400, connections = 4;
  size_t batch = 1000, limit = SIZE_MAX;
  CLI::App* search = app.add_subcommand("search", "Full-text search latency");
  search->add_option("--db", db)->required();
  search->add_option("--queries", queries);
  CLI::App* http = app.add_subcommand("http", "HTTP ingest throughput");
  http->add_option("--url", url)->required();
  http->add_option("--file", file)->required();
  http->add_option("--batch", batch);
  http->add_option("--connections", connections);
  http->add_option("--limit", limit);
  CLI11_PARSE(app, argc, argv);
  if (*search) return Search(db, queries);
  return Http(url, file, batch, connections, limit);
}
