// Case creation and routing throughput (issue 6 target: 10,000 messages/s
// of which 10% need a reply, with 10,000 open cases).
//
//   care_throughput_bench [messages] [db path]
//
// Feeds CareService::OnCommit batches of 500 stored-looking mentions (10%
// needing a reply, follow-ups in existing threads, brand answers), with
// 10,000 cases already open, through contact resolution, routing (5 rules
// in the query language), round-robin assignment to 20 online agents, SLA
// evaluation on the business-hours calendar and the CaseDb writes, and
// reports messages/s and cases/s of the care thread, end to end.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

#include "auth/directory.h"
#include "care/case_db.h"
#include "care/service.h"
#include "contacts/contact_store.h"
#include "store/sqlite_store.h"

using namespace ecoute;

namespace {

model::Mention Make(int64_t id, std::mt19937_64& rng, int64_t now, bool needs_reply, const std::string& thread) {
  static const char* kTexts[] = {
      "Mon colis n'est toujours pas arrivé, commande 4711-AB12", "Ma facture est fausse, prélèvement en double",
      "Impossible de me connecter à mon compte depuis hier", "Je veux résilier mon abonnement",
      "Le produit est arrivé cassé, je veux un remboursement", "Service client injoignable, 40 minutes d'attente",
      "Super service, merci à l'équipe", "Where is my parcel? order 99812345"};
  model::Mention m;
  m.id = id;
  m.channel = id % 3 == 0 ? model::Channel::kEmail : model::Channel::kTwitter;
  m.native_id = "b" + std::to_string(id);
  m.thread_id = thread.empty() ? m.native_id : thread;
  m.author.handle = m.channel == model::Channel::kEmail ? "user" + std::to_string(rng() % 50000) + "@example.fr"
                                                        : "user" + std::to_string(rng() % 50000);
  m.author.display_name = "User " + std::to_string(rng() % 50000);
  m.direction = model::Direction::kInbound;
  m.created_at = now;
  m.text = kTexts[rng() % 8];
  m.language = "fr";
  m.enrichment.needs_reply = needs_reply;
  m.enrichment.category = "delivery";
  m.enrichment.severity_level = "medium";
  m.enrichment.severity = 40;
  m.entities.mentions = {"AcmeSupport"};
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t total = argc > 1 ? std::atoll(argv[1]) : 200'000;
  const std::string path = argc > 2 ? argv[2] : "/tmp/ecoute-care-bench.db";
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  const base::Clock& clock = base::SystemClock();
  store::SqliteOptions so;
  so.path = path;
  so.synchronous = "normal";
  auto st = store::OpenSqliteStore(so);
  auto db = care::CaseDb::Open(path, clock);
  contacts::ContactOptions co;
  auto contacts = contacts::ContactStore::Open(path, co, clock);
  if (!st.ok() || !db.ok() || !contacts.ok()) {
    std::fprintf(stderr, "open failed\n");
    return 1;
  }
  auth::DirectoryOptions dopt;
  dopt.password_cost = auth::MinimalCost();
  auto dir = auth::Directory::Open(path, dopt);
  if (!dir.ok()) {
    std::fprintf(stderr, "%s\n", dir.status().ToString().c_str());
    return 1;
  }
  std::vector<int64_t> agent_ids;
  for (int i = 0; i < 20; ++i) {
    auth::User u;
    u.login = "agent" + std::to_string(i);
    u.role = auth::Role::kAgent;
    u.capacity = 1000;
    auto created = dir.value()->CreateUser(u, "bench-password-123", auth::Actor{"bench", ""});
    if (!created.ok()) return 1;
    agent_ids.push_back(created.value().id);
  }
  auth::Team team;
  team.name = "care";
  team.member_ids = agent_ids;
  if (!dir.value()->CreateTeam(team, auth::Actor{"bench", ""}).ok()) return 1;
  care::CareOptions options;
  const char* rules[][2] = {{"billing", "facture OR prélèvement OR remboursement"},
                            {"account", "connecter OR compte OR password"},
                            {"churn", "résilier OR cancel"},
                            {"delivery", "colis OR livraison OR parcel"},
                            {"english", "lang:en"}};
  for (auto& r : rules) {
    care::RoutingRule rr;
    rr.name = r[0];
    rr.when = r[1];
    rr.team = "care";
    options.settings.routing.push_back(rr);
  }
  options.settings.default_team = "care";
  care::SlaPolicy p;
  p.name = "std";
  p.calendar = "business_hours";
  p.default_targets = care::SlaTargets{180, 180, 27 * 60};
  options.settings.sla_policies.push_back(p);
  care::CareDeps deps;
  deps.cases = db.value().get();
  deps.contacts = contacts.value().get();
  deps.store = st.value().get();
  deps.directory = dir.value().get();
  auto svc = care::CareService::Create(options, deps);
  if (!svc.ok()) {
    std::fprintf(stderr, "%s\n", svc.status().ToString().c_str());
    return 1;
  }
  if (!svc.value()->Start().ok()) return 1;
  for (int64_t a : agent_ids) {
    if (!svc.value()->SetPresence(care::Actor{a, "agent", "", false}, care::Presence::kOnline).ok()) return 1;
  }
  std::mt19937_64 rng(7);
  int64_t id = 0;
  const int64_t t0 = clock.Now();
  // 10,000 open cases first.
  std::vector<std::string> threads;
  for (int b = 0; b < 20; ++b) {
    std::vector<model::Mention> batch;
    for (int i = 0; i < 500; ++i) {
      ++id;
      batch.push_back(Make(id, rng, t0, true, ""));
      threads.push_back(batch.back().thread_id);
    }
    svc.value()->OnCommit(batch);
  }
  svc.value()->Flush();
  std::printf("open cases before the run: %zu\n", svc.value()->Stats().active_cases);
  const uint64_t created_before = svc.value()->Stats().cases_created;
  auto start = std::chrono::steady_clock::now();
  int64_t sent = 0;
  while (sent < total) {
    std::vector<model::Mention> batch;
    for (int i = 0; i < 500 && sent < total; ++i, ++sent) {
      ++id;
      const uint64_t r = rng() % 100;
      if (r < 10) {
        batch.push_back(Make(id, rng, t0, true, ""));  // a new case
      } else if (r < 13) {
        batch.push_back(Make(id, rng, t0, false, threads[rng() % threads.size()]));  // a follow-up
      } else {
        batch.push_back(Make(id, rng, t0, false, ""));  // no reply needed
      }
    }
    svc.value()->OnCommit(batch);
  }
  svc.value()->Flush();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto stats = svc.value()->Stats();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("care: %lld messages in %.2f s = %.0f messages/s; %llu cases created = %.0f cases/s; %zu active cases; "
              "peak RSS %.0f MB\n",
              static_cast<long long>(total), s, static_cast<double>(total) / s,
              static_cast<unsigned long long>(stats.cases_created - created_before),
              static_cast<double>(stats.cases_created - created_before) / s, stats.active_cases,
              static_cast<double>(ru.ru_maxrss) / 1024);
  svc.value()->Stop();
  return 0;
}
