// Throughput of ContactStore::ResolveBatch on one core: batches of 500
// generated inbound mentions (tweets, e-mails with order numbers, calls
// with transcripts, SMS), 60% from authors already known, on a database
// file. Prints mentions per second, with inference on and off.
//
//   contacts_bench [mentions=200000] [db path=/tmp/contacts_bench.db]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "base/clock.h"
#include "contacts/contact_store.h"

namespace {

using ecoute::contacts::ContactOptions;
using ecoute::contacts::ContactStore;
using ecoute::model::Channel;
using ecoute::model::Mention;

constexpr int kBatch = 500;
constexpr int64_t kStart = 1'710'115'200'000;

const char* kFirst[] = {"Jean", "Marie", "Pierre", "Sophie", "Luc", "Camille", "Paul", "Julie", "Hugo", "Léa"};
const char* kLast[] = {"Dupont", "Martin", "Bernard", "Durand", "Lefèvre", "Moreau", "Simon", "Laurent", "Michel"};
const char* kCategories[] = {"delivery", "billing", "outage", "none", "account"};

std::vector<Mention> Generate(int n, std::mt19937_64& rng) {
  std::vector<Mention> out;
  out.reserve(static_cast<size_t>(n));
  const int people = n / 3 + 1;  // ~60% of mentions from an author seen before
  for (int i = 0; i < n; ++i) {
    const int person = static_cast<int>(rng() % static_cast<uint64_t>(people));
    Mention m;
    m.id = i + 1;
    m.native_id = "bench-" + std::to_string(i);
    m.direction = ecoute::model::Direction::kInbound;
    m.created_at = kStart + int64_t{i} * 7'000;
    // One person in ten has a common name; the others' are rarer.
    m.author.display_name = std::string(kFirst[person % 10]) + " " + kLast[(person / 10) % 9];
    if (person % 10 != 0)
      for (int p = person / 90 + 1; p > 0; p /= 26) m.author.display_name += static_cast<char>('a' + p % 26);
    m.enrichment.category = kCategories[rng() % 5];
    char order[32];
    std::snprintf(order, sizeof order, "%04d-AB%02d", person % 10000, person % 97);
    switch (rng() % 4) {
      case 0:
        m.channel = Channel::kTwitter;
        m.author.handle = "user" + std::to_string(person);
        m.text = rng() % 3 == 0 ? std::string("@brand toujours rien pour ma commande ") + order + " !!! #sav"
                                : "@brand le service est vraiment lent aujourd'hui, c'est insupportable";
        break;
      case 1: {
        m.channel = Channel::kEmail;
        m.author.handle = "person" + std::to_string(person) + "@example.fr";
        m.title = "Réclamation";
        std::string body = "Bonjour,\n\nJe vous écris au sujet de ma commande ";
        body += order;
        body += " passée il y a deux semaines. ";
        for (int k = 0; k < 8; ++k) body += "Le colis n'est toujours pas arrivé et personne ne répond au téléphone. ";
        body += "\n\nCordialement,\n" + m.author.display_name + "\nTél : 06 " + std::to_string(10 + person % 89) +
                " 34 56 78\n";
        m.text = std::move(body);
        break;
      }
      case 2: {
        m.channel = Channel::kVoice;
        char phone[32];
        std::snprintf(phone, sizeof phone, "+33 6 %02d %02d %02d %02d", person % 100, (person / 100) % 100, 12, 34);
        m.author.handle = phone;
        m.author.display_name.clear();
        m.text = "oui bonjour c'est au sujet de ma facture, mon adresse est person" + std::to_string(person) +
                 "@example.fr et je voudrais un remboursement";
        break;
      }
      default: {
        m.channel = Channel::kSms;
        char phone[32];
        std::snprintf(phone, sizeof phone, "07 %02d %02d %02d %02d", person % 100, (person / 100) % 100, 56, 78);
        m.author.handle = phone;
        m.author.display_name.clear();
        m.text = "Merci de me rappeler";
        break;
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

void Run(const std::string& path, bool suggest, const std::vector<Mention>& mentions) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  ecoute::base::FakeClock clock(kStart);
  ContactOptions o;
  o.suggest = suggest;
  auto store = ContactStore::Open(path, o, clock);
  if (!store.ok()) {
    std::fprintf(stderr, "open: %s\n", store.status().ToString().c_str());
    std::exit(1);
  }
  const int64_t cpu0 = ecoute::base::ThreadCpuNanos();
  const auto t0 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < mentions.size(); i += kBatch) {
    const size_t n = std::min<size_t>(kBatch, mentions.size() - i);
    auto r = (*store)->ResolveBatch(std::span<const Mention>(mentions.data() + i, n));
    if (!r.ok()) {
      std::fprintf(stderr, "resolve: %s\n", r.status().ToString().c_str());
      std::exit(1);
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = static_cast<double>(ecoute::base::ThreadCpuNanos() - cpu0) / 1e9;
  auto pending = (*store)->Suggestions(0, "pending", 1000);
  std::printf("suggest=%s: %zu mentions in %.2f s (%.0f/s wall, %.0f/s cpu), %zu+ pending suggestions\n",
              suggest ? "on" : "off", mentions.size(), secs, static_cast<double>(mentions.size()) / secs,
              static_cast<double>(mentions.size()) / cpu, pending.ok() ? pending->size() : 0);
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 200'000;
  const std::string path = argc > 2 ? argv[2] : "/tmp/contacts_bench.db";
  std::mt19937_64 rng(42);
  const std::vector<Mention> mentions = Generate(n, rng);
  {
    auto x = ecoute::contacts::Extractor::Create({});
    const int64_t cpu0 = ecoute::base::ThreadCpuNanos();
    size_t found = 0, bytes = 0;
    for (const Mention& m : mentions) {
      found += x->Extract(m.text).size();
      bytes += m.text.size();
    }
    const double cpu = static_cast<double>(ecoute::base::ThreadCpuNanos() - cpu0) / 1e9;
    std::printf("extract: %zu texts (%zu bytes) in %.2f s cpu (%.1f us/text), %zu identifiers\n", mentions.size(),
                bytes, cpu, cpu * 1e6 / static_cast<double>(mentions.size()), found);
  }
  Run(path, true, mentions);
  Run(path, false, mentions);
  return 0;
}
