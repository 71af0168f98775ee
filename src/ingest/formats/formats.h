// The built-in decoders (docs/formats.md). Each returned decoder is
// immutable and thread-safe; share it between workers.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "base/status.h"
#include "ingest/decoder.h"
#include "ingest/input.h"


namespace ecoute::ingest::formats {

// ecoute JSON (the shape of model::MentionToJson), one object per record.
std::shared_ptr<const Decoder> MakeEcouteDecoder();

// Twitter API v2: a tweet object, a stream message {"data":{...},
// "includes":{...}} or a search page {"data":[...], "includes":{...}}.
std::shared_ptr<const Decoder> MakeTwitterV2Decoder();

// Per record: Twitter v2 when LooksLikeTwitterV2(), else ecoute JSON.
std::shared_ptr<const Decoder> MakeAutoJsonDecoder();

// Decode an already parsed record (the JSON decoders' Decode() parse then
// call these). `record` is the raw text, for rejections.
void DecodeEcouteJson(const simdjson::dom::element& root, std::string_view record, const Location& where,
                      std::vector<model::Mention>& out, std::vector<model::Rejection>& rejects);
void DecodeTwitterV2Json(const simdjson::dom::element& root, std::string_view record, const Location& where,
                         std::vector<model::Mention>& out, std::vector<model::Rejection>& rejects);

// True for an object with "data", or a bare tweet: "id" and "text" without
// ecoute's "native_id"/"channel".
bool LooksLikeTwitterV2(const simdjson::dom::element& root);

// "Customer Support on Twitter" CSV. `header` must hold tweet_id, author_id,
// inbound, created_at and text (other columns are ignored); InvalidArgument
// naming the missing columns otherwise.
base::Result<std::shared_ptr<const Decoder>> MakeTwcsDecoder(const std::vector<std::string>& header, char delimiter);
bool IsTwcsHeader(const std::vector<std::string>& header);

// Any CSV through a mapping. InvalidArgument when the mapping names an
// unknown field path, a column the header lacks (the message lists the
// header), an invalid default, or gives no text or created_at.
base::Result<std::shared_ptr<const Decoder>> MakeMappedCsvDecoder(const CsvMapping& mapping,
                                                                 const std::vector<std::string>& header);

// A mapping for a CSV whose header already uses field paths (text,
// created_at, author.handle, ...): those columns map to themselves, the
// others become attributes. InvalidArgument when text or created_at is
// missing.
base::Result<CsvMapping> IdentityMapping(const std::vector<std::string>& header, char delimiter);

// Mapped CSV fields: sets the field named by `path` from CSV text. Returns
// "" on success, else the reason ("expected an integer, got \"abc\"").
// Empty `value` leaves the field unchanged.
using FieldSetter = std::string (*)(model::Mention& m, std::string_view value);
FieldSetter FindFieldSetter(std::string_view path);  // nullptr for unknown paths
const std::vector<std::string_view>& FieldPaths();
std::string FieldPathList();  // "native_id, text, ..." for messages

}  // namespace ecoute::ingest::formats
