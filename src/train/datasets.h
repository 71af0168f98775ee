// Labelled text sets for training and evaluating the understanding models.
//
// Each loader reads one public dataset (../shared/data, see its README for
// licences) or the project's own hand-written set (training/customer-care)
// into LabeledText rows. Loaders are only used by `ecoute train` and
// `ecoute eval`: nothing here is read when the product runs. Errors name the
// file and line.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace ecoute::train {

struct LabeledText {
  std::string id;
  std::string text;
  std::string lang;     // "fr", "en", ...
  std::string channel;  // model::ChannelName, "" when unknown
  std::optional<std::string> sentiment;  // negative | neutral | positive
  std::optional<bool> cr;                // needs a reply
  std::optional<std::string> category;   // "none" exactly when !cr
  std::optional<std::string> severity;   // level
  std::vector<std::string> reasons;
  float weight = 1;
  std::string origin;  // dataset name, for model cards
  std::string split;   // "train" / "test" when the file says
  std::string pair;    // parallel sets: the same message in several languages shares it
};

// training/customer-care/<lang>.jsonl and <lang>-*.jsonl; the rows whose
// `split` field is `split` ("train" or "test").
base::Result<std::vector<LabeledText>> LoadCare(const std::string& dir, const std::string& lang,
                                                const std::string& split);
// Any JSONL file with the same fields (id, text, lang, channel optional,
// sentiment, cr, category, severity optional): the `ecoute eval` input.
base::Result<std::vector<LabeledText>> LoadLabeledJsonl(const std::string& path);
// xlmt-sentiment/<language folder>/<split>_{text,labels}.txt; `lang` is the
// ISO code ("fr" -> french, ...), `split` "train" or "val".
base::Result<std::vector<LabeledText>> LoadXlmt(const std::string& shared, const std::string& lang,
                                                const std::string& split);
// airline-tweets/Tweets.csv. Every fifth tweet (by tweet id) is held out:
// `split` "train" gives the other four fifths, "test" the held-out fifth.
// Sentiment from airline_sentiment; negatives whose negativereason maps onto
// the taxonomy also get cr=true and a category (weak labels).
base::Result<std::vector<LabeledText>> LoadAirline(const std::string& shared, const std::string& split);
// french-tv-reviews/train.tsv or dev.tsv (binary positive/negative).
base::Result<std::vector<LabeledText>> LoadTvReviews(const std::string& shared, const std::string& split);
// twcs/spotifycares-inbound: customers' tweets to a care account (weak cr=true).
base::Result<std::vector<LabeledText>> LoadTwcsInbound(const std::string& shared, size_t limit);
// free-fr-tweets: real French tweets about an operator, unlabelled.
base::Result<std::vector<LabeledText>> LoadFreeFr(const std::string& shared);

}  // namespace ecoute::train
