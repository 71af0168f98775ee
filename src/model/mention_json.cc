#include "model/mention_json.h"

#include <cmath>

namespace ecoute::model {

using nlohmann::json;

json MentionToJson(const Mention& m) {
  json j = json::object();
  if (m.id != 0) j["id"] = m.id;
  j["channel"] = std::string(ChannelName(m.channel));
  j["native_id"] = m.native_id;
  if (!m.source.empty()) j["source"] = m.source;
  if (!m.url.empty()) j["url"] = m.url;
  json a = json::object();
  if (!m.author.handle.empty()) a["handle"] = m.author.handle;
  if (!m.author.display_name.empty()) a["name"] = m.author.display_name;
  if (m.author.followers) a["followers"] = *m.author.followers;
  if (m.author.verified) a["verified"] = true;
  if (!a.empty()) j["author"] = std::move(a);
  if (m.direction != Direction::kUnknown) j["direction"] = std::string(DirectionName(m.direction));
  j["created_at"] = base::FormatTimestamp(m.created_at);
  if (!m.title.empty()) j["title"] = m.title;
  j["text"] = m.text;
  j["lang"] = m.language;
  if (m.language_confidence > 0)
    j["lang_confidence"] = std::round(static_cast<double>(m.language_confidence) * 1000) / 1000;
  if (m.language_declared) j["lang_declared"] = true;
  if (!m.reply_to.empty()) j["reply_to"] = m.reply_to;
  if (!m.reshare_of.empty()) j["reshare_of"] = m.reshare_of;
  if (!m.quote_of.empty()) j["quote_of"] = m.quote_of;
  if (!m.thread_id.empty()) j["thread_id"] = m.thread_id;
  const Engagement& e = m.engagement;
  if (e.likes || e.reshares || e.replies || e.quotes || e.views) {
    j["engagement"] = {{"likes", e.likes}, {"reshares", e.reshares}, {"replies", e.replies},
                       {"quotes", e.quotes}, {"views", e.views}};
  }
  if (!m.country.empty()) j["country"] = m.country;
  json ent = json::object();
  if (!m.entities.urls.empty()) ent["urls"] = m.entities.urls;
  if (!m.entities.mentions.empty()) ent["mentions"] = m.entities.mentions;
  if (!m.entities.hashtags.empty()) ent["hashtags"] = m.entities.hashtags;
  if (!ent.empty()) j["entities"] = std::move(ent);
  if (!m.attributes.empty()) j["attributes"] = m.attributes;
  const Enrichment& en = m.enrichment;
  if (!en.matched_queries.empty()) j["matched_queries"] = en.matched_queries;
  if (en.sentiment) j["sentiment"] = *en.sentiment;
  if (en.sentiment_score) j["sentiment_score"] = *en.sentiment_score;
  if (en.sentiment_polarity) j["sentiment_polarity"] = *en.sentiment_polarity;
  if (en.needs_reply) j["needs_reply"] = *en.needs_reply;
  if (en.needs_reply_score) j["needs_reply_score"] = *en.needs_reply_score;
  if (en.category) j["category"] = *en.category;
  if (en.category_score) j["category_score"] = *en.category_score;
  if (en.severity) j["severity"] = *en.severity;
  if (en.severity_level) j["severity_level"] = *en.severity_level;
  if (!en.severity_reasons.empty()) j["severity_reasons"] = en.severity_reasons;
  if (en.reach) j["reach"] = *en.reach;
  if (!en.corrected.empty()) j["corrected"] = en.corrected;
  return j;
}

std::string MentionToJsonLine(const Mention& m) {
  return MentionToJson(m).dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace ecoute::model
