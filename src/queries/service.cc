#include "queries/service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "queries/candidates.h"

namespace ecoute::queries {
namespace {

// Knows every name: ReferencedNames() with it lists all the @names a query
// may refer to.
class AnyName : public match::QueryResolver {
 public:
  const match::Query* Find(std::string_view) const override { return &any_; }

 private:
  match::Query any_;
};

// The current definitions with one of them replaced (or added) and,
// optionally, one name hidden: what references resolve to once a change is
// saved.
class Overlay : public match::QueryResolver {
 public:
  Overlay(const match::QueryResolver& base, std::string_view hidden, std::string_view name, const match::Query* q)
      : base_(base), hidden_(hidden), name_(name), q_(q) {}
  const match::Query* Find(std::string_view n) const override {
    if (q_ != nullptr && n == name_) return q_;
    if (!hidden_.empty() && n == hidden_) return nullptr;
    return base_.Find(n);
  }

 private:
  const match::QueryResolver& base_;
  std::string_view hidden_;
  std::string_view name_;
  const match::Query* q_;
};

// Parses `text` for saving under `name` (may be empty: no cycle check):
// syntax with positions, then reference cycles. Messages are prefixed
// "query: "; `error_column` (may be null) receives a syntax error's column.
base::Result<match::Query> ParseForSave(std::string_view text, std::string_view name,
                                        const match::QueryResolver& resolver, int* error_column = nullptr) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return base::Status::InvalidArgument("query: is empty");
  match::ParseError pe;
  base::Result<match::Query> q = match::ParseWithError(text, &pe, &resolver);
  if (!q.ok()) {
    if (error_column != nullptr) *error_column = pe.column;
    return q.status().WithPrefix("query");
  }
  if (!name.empty()) {
    Overlay with_self(resolver, {}, name, &*q);
    base::Status cycles = match::CheckCycles(name, *q, with_self);
    if (!cycles.ok()) return cycles.WithPrefix("query");
  }
  return q;
}

BackfillState Pending() {
  BackfillState s;
  s.pending = true;
  return s;
}

// "a, b, c".
std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// One query compiled on its own (history search, backfill), with its
// full-text candidates (nullopt: every mention is one).
struct OneQuery {
  std::shared_ptr<const match::Engine> engine;
  std::optional<std::string> fts;
};
base::Result<OneQuery> CompileOne(int64_t id, std::string name, match::Query q,
                                  const match::QueryResolver* resolver) {
  OneQuery out;
  out.fts = CandidateFts(q, resolver);
  std::vector<match::CompiledQuery> one;
  one.push_back(match::CompiledQuery{id, std::move(name), std::move(q)});
  ECOUTE_ASSIGN_OR_RETURN(out.engine, match::Engine::Build(std::move(one), resolver));
  return out;
}

std::vector<int64_t> Ids(const std::vector<match::EngineMatch>& matches) {
  std::vector<int64_t> ids;
  ids.reserve(matches.size());
  for (const match::EngineMatch& m : matches) ids.push_back(m.query_id);
  return ids;
}

}  // namespace

class QueryService::NameIndex : public match::QueryResolver {
 public:
  const match::Query* Find(std::string_view name) const override {
    auto it = by_name.find(name);
    return it == by_name.end() ? nullptr : it->second.get();
  }
  std::map<std::string, std::shared_ptr<const match::Query>, std::less<>> by_name;
};

QueryService::QueryService(store::Store& store, ServiceOptions options)
    : store_(store), options_(std::move(options)) {
  base::MetricsRegistry& m = base::Metrics();
  live_gauge_ = m.GetGauge("ecoute_queries_live", "Monitored queries in the engine that matches new mentions");
  swaps_ = m.GetCounter("ecoute_query_engine_swaps_total", "Query engines compiled and swapped in");
  compile_seconds_ = m.GetHistogram("ecoute_query_engine_compile_seconds", "Time to compile all enabled queries");
  backfills_pending_ = m.GetGauge("ecoute_query_backfills_pending", "Queries whose history is being re-applied");
  backfill_scanned_ =
      m.GetCounter("ecoute_query_backfill_scanned_total", "Stored mentions examined by query backfills");
}

base::Result<std::unique_ptr<QueryService>> QueryService::Open(store::Store& store, ServiceOptions options) {
  std::unique_ptr<QueryService> s(new QueryService(store, std::move(options)));
  ECOUTE_ASSIGN_OR_RETURN(std::vector<store::QueryDef> defs, store.Queries());
  {
    std::lock_guard lock(s->mu_);
    for (store::QueryDef& d : defs) s->PutLocked(d, /*rebuild_resolver=*/false, /*queue_backfill=*/false);
    s->RebuildResolverLocked();
    // Stored history reflects the stored queries, except where a backfill
    // was under way when the last process stopped: resume those.
    for (const auto& [id, e] : s->entries_) {
      if (e.def.backfill_pending && e.def.enabled && e.parsed && s->options_.backfill) {
        s->backfill_queue_.insert(id);
        s->backfill_[id] = Pending();
        if (e.def.backfill_to) s->bounds_[id] = Bound{0, *e.def.backfill_to, /*persisted=*/true};
      }
    }
  }
  s->RebuildEngine(/*flush=*/false);
  s->thread_ = std::thread([p = s.get()] { p->Loop(); });
  return s;
}

QueryService::~QueryService() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  // Backfills that did not start: everything this process ingested is
  // committed (see the header), so the next process only has to cover the
  // mentions stored now.
  std::lock_guard lock(mu_);
  if (backfill_queue_.empty()) return;
  base::Result<int64_t> max_id = store_.MaxMentionId();
  if (!max_id.ok()) return;
  for (int64_t id : backfill_queue_) {
    auto b = bounds_.find(id);
    if (!entries_.count(id) || (b != bounds_.end() && b->second.persisted)) continue;
    const int64_t up_to = b != bounds_.end() && b->second.up_to ? std::min(*b->second.up_to, *max_id) : *max_id;
    if (base::Status s = store_.SetQueryBackfill(id, true, up_to); !s.ok()) spdlog::warn("queries: {}", s.ToString());
  }
}

// ---- definitions -----------------------------------------------------------

void QueryService::RebuildResolverLocked() {
  auto index = std::make_shared<NameIndex>();
  for (const auto& [id, en] : entries_) {
    if (en.parsed) index->by_name.emplace(en.def.name, en.parsed);
  }
  resolver_ = std::move(index);
}

void QueryService::PutLocked(const store::QueryDef& def, bool rebuild_resolver, bool queue_backfill) {
  Entry e;
  e.def = def;
  base::Result<match::Query> q = match::Parse(def.text);
  if (q.ok()) {
    static const AnyName kAnyName;
    e.refs = match::ReferencedNames(*q, &kAnyName);
    e.parsed = std::make_shared<const match::Query>(std::move(*q));
  } else {
    e.parse_error = q.status().message();
  }
  auto old = entries_.find(def.id);
  const bool backfill = queue_backfill && def.enabled && e.parsed &&
                        (old == entries_.end() || old->second.def.text != def.text || !old->second.def.enabled);
  entries_[def.id] = std::move(e);
  ++versions_[def.id];
  ++changes_;
  if (rebuild_resolver) RebuildResolverLocked();
  if (backfill && options_.backfill) {
    // The query, and every query that uses it through @references, matches
    // differently now.
    std::vector<std::string> todo = {def.name};
    std::set<int64_t> queued;
    while (!todo.empty()) {
      std::string name = std::move(todo.back());
      todo.pop_back();
      for (const auto& [id, en] : entries_) {
        if (queued.count(id) || !en.def.enabled || !en.parsed) continue;
        const bool uses = (id == def.id && name == def.name) ||
                          std::find(en.refs.begin(), en.refs.end(), name) != en.refs.end();
        if (!uses) continue;
        queued.insert(id);
        todo.push_back(en.def.name);
        ++versions_[id];  // restarts a backfill of it that is under way
        bounds_[id] = Bound{changes_, std::nullopt, false};
        backfill_queue_.insert(id);
        backfill_[id] = Pending();
        // Durable, so that a stop before the end resumes in the next process
        // (a new query was saved with the mark already).
        if (!en.def.backfill_pending) {
          if (base::Status marked = store_.SetQueryBackfill(id, true, std::nullopt); marked.ok()) {
            entries_[id].def.backfill_pending = true;
          } else {
            spdlog::warn("queries: {}", marked.ToString());
          }
        }
      }
    }
  }
  cv_.notify_all();
}

void QueryService::ForgetLocked(int64_t id) {
  entries_.erase(id);
  backfill_queue_.erase(id);
  backfill_.erase(id);
  bounds_.erase(id);
  compile_errors_.erase(id);
  ++versions_[id];  // stops a backfill of it under way
  ++changes_;
}

std::vector<std::string> QueryService::ReferrersLocked(std::string_view name, int64_t self) const {
  std::vector<std::string> out;
  for (const auto& [id, e] : entries_) {
    if (id == self) continue;
    if (std::find(e.refs.begin(), e.refs.end(), name) != e.refs.end()) out.push_back(e.def.name);
  }
  return out;
}

base::Status QueryService::ValidateLocked(const store::QueryDef& def, int64_t id) const {
  if (!match::IsValidQueryName(def.name))
    return base::Status::InvalidArgument("name: \"" + def.name + "\" must be 1-64 characters of A-Z a-z 0-9 _");
  for (const auto& [other, e] : entries_) {
    if (other != id && e.def.name == def.name)
      return base::Status::AlreadyExists("name: a query named \"" + def.name + "\" already exists (id " +
                                         std::to_string(other) + ")");
  }
  std::string old_name;
  if (auto it = entries_.find(id); it != entries_.end()) old_name = it->second.def.name;
  if (!old_name.empty() && old_name != def.name) {
    std::vector<std::string> refs = ReferrersLocked(old_name, id);
    if (!refs.empty())
      return base::Status::FailedPrecondition("name: cannot rename \"" + old_name + "\": used by " + JoinNames(refs));
  }
  Overlay resolver(*resolver_, old_name, {}, nullptr);
  base::Result<match::Query> q = ParseForSave(def.text, def.name, resolver);
  return q.status();
}

QueryInfo QueryService::InfoLocked(const Entry& e) const {
  QueryInfo info;
  info.def = e.def;
  if (e.parsed) {
    info.canonical = match::ToString(*e.parsed);
    info.warnings = match::Lint(*e.parsed, resolver_.get());  // @names resolve through the resolver
  }
  info.error = e.parse_error;
  if (auto it = compile_errors_.find(e.def.id); it != compile_errors_.end() && info.error.empty())
    info.error = it->second;
  info.live = live_ids_.count(e.def.id) > 0;
  if (auto it = backfill_.find(e.def.id); it != backfill_.end()) info.backfill = it->second;
  return info;
}

CheckResult QueryService::Check(std::string_view text, std::string_view name) const {
  std::lock_guard lock(mu_);
  CheckResult r;
  base::Result<match::Query> q = ParseForSave(text, name, *resolver_, &r.error_column);
  if (!q.ok()) {
    // Without the "query: " prefix: the text is the subject here.
    r.error = q.status().message().substr(std::string_view("query: ").size());
    return r;
  }
  r.valid = true;
  r.canonical = match::ToString(*q);
  r.tree = match::TreeString(*q);
  r.warnings = match::Lint(*q, resolver_.get());
  return r;
}

base::Result<QueryInfo> QueryService::Create(store::QueryDef def) {
  if (def.id != 0) return base::Status::InvalidArgument("id: must not be set when creating a query");
  if (def.origin.empty()) def.origin = "api";
  def.backfill_pending = def.enabled && options_.backfill;
  std::lock_guard lock(mu_);
  ECOUTE_RETURN_IF_ERROR(ValidateLocked(def, 0));
  ECOUTE_ASSIGN_OR_RETURN(store::QueryDef saved, store_.SaveQuery(def));
  PutLocked(saved);
  return InfoLocked(entries_.at(saved.id));
}

base::Result<QueryInfo> QueryService::Update(int64_t id, store::QueryDef def, bool allow_config) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return base::Status::NotFound("no query with id " + std::to_string(id));
  if (it->second.def.origin == "config" && !allow_config)
    return base::Status::FailedPrecondition("query \"" + it->second.def.name +
                                            "\" is defined in ecoute.yaml; change it there");
  def.id = id;
  def.origin = it->second.def.origin;
  def.created_at = it->second.def.created_at;
  ECOUTE_RETURN_IF_ERROR(ValidateLocked(def, id));
  ECOUTE_ASSIGN_OR_RETURN(store::QueryDef saved, store_.SaveQuery(def));
  PutLocked(saved);
  return InfoLocked(entries_.at(saved.id));
}

base::Status QueryService::Delete(int64_t id, bool allow_config) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return base::Status::NotFound("no query with id " + std::to_string(id));
  const store::QueryDef& def = it->second.def;
  if (def.origin == "config" && !allow_config)
    return base::Status::FailedPrecondition("query \"" + def.name + "\" is defined in ecoute.yaml; remove it there");
  std::vector<std::string> refs = ReferrersLocked(def.name, id);
  if (!refs.empty())
    return base::Status::FailedPrecondition("query \"" + def.name + "\" is used by " + JoinNames(refs));
  ECOUTE_RETURN_IF_ERROR(store_.DeleteQuery(id));
  ForgetLocked(id);
  RebuildResolverLocked();
  cv_.notify_all();
  return base::Status::Ok();
}

base::Status QueryService::SyncConfig(std::vector<store::QueryDef> defs, const std::vector<ConfigPlace>& places) {
  std::lock_guard lock(mu_);
  auto where = [&](size_t i) {
    std::string w;
    if (i < places.size() && !places[i].file.empty()) {
      w = places[i].file + ":" + std::to_string(places[i].line) + ":" + std::to_string(places[i].column) + ": ";
    }
    return w + "queries[" + std::to_string(i) + "]" + (defs[i].name.empty() ? "" : " (" + defs[i].name + ")");
  };
  std::map<std::string, int64_t, std::less<>> api_names;
  for (const auto& [id, e] : entries_) {
    if (e.def.origin != "config") api_names.emplace(e.def.name, id);
  }
  // The set as it will be: API queries plus the new config ones.
  match::QuerySet next;
  std::map<std::string, size_t, std::less<>> index;
  for (size_t i = 0; i < defs.size(); ++i) {
    defs[i].origin = "config";
    if (!match::IsValidQueryName(defs[i].name))
      return base::Status::InvalidArgument(where(i) + ": name must be 1-64 characters of A-Z a-z 0-9 _");
    if (!index.emplace(defs[i].name, i).second)
      return base::Status::InvalidArgument(where(i) + ": name \"" + defs[i].name + "\" is used twice");
    if (auto api = api_names.find(defs[i].name); api != api_names.end())
      return base::Status::FailedPrecondition(where(i) + ": name \"" + defs[i].name +
                                              "\" is taken by a query created through the API (id " +
                                              std::to_string(api->second) + ")");
    base::Status added = next.Add(defs[i].name, defs[i].text);
    if (!added.ok()) {
      base::Result<match::Query> q = match::Parse(defs[i].text);
      return base::Status::InvalidArgument(where(i) + ": query: " +
                                           (q.ok() ? added.message() : q.status().message()));
    }
  }
  for (const auto& [id, e] : entries_) {
    if (e.def.origin != "config" && e.parsed) (void)next.Add(e.def.name, e.def.text);
  }
  for (size_t i = 0; i < defs.size(); ++i) {
    base::Result<match::Query> q = ParseForSave(defs[i].text, defs[i].name, next);
    if (!q.ok()) return q.status().WithPrefix(where(i));
  }
  // Config queries that disappear must not be referenced by those that
  // stay: the API's, and the file's new versions.
  static const AnyName kAnyName;
  std::vector<std::pair<std::string, std::vector<std::string>>> users;
  for (const auto& [id, e] : entries_) {
    if (e.def.origin != "config") users.emplace_back(e.def.name, e.refs);
  }
  for (const store::QueryDef& d : defs) {
    if (base::Result<match::Query> q = match::Parse(d.text); q.ok())
      users.emplace_back(d.name, match::ReferencedNames(*q, &kAnyName));
  }
  std::vector<int64_t> removed;
  for (const auto& [id, e] : entries_) {
    if (e.def.origin != "config" || index.count(e.def.name)) continue;
    for (const auto& [user, refs] : users) {
      if (std::find(refs.begin(), refs.end(), e.def.name) != refs.end())
        return base::Status::FailedPrecondition("query \"" + e.def.name +
                                                "\" was removed from the configuration but \"" + user +
                                                "\" still uses it");
    }
    removed.push_back(id);
  }
  for (int64_t id : removed) {
    ECOUTE_RETURN_IF_ERROR(store_.DeleteQuery(id));
    ForgetLocked(id);
  }
  std::map<std::string, int64_t, std::less<>> by_name;
  for (const auto& [id, e] : entries_) by_name.emplace(e.def.name, id);
  for (store::QueryDef& d : defs) {
    auto found = by_name.find(d.name);
    const Entry* existing = found == by_name.end() ? nullptr : &entries_.at(found->second);
    if (existing != nullptr) {
      const store::QueryDef& o = existing->def;
      if (o.text == d.text && o.kind == d.kind && o.description == d.description && o.enabled == d.enabled) continue;
      d.id = o.id;
      d.created_at = o.created_at;
    } else {
      d.backfill_pending = d.enabled && options_.backfill;
    }
    base::Result<store::QueryDef> saved = store_.SaveQuery(d);
    if (!saved.ok()) {
      RebuildResolverLocked();
      return saved.status();
    }
    PutLocked(*saved, /*rebuild_resolver=*/false);
  }
  RebuildResolverLocked();
  cv_.notify_all();
  return base::Status::Ok();
}

std::vector<QueryInfo> QueryService::List() const {
  std::lock_guard lock(mu_);
  std::vector<QueryInfo> out;
  out.reserve(entries_.size());
  for (const auto& [id, e] : entries_) out.push_back(InfoLocked(e));
  return out;
}

std::optional<QueryInfo> QueryService::Get(int64_t id) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return std::nullopt;
  return InfoLocked(it->second);
}

std::optional<std::string> QueryService::NameOf(int64_t id) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return std::nullopt;
  return it->second.def.name;
}

std::optional<QueryInfo> QueryService::FindByName(std::string_view name) const {
  std::lock_guard lock(mu_);
  for (const auto& [id, e] : entries_) {
    if (e.def.name == name) return InfoLocked(e);
  }
  return std::nullopt;
}

// ---- matching ----------------------------------------------------------------

std::shared_ptr<const match::Engine> QueryService::engine() const { return engine_.load(); }

void QueryService::Enrich(std::span<model::Mention> batch) const {
  std::shared_ptr<const match::Engine> e = engine_.load();
  for (model::Mention& m : batch) {
    if (e == nullptr) {
      m.enrichment.matched_queries.clear();
    } else {
      m.enrichment.matched_queries = Ids(e->Match(m));
    }
  }
}

std::vector<match::EngineMatch> QueryService::Highlight(const model::Mention& m) const {
  std::shared_ptr<const match::Engine> e = engine_.load();
  if (e == nullptr) return {};
  return e->Match(m);
}

base::Result<HistoryPage> QueryService::SearchHistory(std::string_view text, store::MentionFilter filter,
                                                      int64_t max_scan) const {
  std::shared_ptr<const NameIndex> set;
  {
    std::lock_guard lock(mu_);
    set = resolver_;
  }
  base::Result<match::Query> q = match::Parse(text, set.get());
  if (!q.ok()) return q.status().WithPrefix("query");
  ECOUTE_ASSIGN_OR_RETURN(OneQuery one, CompileOne(1, "search", std::move(*q), set.get()));
  const std::optional<std::string>& fts = one.fts;
  const std::shared_ptr<const match::Engine>& engine = one.engine;

  HistoryPage out;
  out.full_scan = !fts.has_value();
  filter.fts = fts.value_or("");
  filter.accept = [&engine](const model::Mention& m) { return !engine->Match(m).empty(); };
  if (!fts && filter.text.empty() && filter.query_ids.empty()) filter.max_scan = max_scan;
  ECOUTE_ASSIGN_OR_RETURN(out.page, store_.Search(filter));
  out.spans.reserve(out.page.items.size());
  for (const model::Mention& m : out.page.items) {
    std::vector<match::EngineMatch> r = engine->Match(m);
    out.spans.push_back(r.empty() ? std::vector<match::MatchSpan>() : std::move(r[0].spans));
  }
  return out;
}

// ---- background: compile, swap, backfill ---------------------------------------

void QueryService::RebuildEngine(bool flush) {
  std::vector<match::CompiledQuery> compiled;
  std::shared_ptr<const NameIndex> set;
  uint64_t changes = 0;
  {
    std::lock_guard lock(mu_);
    changes = changes_;
    set = resolver_;
    for (const auto& [id, e] : entries_) {
      if (e.def.enabled && e.parsed) compiled.push_back(match::CompiledQuery{id, e.def.name, *e.parsed});
    }
  }
  std::map<int64_t, std::string> errors;
  std::shared_ptr<const match::Engine> engine;
  const auto compile_start = std::chrono::steady_clock::now();
  if (!compiled.empty()) {
    base::Result<std::shared_ptr<const match::Engine>> built = match::Engine::Build(compiled, set.get());
    if (!built.ok()) {
      // Find the queries that fail on their own, and build without them.
      std::vector<match::CompiledQuery> good;
      for (match::CompiledQuery& c : compiled) {
        auto alone = match::Engine::Build({c}, set.get());
        if (alone.ok()) good.push_back(std::move(c));
        else errors[c.id] = alone.status().message();
      }
      compiled = std::move(good);
      built = match::Engine::Build(compiled, set.get());
    }
    if (built.ok()) {
      engine = std::move(*built);
    } else {
      spdlog::error("queries: cannot compile the query engine: {}", built.status().ToString());
      std::lock_guard lock(mu_);
      compiled_changes_ = changes;
      for (const auto& [id, e] : entries_) compile_errors_[id] = built.status().message();
      idle_cv_.notify_all();
      return;
    }
  }
  std::set<int64_t> live;
  for (const match::CompiledQuery& c : compiled) live.insert(c.id);
  compile_seconds_->Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - compile_start).count());
  engine_.store(std::move(engine));
  generation_.fetch_add(1);
  swaps_->Add();
  live_gauge_->Set(static_cast<int64_t>(live.size()));
  for (const auto& [id, why] : errors) spdlog::warn("queries: query {} not compiled: {}", id, why);
  // What the old engine matched must be committed before a backfill reads
  // history, or it would miss (or overwrite) it.
  if (flush && options_.flush) options_.flush();
  // Mentions stored from now on are matched by this engine: the bound of
  // the backfills of the changes it includes.
  base::Result<int64_t> max_id = store_.MaxMentionId();
  std::lock_guard lock(mu_);
  if (max_id.ok()) {
    for (int64_t id : backfill_queue_) {
      auto b = bounds_.find(id);
      if (b != bounds_.end() && !b->second.up_to && b->second.queued_change <= changes) b->second.up_to = *max_id;
    }
  }
  live_ids_ = std::move(live);
  compile_errors_ = std::move(errors);
  compiled_changes_ = changes;
  idle_cv_.notify_all();
}

void QueryService::Loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || changes_ != compiled_changes_ || !backfill_queue_.empty(); });
    if (stop_) return;
    if (changes_ != compiled_changes_) {
      lock.unlock();
      RebuildEngine(/*flush=*/true);
      lock.lock();
      continue;
    }
    const int64_t id = *backfill_queue_.begin();
    backfill_queue_.erase(backfill_queue_.begin());
    running_backfill_ = id;
    backfills_pending_->Set(static_cast<int64_t>(backfill_queue_.size()) + 1);
    lock.unlock();
    RunBackfill(id);
    lock.lock();
    running_backfill_ = 0;
    backfills_pending_->Set(static_cast<int64_t>(backfill_queue_.size()));
    idle_cv_.notify_all();
  }
}

void QueryService::RunBackfill(int64_t id) {
  std::shared_ptr<const NameIndex> set;
  std::shared_ptr<const match::Query> parsed;
  uint64_t version = 0;
  std::string name;
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(id);
    if (it == entries_.end() || !it->second.def.enabled || !it->second.parsed) {
      backfill_.erase(id);
      if (it != entries_.end()) (void)store_.SetQueryBackfill(id, false, std::nullopt);  // re-queued when enabled again
      return;
    }
    set = resolver_;
    parsed = it->second.parsed;
    version = versions_[id];
    name = it->second.def.name;
    backfill_[id] = Pending();
  }
  auto fail = [&](const base::Status& s) {
    std::lock_guard lock(mu_);
    if (stop_ || versions_[id] != version) return;  // deleted or changed meanwhile: not a failure
    spdlog::error("queries: backfill of query {} (\"{}\") failed: {}", id, name, s.ToString());
    backfill_[id].pending = false;
    backfill_[id].error = s.message();
  };
  base::Result<OneQuery> one = CompileOne(id, name, *parsed, set.get());
  if (!one.ok()) return fail(one.status());
  const std::shared_ptr<const match::Engine>& engine = one->engine;
  const std::string fts = one->fts.value_or("");
  // The bound was taken when the engine holding this version was swapped in
  // and the pipeline flushed (RebuildEngine): later mentions were matched
  // live with it. A backfill resumed from an earlier process is bounded by
  // what that process recorded.
  base::Result<int64_t> max_id = store_.MaxMentionId();
  if (!max_id.ok()) return fail(max_id.status());
  int64_t bound = *max_id;
  {
    std::lock_guard lock(mu_);
    Bound& b = bounds_[id];
    if (b.up_to) bound = std::min(bound, *b.up_to);
    if (!b.persisted) {
      if (base::Status marked = store_.SetQueryBackfill(id, true, bound); marked.ok()) {
        b = Bound{b.queued_change, bound, true};
      } else {
        spdlog::warn("queries: {}", marked.ToString());
      }
    }
    backfill_[id].up_to_id = bound;
  }
  BackfillState st = Pending();
  st.up_to_id = bound;
  auto still_wanted = [&] {
    std::lock_guard lock(mu_);
    return !stop_ && versions_[id] == version;  // else deleted, changed (re-queued) or shutting down
  };
  // One pass over the candidates (one read snapshot)...
  std::vector<int64_t> ids;
  bool cancelled = false;
  base::Status scanned = store_.ScanMentions(1, bound, fts, [&](const model::Mention& m) {
    if (++st.scanned % 4096 == 0 && !still_wanted()) {
      cancelled = true;
      return false;
    }
    if (!engine->Match(m).empty()) ids.push_back(m.id);
    return true;
  });
  backfill_scanned_->Add(static_cast<uint64_t>(st.scanned));
  if (cancelled) return;
  if (!scanned.ok()) return fail(scanned);
  st.matched = static_cast<int64_t>(ids.size());
  // ...then the index, newest first (recent history is what users look at
  // first), one transaction per chunk of ids so the pipeline's writer is
  // never held up long.
  const int64_t chunk = std::max<int64_t>(1, options_.backfill_chunk);
  for (int64_t hi = bound; hi >= 1; hi -= chunk) {
    const int64_t lo = std::max<int64_t>(1, hi - chunk + 1);
    auto first = std::lower_bound(ids.begin(), ids.end(), lo);
    auto last = std::upper_bound(first, ids.end(), hi);
    base::Result<int64_t> changed =
        store_.ReplaceQueryMatches(id, lo, hi, std::span<const int64_t>(ids.data() + (first - ids.begin()),
                                                                         static_cast<size_t>(last - first)));
    if (!changed.ok()) return fail(changed.status());
    st.changed += *changed;
    bool rebuild = false;
    {
      std::lock_guard lock(mu_);
      if (stop_ || versions_[id] != version) return;
      backfill_[id] = st;
      rebuild = changes_ != compiled_changes_;
    }
    // Keep live matching current while a long backfill runs.
    if (rebuild) RebuildEngine(/*flush=*/true);
  }
  std::lock_guard lock(mu_);
  if (versions_[id] != version) return;
  bounds_.erase(id);
  if (base::Status done = store_.SetQueryBackfill(id, false, std::nullopt); !done.ok()) {
    // The history is applied; only the durable mark failed, so a later
    // process would redo the work: say so, keep the state.
    spdlog::warn("queries: query {} (\"{}\"): {}", id, name, done.ToString());
  }
  if (auto it = entries_.find(id); it != entries_.end()) it->second.def.backfill_pending = false;
  st.pending = false;
  backfill_[id] = st;
  if (st.changed > 0)
    spdlog::info("queries: query {} (\"{}\") applied to history: {} mentions examined, {} match, {} changed", id, name,
               st.scanned, st.matched, st.changed);
}

bool QueryService::WaitIdle(std::chrono::milliseconds timeout, bool backfill) const {
  std::unique_lock lock(mu_);
  return idle_cv_.wait_for(lock, timeout, [&] {
    return compiled_changes_ == changes_ && (!backfill || (backfill_queue_.empty() && running_backfill_ == 0));
  });
}

}  // namespace ecoute::queries
