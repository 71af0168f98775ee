// Micro-benchmarks for the text module.
//
//   text_bench --benchmark_filter=Fold
//
// Inputs are synthetic but shaped like customer messages: French with
// accents, typographic apostrophes and non-breaking spaces, some emoji,
// mentions, hashtags and URLs. Benchmarks run in the order below; the two
// raw CLD2 baselines bracket the rest because the language benchmarks call
// TuneAllocatorForLanguageId(), as main does (see text.h).
#include <cstdio>  // CLD2's header uses FILE without including it.
#include <cstdlib>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <cld2/public/compact_lang_det.h>
#include <utf8proc.h>

#include "text/text.h"

namespace ecoute::text {
namespace {

const std::vector<std::string>& Tweets() {
  static const std::vector<std::string> kTweets = {
      "@free ma box ne marche plus depuis ce matin, c’est la 3e fois cette semaine 😡 #panne",
      "Bonjour @SNCF, train supprimé sans prévenir, remboursement toujours pas reçu. Inadmissible",
      "Merci au conseiller pour sa patience, le problème de facturation est enfin réglé ! 👍",
      "@orange impossible de joindre le service client, 45 min d’attente… https://t.co/Ab12Cd34",
      "@united my flight was cancelled and nobody at the gate can tell me when the next one leaves",
      "Hello, my order has not arrived yet and nobody answers the phone. Please call me back.",
      "Livraison prévue hier, toujours rien. Le suivi indique « en cours » depuis 5 jours #colis",
      "Thanks @AmazonHelp for the quick refund, your support team was really helpful today!",
      "Fibre coupée dans tout le quartier depuis 48h, aucune info sur https://free.fr/status ?",
      "Je résilie mon abonnement : trop de coupures, et la hotline ne répond jamais. #Bouygues",
      "Super expérience en boutique, vendeuse très à l’écoute et de bon conseil. Je recommande",
      "Why does the app keep logging me out? Reinstalled twice already. @Spotify @SpotifyCares",
      "Colis endommagé à l’arrivée, la boîte était ouverte. Que faire ? @LaPoste_Suivi",
      "Facture de 89 € alors que mon forfait est à 19,99 €… Quelqu’un peut m’expliquer ?",
      "Great service at the Paris store today, staff were friendly and the repair took 20 minutes",
      "Encore une panne de réseau mobile à Lyon ce soir, plus de 4G ni d’appels #SFR #panne",
  };
  return kTweets;
}

std::string FrenchText(size_t bytes) {
  const std::string para =
      "Bonjour, je vous écris car ma commande n° 48213 n’est toujours pas arrivée. Le suivi "
      "indique « colis en cours d’acheminement » depuis le 12 mars, et le service client ne "
      "répond pas. J’ai déjà appelé trois fois : à chaque fois, on m’a promis un rappel sous "
      "48 heures. C’est très décevant, surtout pour un cadeau d’anniversaire. Pouvez-vous "
      "vérifier où se trouve mon colis et me tenir informé ? Merci d’avance. Cœur brisé 💔\n";
  std::string s;
  while (s.size() < bytes) s += para;
  return s;
}

std::string AsciiText(size_t bytes) {
  const std::string para =
      "Hello, my order 48213 has still not arrived. Tracking says in transit since March 12 "
      "and customer service does not answer. I called three times and was promised a call "
      "back within 48 hours. Very disappointing. Could you check where my parcel is? Thanks.\n";
  std::string s;
  while (s.size() < bytes) s += para;
  return s;
}

int64_t TotalBytes(const std::vector<std::string>& v) {
  int64_t n = 0;
  for (const std::string& s : v) n += static_cast<int64_t>(s.size());
  return n;
}

// Raw CLD2 on tweets with glibc's default malloc settings (runs first).
void BM_Cld2RawDefaultMalloc(benchmark::State& state) {
  const auto& tweets = Tweets();
  size_t i = 0;
  for (auto _ : state) {
    const std::string& t = tweets[i++ % tweets.size()];
    bool reliable = false;
    benchmark::DoNotOptimize(
        CLD2::DetectLanguage(t.data(), static_cast<int>(t.size()), true, &reliable));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Cld2RawDefaultMalloc);

void BM_IsValidUtf8French(benchmark::State& state) {
  const std::string s = FrenchText(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(IsValidUtf8(s));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(s.size()));
}
BENCHMARK(BM_IsValidUtf8French)->Arg(120)->Arg(64 << 10);

void BM_IsValidUtf8Ascii(benchmark::State& state) {
  const std::string s = AsciiText(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(IsValidUtf8(s));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(s.size()));
}
BENCHMARK(BM_IsValidUtf8Ascii)->Arg(64 << 10);

void BM_FoldFrench(benchmark::State& state) {
  const std::string s = FrenchText(static_cast<size_t>(state.range(0)));
  std::string out;
  for (auto _ : state) {
    out.clear();
    FoldAppend(s, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(s.size()));
}
BENCHMARK(BM_FoldFrench)->Arg(120)->Arg(64 << 10);

void BM_FoldAscii(benchmark::State& state) {
  const std::string s = AsciiText(static_cast<size_t>(state.range(0)));
  std::string out;
  for (auto _ : state) {
    out.clear();
    FoldAppend(s, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(s.size()));
}
BENCHMARK(BM_FoldAscii)->Arg(120)->Arg(64 << 10);

void BM_FoldTweets(benchmark::State& state) {
  const auto& tweets = Tweets();
  std::string out;
  for (auto _ : state) {
    for (const std::string& t : tweets) {
      out.clear();
      FoldAppend(t, out);
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetBytesProcessed(state.iterations() * TotalBytes(tweets));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(tweets.size()));
}
BENCHMARK(BM_FoldTweets);

// Baseline: utf8proc_map on the whole string (what Fold would cost without
// the tables).
void BM_Utf8procMapFrench(benchmark::State& state) {
  const std::string s = FrenchText(static_cast<size_t>(state.range(0)));
  const auto options = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT |
                                                      UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                                                      UTF8PROC_STRIPMARK);
  for (auto _ : state) {
    utf8proc_uint8_t* out = nullptr;
    benchmark::DoNotOptimize(utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                                          static_cast<utf8proc_ssize_t>(s.size()), &out, options));
    free(out);  // NOLINT: utf8proc returns malloc'ed memory
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(s.size()));
}
BENCHMARK(BM_Utf8procMapFrench)->Arg(64 << 10);

void BM_ExtractEntitiesTweets(benchmark::State& state) {
  const auto& tweets = Tweets();
  for (auto _ : state) {
    for (const std::string& t : tweets) benchmark::DoNotOptimize(ExtractEntities(t));
  }
  state.SetBytesProcessed(state.iterations() * TotalBytes(tweets));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(tweets.size()));
}
BENCHMARK(BM_ExtractEntitiesTweets);

void BM_DetectLanguageTweets(benchmark::State& state) {
  TuneAllocatorForLanguageId();  // as main does
  const auto& tweets = Tweets();
  for (auto _ : state) {
    for (const std::string& t : tweets) benchmark::DoNotOptimize(DetectLanguage(t));
  }
  state.SetBytesProcessed(state.iterations() * TotalBytes(tweets));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(tweets.size()));
}
BENCHMARK(BM_DetectLanguageTweets);

void BM_DetectLanguageLongText(benchmark::State& state) {
  TuneAllocatorForLanguageId();  // as main does
  const std::string s = FrenchText(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(DetectLanguage(s));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(s.size()));
}
BENCHMARK(BM_DetectLanguageLongText)->Arg(2 << 10)->Arg(64 << 10);

// The pipeline's per-message cost: entities + language for a tweet.
void BM_AnalyzeTweets(benchmark::State& state) {
  TuneAllocatorForLanguageId();  // as main does
  const auto& tweets = Tweets();
  std::vector<model::Mention> mentions(tweets.size());
  for (size_t k = 0; k < tweets.size(); ++k) mentions[k].text = tweets[k];
  for (auto _ : state) {
    for (model::Mention& m : mentions) {
      m.language_declared = false;
      Analyze(m);
      benchmark::DoNotOptimize(m.language.data());
    }
  }
  state.SetBytesProcessed(state.iterations() * TotalBytes(tweets));
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(tweets.size()));
}
BENCHMARK(BM_AnalyzeTweets);

void BM_AnalyzeDeclaredLanguage(benchmark::State& state) {
  TuneAllocatorForLanguageId();  // as main does
  const auto& tweets = Tweets();
  std::vector<model::Mention> mentions(tweets.size());
  for (size_t k = 0; k < tweets.size(); ++k) mentions[k].text = tweets[k];
  for (auto _ : state) {
    for (model::Mention& m : mentions) {
      m.language = "fr-FR";
      m.language_declared = true;
      Analyze(m);
      benchmark::DoNotOptimize(m.language.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(tweets.size()));
}
BENCHMARK(BM_AnalyzeDeclaredLanguage);

void BM_NormalizeLanguageTag(benchmark::State& state) {
  const std::vector<std::string> tags = {"fr-FR", "en", "French", "pt_BR", "zho", "xx"};
  for (auto _ : state) {
    for (const std::string& t : tags) benchmark::DoNotOptimize(NormalizeLanguageTag(t));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(tags.size()));
}
BENCHMARK(BM_NormalizeLanguageTag);

// Raw CLD2 again, with the malloc top padding that main sets.
void BM_Cld2RawTunedMalloc(benchmark::State& state) {
  TuneAllocatorForLanguageId();  // as main does
  BM_Cld2RawDefaultMalloc(state);
}
BENCHMARK(BM_Cld2RawTunedMalloc);

}  // namespace
}  // namespace ecoute::text

BENCHMARK_MAIN();
