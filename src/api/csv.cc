#include "api/csv.h"

#include <charconv>
#include <cstdio>
#include <ctime>

namespace ecoute::api {

void AppendCsvText(std::string& out, std::string_view cell) {
  const bool guard = !cell.empty() && std::string_view("=+-@\t\r").find(cell.front()) != std::string_view::npos;
  const bool quote = cell.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    if (guard) out += '\'';
    out.append(cell);
    return;
  }
  out += '"';
  if (guard) out += '\'';
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void CsvLine::Separate() {
  if (!first_) out_ += ',';
  first_ = false;
}

CsvLine& CsvLine::Text(std::string_view s) {
  Separate();
  AppendCsvText(out_, s);
  return *this;
}

CsvLine& CsvLine::Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string joined;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) joined += sep;
    joined += items[i];
  }
  return Text(joined);
}

CsvLine& CsvLine::Int(int64_t v) {
  Separate();
  AppendInt(out_, v);
  return *this;
}

CsvLine& CsvLine::Int(std::optional<int64_t> v) {
  if (!v) return Empty();
  return Int(*v);
}

CsvLine& CsvLine::Number(std::optional<double> v) {
  Separate();
  if (!v) return *this;
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *v);
  if (ec == std::errc()) out_.append(buf, end);
  return *this;
}

CsvLine& CsvLine::Bool(std::optional<bool> v) {
  Separate();
  if (v) out_ += *v ? "true" : "false";
  return *this;
}

CsvLine& CsvLine::Time(base::Timestamp t) {
  Separate();
  if (t != 0) out_ += base::FormatTimestamp(t);
  return *this;
}

CsvLine& CsvLine::Empty() {
  Separate();
  return *this;
}

void CsvLine::End() {
  out_ += "\r\n";
  first_ = true;
}

std::string CsvHeader(const std::vector<std::string_view>& columns, bool bom) {
  std::string out;
  if (bom) out += kUtf8Bom;
  CsvLine line(out);
  for (std::string_view c : columns) line.Text(c);
  line.End();
  return out;
}

std::string CsvAttachment(std::string_view what, base::Timestamp now) {
  const std::time_t secs = static_cast<std::time_t>(now / 1000 - (now % 1000 < 0 ? 1 : 0));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[64];
  std::snprintf(stamp, sizeof stamp, "%04d%02d%02d-%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min);
  return "attachment; filename=\"ecoute-" + std::string(what) + "-" + stamp + ".csv\"";
}

Reply CsvReply(std::string_view what, base::Timestamp now) {
  Reply r;
  r.content_type = kCsvType;
  r.headers = {{"Content-Disposition", CsvAttachment(what, now)},
               {"Cache-Control", "no-store"},
               {"X-Content-Type-Options", "nosniff"}};
  return r;
}

}  // namespace ecoute::api
