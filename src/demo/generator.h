// Demo data: an endless, deterministic stream of realistic French and English
// customer messages about a few fictional brands, on every channel.
//
// The generator is for first runs (`make run`, `serve --demo`), tests and
// benchmarks. Every message carries its ground truth in attributes, so that
// language identification and the classifiers can be evaluated on it:
//   demo.lang        fr | en   (the language itself is left undeclared: "und")
//   demo.intent      complaint | question | praise | chatter | news | noise | reply
//   demo.category    delivery | returns_refunds | customer_service | product |
//                    billing | cancellation | account_technical | none
//   demo.needs_reply true | false
//   demo.severity    none | low | medium | high | critical
//   demo.sentiment   negative | neutral | positive
// and, for reference: demo.brand (brand name), demo.scenario (content id,
// the same in both languages), demo.cue (severity cue, when one was added),
// rating ("1".."5", reviews only), call_duration_s (voice only).
//
// All names, numbers, addresses and links are invented; domains are under the
// reserved .example TLD and phone numbers in ranges reserved for fiction.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "model/mention.h"

namespace ecoute::demo {

struct DemoOptions {
  uint64_t seed = 42;
  base::Timestamp start = 0;  // the stream starts just after this time (UTC ms)
  // Average rate over a week, replies included. The rate follows a daily
  // rhythm in Paris standard time (UTC+1): quiet nights, a lunch peak, busier
  // weekday evenings; weekend days have the same total but a later, flatter
  // shape. Valid range: (0, 1e9]; the generator uses at least 0.001.
  double messages_per_day = 2000;
  double french_share = 0.55;  // share of French messages, in [0, 1]
};

// InvalidArgument naming the field when an option is out of range (NaN,
// messages_per_day <= 0 or > 1e9, french_share outside [0, 1]).
base::Status ValidateOptions(const DemoOptions& options);

class DemoGenerator {
 public:
  // Out-of-range options are clamped into range (see ValidateOptions to
  // report them instead); the constructor never fails.
  explicit DemoGenerator(DemoOptions options);
  ~DemoGenerator();
  DemoGenerator(DemoGenerator&&) noexcept;
  DemoGenerator& operator=(DemoGenerator&&) noexcept;
  DemoGenerator(const DemoGenerator&) = delete;
  DemoGenerator& operator=(const DemoGenerator&) = delete;

  // The next message, in non-decreasing created_at order. The same options
  // give the same sequence on any platform (own PRNG, integer arithmetic).
  // native_id is unique per channel ("demo-tw-00000123"); reply_to,
  // reshare_of and quote_of name earlier messages of the same channel. Memory
  // stays bounded however many messages are drawn. Not thread-safe: use one
  // generator per thread.
  model::Mention Next();

  // Messages returned so far.
  uint64_t count() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// A brand the demo talks about.
struct DemoBrand {
  std::string name;    // canonical, e.g. "Telemax"
  std::string handle;  // main social account, without '@'
  std::string care_handle;  // customer-care account (French), without '@'
  std::string sector;  // "telecom", "parcel delivery", "home retail", "bank", "airline"
  std::string kind;    // "brand" (ours) or "competitor"
  std::string website;  // "https://telemax.example"
  std::vector<std::string> variants;     // spellings people use: TELEMAX, #telemax, @Telemax_FR...
  std::vector<std::string> competitors;  // names mentioned alongside it
};

// The six demo brands, in a fixed order. Thread-safe.
const std::vector<DemoBrand>& DemoBrands();

// Monitored queries that fit the demo stream (docs/query-language.md): one
// per brand (its spellings, kind "brand" or "competitor"), topic queries
// (delivery, refunds, outages, legal threats...) and one that combines
// others by reference. `serve --demo` installs them into an empty store.
struct DemoQuery {
  std::string name;
  std::string kind;  // brand | competitor | topic
  std::string text;
  std::string description;
};
const std::vector<DemoQuery>& DemoQueries();

}  // namespace ecoute::demo
