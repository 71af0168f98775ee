#include "store/sqlite_alerts.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace ecoute::store::internal {
namespace {

constexpr int kMaxLimit = 1000;

// The alerts columns in table order; ReadAlert and BindAlert follow it.
constexpr std::string_view kAlertColumns =
    "id, rule, kind, group_key, level, status, title, text, details_json, sample_ids, trigger_count, "
    "notified_count, suppressed_count, opened_at, last_trigger_at, acknowledged_at, acknowledged_by, "
    "resolved_at, resolved_by, note";
constexpr int kAlertColumnCount = 20;

// "INSERT ... ON CONFLICT(id) DO UPDATE" over every column of kAlertColumns.
std::string UpsertAlertSql() {
  std::string sql = "INSERT INTO alerts(" + std::string(kAlertColumns) + ") VALUES (";
  for (int i = 1; i <= kAlertColumnCount; ++i) sql += (i == 1 ? "?" : ",?") + std::to_string(i);
  sql += ") ON CONFLICT(id) DO UPDATE SET ";
  std::string_view cols = kAlertColumns.substr(kAlertColumns.find(',') + 2);  // all but id
  bool first = true;
  while (!cols.empty()) {
    const size_t comma = cols.find(',');
    const std::string_view col = cols.substr(0, comma);
    if (!first) sql += ", ";
    first = false;
    sql += std::string(col) + " = excluded." + std::string(col);
    cols = comma == std::string_view::npos ? std::string_view() : cols.substr(comma + 2);
  }
  return sql;
}

// sample_ids as stored: a JSON array of integers; "" (NULL) when empty.
std::string EncodeSampleIds(const std::vector<int64_t>& ids) {
  if (ids.empty()) return std::string();
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += std::to_string(ids[i]);
  }
  out.push_back(']');
  return out;
}

base::Status DecodeSampleIds(int64_t alert_id, std::string_view text, std::vector<int64_t>& out) {
  out.clear();
  if (text.empty()) return base::Status::Ok();
  const auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  auto bad = [&] {
    return base::Status::Corruption("alert " + std::to_string(alert_id) +
                                    ": column sample_ids: expected a JSON array of integers, got \"" +
                                    std::string(text.substr(0, 80)) + "\"");
  };
  if (!j.is_array()) return bad();
  out.reserve(j.size());
  for (const auto& v : j) {
    if (!v.is_number_integer()) return bad();
    out.push_back(v.get<int64_t>());
  }
  return base::Status::Ok();
}

// Binds `a` to ?1..?20 in kAlertColumns order; `samples` (EncodeSampleIds)
// must outlive the statement's reset.
void BindAlert(Stmt& st, const AlertRecord& a, const std::string& samples) {
  st.BindInt(1, a.id);
  st.BindText(2, a.rule);
  st.BindText(3, a.kind);
  st.BindText(4, a.group_key);
  st.BindText(5, a.level);
  st.BindText(6, AlertStatusName(a.status));
  st.BindText(7, a.title);
  st.BindText(8, a.text);
  st.BindTextOrNull(9, a.details_json);
  st.BindTextOrNull(10, samples);
  st.BindInt(11, a.trigger_count);
  st.BindInt(12, a.notified_count);
  st.BindInt(13, a.suppressed_count);
  st.BindInt(14, a.opened_at);
  st.BindInt(15, a.last_trigger_at);
  st.BindInt(16, a.acknowledged_at);
  st.BindText(17, a.acknowledged_by);
  st.BindInt(18, a.resolved_at);
  st.BindText(19, a.resolved_by);
  st.BindText(20, a.note);
}

// The current row of a SELECT of kAlertColumns.
base::Result<AlertRecord> ReadAlert(const Stmt& st) {
  AlertRecord a;
  a.id = st.Int(0);
  a.rule = st.Text(1);
  a.kind = st.Text(2);
  a.group_key = st.Text(3);
  a.level = st.Text(4);
  auto status = ParseAlertStatus(st.Text(5));
  if (!status)
    return base::Status::Corruption("alert " + std::to_string(a.id) + ": column status: unknown status \"" +
                                    std::string(st.Text(5)) + "\"");
  a.status = *status;
  a.title = st.Text(6);
  a.text = st.Text(7);
  a.details_json = st.Text(8);
  ECOUTE_RETURN_IF_ERROR(DecodeSampleIds(a.id, st.Text(9), a.sample_ids));
  a.trigger_count = st.Int(10);
  a.notified_count = st.Int(11);
  a.suppressed_count = st.Int(12);
  a.opened_at = st.Int(13);
  a.last_trigger_at = st.Int(14);
  a.acknowledged_at = st.Int(15);
  a.acknowledged_by = st.Text(16);
  a.resolved_at = st.Int(17);
  a.resolved_by = st.Text(18);
  a.note = st.Text(19);
  return a;
}

// The paging arguments every listing shares.
base::Status CheckPage(int limit, int64_t before_id) {
  if (limit < 1 || limit > kMaxLimit)
    return base::Status::InvalidArgument("limit: " + std::to_string(limit) + ": expected 1 to " +
                                         std::to_string(kMaxLimit));
  if (before_id < 0)
    return base::Status::InvalidArgument("before_id: " + std::to_string(before_id) +
                                         ": expected an id, or 0 for the newest");
  return base::Status::Ok();
}

bool IsAlertRuleName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
          c == '-'))
      return false;
  return true;
}

// A name for an error message: at most 80 bytes, non-printable bytes as '?'.
std::string Shown(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 80)) out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  return out;
}

}  // namespace

// ---- alerts -------------------------------------------------------------------

base::Status CheckAlert(const AlertRecord& alert) {
  if (alert.id <= 0)
    return base::Status::InvalidArgument("alert id " + std::to_string(alert.id) +
                                         ": expected a positive id (the alert engine numbers alerts)");
  return base::Status::Ok();
}

base::Status PutAlert(CachedDb w, const AlertRecord& alert, std::span<const AlertHistoryEntry> history) {
  static const std::string kUpsert = UpsertAlertSql();
  const std::string samples = EncodeSampleIds(alert.sample_ids);
  {
    ECOUTE_ASSIGN_OR_RETURN(Stmt * st, w.Prepare(kUpsert, "save alert"));
    ResetOnExit reset(*st);
    BindAlert(*st, alert, samples);
    ECOUTE_RETURN_IF_ERROR(st->Run());
  }
  if (history.empty()) return base::Status::Ok();
  ECOUTE_ASSIGN_OR_RETURN(
      Stmt * add, w.Prepare("INSERT INTO alert_history(alert_id, at, type, actor, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
                            "add alert history"));
  for (const AlertHistoryEntry& h : history) {
    ResetOnExit reset(*add);
    add->BindInt(1, alert.id);
    add->BindInt(2, h.at);
    add->BindText(3, h.type);
    add->BindText(4, h.actor);
    add->BindText(5, h.detail);
    ECOUTE_RETURN_IF_ERROR(add->Run());
  }
  return base::Status::Ok();
}

base::Result<std::vector<AlertRecord>> ListAlerts(CachedDb r, const AlertFilter& f) {
  ECOUTE_RETURN_IF_ERROR(CheckPage(f.limit, f.before_id));
  std::string sql = "SELECT " + std::string(kAlertColumns) + " FROM alerts WHERE 1";
  // Each status once: the SQL (and so the cached statement) depends only on
  // which conditions are set.
  std::vector<std::string_view> statuses;
  for (AlertStatus s : f.statuses) statuses.push_back(AlertStatusName(s));
  std::sort(statuses.begin(), statuses.end());
  statuses.erase(std::unique(statuses.begin(), statuses.end()), statuses.end());
  if (!statuses.empty()) {
    sql += " AND status IN (";
    for (size_t i = 0; i < statuses.size(); ++i) sql += i == 0 ? "?" : ",?";
    sql += ")";
  }
  if (!f.rule.empty()) sql += " AND rule = ?";
  if (!f.kind.empty()) sql += " AND kind = ?";
  if (f.since != 0) sql += " AND opened_at >= ?";
  if (f.until != 0) sql += " AND opened_at < ?";
  if (f.before_id != 0) sql += " AND id < ?";
  sql += " ORDER BY id DESC LIMIT ?";
  ECOUTE_ASSIGN_OR_RETURN(Stmt * st, r.Prepare(sql, "list alerts"));
  ResetOnExit reset(*st);
  int i = 1;
  for (std::string_view s : statuses) st->BindText(i++, s);
  if (!f.rule.empty()) st->BindText(i++, f.rule);
  if (!f.kind.empty()) st->BindText(i++, f.kind);
  if (f.since != 0) st->BindInt(i++, f.since);
  if (f.until != 0) st->BindInt(i++, f.until);
  if (f.before_id != 0) st->BindInt(i++, f.before_id);
  st->BindInt(i, f.limit);
  std::vector<AlertRecord> out;
  for (;;) {
    ECOUTE_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    ECOUTE_ASSIGN_OR_RETURN(AlertRecord a, ReadAlert(*st));
    out.push_back(std::move(a));
  }
  return out;
}

base::Result<std::optional<AlertRecord>> FindAlert(CachedDb r, int64_t id) {
  static const std::string kSql = "SELECT " + std::string(kAlertColumns) + " FROM alerts WHERE id = ?";
  ECOUTE_ASSIGN_OR_RETURN(Stmt * st, r.Prepare(kSql, "get alert"));
  ResetOnExit reset(*st);
  st->BindInt(1, id);
  ECOUTE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return std::optional<AlertRecord>();
  ECOUTE_ASSIGN_OR_RETURN(AlertRecord a, ReadAlert(*st));
  return std::optional<AlertRecord>(std::move(a));
}

base::Result<int64_t> MaxAlertIdIn(CachedDb r) {
  ECOUTE_ASSIGN_OR_RETURN(Stmt * st, r.Prepare("SELECT coalesce(max(id), 0) FROM alerts", "max alert id"));
  ResetOnExit reset(*st);
  ECOUTE_ASSIGN_OR_RETURN(bool row, st->Step());
  return row ? st->Int(0) : 0;
}

base::Result<AlertCounts> CountAlertsIn(CachedDb r, const std::string& rule,
                                        std::map<std::string, AlertCounts>* by_rule) {
  // Grouped by status alone, the status index answers; by rule, the rule
  // index (rule, id) is walked with a lookup of each row's status.
  std::string sql = by_rule ? "SELECT rule, status, count(*) FROM alerts" : "SELECT '', status, count(*) FROM alerts";
  if (!rule.empty()) sql += " WHERE rule = ?";
  sql += by_rule ? " GROUP BY rule, status" : " GROUP BY status";
  ECOUTE_ASSIGN_OR_RETURN(Stmt * st, r.Prepare(sql, "count alerts"));
  ResetOnExit reset(*st);
  if (!rule.empty()) st->BindText(1, rule);
  if (by_rule) by_rule->clear();
  AlertCounts total;
  auto add = [](AlertCounts& c, AlertStatus s, int64_t n) {
    (s == AlertStatus::kOpen ? c.open : s == AlertStatus::kAcknowledged ? c.acknowledged : c.resolved) += n;
  };
  for (;;) {
    ECOUTE_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    const std::optional<AlertStatus> status = ParseAlertStatus(st->Text(1));
    if (!status)
      return base::Status::Corruption("count alerts: column status: unknown status \"" + std::string(st->Text(1)) +
                                      "\"");
    const int64_t n = st->Int(2);
    add(total, *status, n);
    if (by_rule) add((*by_rule)[std::string(st->Text(0))], *status, n);
  }
  return total;
}

base::Result<std::vector<AlertHistoryEntry>> ListAlertHistory(CachedDb r, int64_t alert_id) {
  ECOUTE_ASSIGN_OR_RETURN(Stmt * st, r.Prepare("SELECT id, at, type, actor, detail FROM alert_history "
                                               "WHERE alert_id = ? ORDER BY id",
                                               "list alert history"));
  ResetOnExit reset(*st);
  st->BindInt(1, alert_id);
  std::vector<AlertHistoryEntry> out;
  for (;;) {
    ECOUTE_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    AlertHistoryEntry h;
    h.id = st->Int(0);
    h.alert_id = alert_id;
    h.at = st->Int(1);
    h.type = st->Text(2);
    h.actor = st->Text(3);
    h.detail = st->Text(4);
    out.push_back(std::move(h));
  }
  return out;
}

// ---- the delivery log -------------------------------------------------------------

base::Status PutDeliveries(CachedDb w, std::span<const DeliveryRecord> deliveries) {
  ECOUTE_ASSIGN_OR_RETURN(
      Stmt * st, w.Prepare("INSERT INTO alert_deliveries(alert_id, event_id, notifier, attempt, state, code, error, "
                           "latency_ms, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                           "add delivery"));
  for (size_t i = 0; i < deliveries.size(); ++i) {
    const DeliveryRecord& d = deliveries[i];
    ResetOnExit reset(*st);
    st->BindInt(1, d.alert_id);
    st->BindText(2, d.event_id);
    st->BindText(3, d.notifier);
    st->BindInt(4, d.attempt);
    st->BindText(5, d.state);
    st->BindInt(6, d.code);
    st->BindText(7, d.error);
    st->BindInt(8, d.latency_ms);
    st->BindInt(9, d.at);
    base::Status s = st->Run();
    if (!s.ok()) return s.WithPrefix("deliveries[" + std::to_string(i) + "]");
  }
  return base::Status::Ok();
}

base::Result<std::vector<DeliveryRecord>> ListDeliveries(CachedDb r, const DeliveryFilter& f) {
  ECOUTE_RETURN_IF_ERROR(CheckPage(f.limit, f.before_id));
  std::string sql =
      "SELECT id, alert_id, event_id, notifier, attempt, state, code, error, latency_ms, at FROM alert_deliveries "
      "WHERE 1";
  if (f.alert_id != 0) sql += " AND alert_id = ?";
  if (!f.notifier.empty()) sql += " AND notifier = ?";
  if (!f.state.empty()) sql += " AND state = ?";
  if (f.before_id != 0) sql += " AND id < ?";
  sql += " ORDER BY id DESC LIMIT ?";
  ECOUTE_ASSIGN_OR_RETURN(Stmt * st, r.Prepare(sql, "list deliveries"));
  ResetOnExit reset(*st);
  int i = 1;
  if (f.alert_id != 0) st->BindInt(i++, f.alert_id);
  if (!f.notifier.empty()) st->BindText(i++, f.notifier);
  if (!f.state.empty()) st->BindText(i++, f.state);
  if (f.before_id != 0) st->BindInt(i++, f.before_id);
  st->BindInt(i, f.limit);
  std::vector<DeliveryRecord> out;
  for (;;) {
    ECOUTE_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    DeliveryRecord d;
    d.id = st->Int(0);
    d.alert_id = st->Int(1);
    d.event_id = st->Text(2);
    d.notifier = st->Text(3);
    d.attempt = static_cast<int>(st->Int(4));
    d.state = st->Text(5);
    d.code = static_cast<int>(st->Int(6));
    d.error = st->Text(7);
    d.latency_ms = st->Int(8);
    d.at = st->Int(9);
    out.push_back(std::move(d));
  }
  return out;
}

// ---- alert rules -----------------------------------------------------------------

base::Result<std::vector<AlertRuleRecord>> ListAlertRules(CachedDb r) {
  ECOUTE_ASSIGN_OR_RETURN(Stmt * st, r.Prepare("SELECT id, name, definition_json, created_at, updated_at "
                                               "FROM alert_rules ORDER BY id",
                                               "list alert rules"));
  ResetOnExit reset(*st);
  std::vector<AlertRuleRecord> out;
  for (;;) {
    ECOUTE_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    AlertRuleRecord rule;
    rule.id = st->Int(0);
    rule.name = st->Text(1);
    rule.definition_json = st->Text(2);
    rule.created_at = st->Int(3);
    rule.updated_at = st->Int(4);
    out.push_back(std::move(rule));
  }
  return out;
}

base::Status CheckAlertRule(const AlertRuleRecord& rule) {
  if (!IsAlertRuleName(rule.name))
    return base::Status::InvalidArgument("alert rule name \"" + Shown(rule.name) +
                                         "\": expected 1 to 64 ASCII letters, digits, '_', '.' or '-'");
  if (std::all_of(rule.definition_json.begin(), rule.definition_json.end(),
                  [](char ch) { return static_cast<unsigned char>(ch) <= 0x20; }))
    return base::Status::InvalidArgument("alert rule \"" + rule.name + "\": empty definition");
  return base::Status::Ok();
}

base::Status PutAlertRule(CachedDb w, AlertRuleRecord& rule, base::Timestamp now) {
  if (rule.id < 0) return base::Status::NotFound("alert rule " + std::to_string(rule.id) + ": no such rule");
  if (rule.id != 0) {
    ECOUTE_ASSIGN_OR_RETURN(Stmt * find, w.Prepare("SELECT created_at FROM alert_rules WHERE id = ?", "find alert rule"));
    ResetOnExit reset(*find);
    find->BindInt(1, rule.id);
    ECOUTE_ASSIGN_OR_RETURN(bool row, find->Step());
    if (!row) return base::Status::NotFound("alert rule " + std::to_string(rule.id) + ": no such rule");
    rule.created_at = find->Int(0);
  } else {
    rule.created_at = now;
  }
  rule.updated_at = now;
  {
    ECOUTE_ASSIGN_OR_RETURN(Stmt * taken, w.Prepare("SELECT id FROM alert_rules WHERE name = ?1 AND id <> ?2",
                                                    "check alert rule name"));
    ResetOnExit reset(*taken);
    taken->BindText(1, rule.name);
    taken->BindInt(2, rule.id);
    ECOUTE_ASSIGN_OR_RETURN(bool clash, taken->Step());
    if (clash)
      return base::Status::AlreadyExists("alert rule name \"" + rule.name + "\" is taken by alert rule " +
                                         std::to_string(taken->Int(0)));
  }
  ECOUTE_ASSIGN_OR_RETURN(
      Stmt * put,
      w.Prepare(rule.id == 0 ? "INSERT INTO alert_rules(name, definition_json, created_at, updated_at) "
                               "VALUES (?1, ?2, ?3, ?4)"
                             : "UPDATE alert_rules SET name = ?1, definition_json = ?2, created_at = ?3, "
                               "updated_at = ?4 WHERE id = ?5",
                "save alert rule"));
  ResetOnExit reset(*put);
  put->BindText(1, rule.name);
  put->BindText(2, rule.definition_json);
  put->BindInt(3, rule.created_at);
  put->BindInt(4, rule.updated_at);
  if (rule.id != 0) put->BindInt(5, rule.id);
  ECOUTE_RETURN_IF_ERROR(put->Run());
  if (rule.id == 0) rule.id = sqlite3_last_insert_rowid(w.db);
  return base::Status::Ok();
}

base::Status RemoveAlertRule(CachedDb w, int64_t id) {
  ECOUTE_ASSIGN_OR_RETURN(Stmt * del, w.Prepare("DELETE FROM alert_rules WHERE id = ?", "delete alert rule"));
  ResetOnExit reset(*del);
  del->BindInt(1, id);
  ECOUTE_RETURN_IF_ERROR(del->Run());
  if (sqlite3_changes(w.db) == 0) return base::Status::NotFound("alert rule " + std::to_string(id) + ": no such rule");
  return base::Status::Ok();
}

}  // namespace ecoute::store::internal
