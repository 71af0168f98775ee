#include "match/engine.h"

#include <hs.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <climits>
#include <map>
#include <mutex>
#include <unordered_map>

#include "match/engine_internal.h"
#include "match/eval_internal.h"
#include "match/token_stream.h"
#include "match/tokenize.h"
#include "text/text.h"

namespace ecoute::match {
namespace {

// Scan buffer (internal::TokenStream): kSep token kSep token kSep ... Words as folded, hashtags as
// '#' + body_folded, mentions as folded ('@' + handle), URLs as kScanUrlMark.
constexpr char kSep = internal::kScanSep;

// One code point of a folded word (never a separator, URL mark, '#', '@').
constexpr const char* kAnyCodePoint = "(?:[\\x03-\\x22\\x24-\\x3f\\x41-\\x7f]|[\\xc0-\\xff][\\x80-\\xbf]{0,3})";

std::string RegexEscape(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      out += c;
    } else {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

// Compiled node: the AST with references inlined and terms replaced by leaf ids.
struct ENode {
  NodeKind kind = NodeKind::kTerm;
  int32_t leaf = -1;           // kTerm
  std::vector<int32_t> words;  // kPhrase
  int slop = -1;
  std::vector<ENode> children;  // kAnd, kOr, kNot, kNear
  int distance = 0;
  bool ordered = false;
  FieldName field = FieldName::kLang;  // kField
  CompareOp op = CompareOp::kEq;
  std::string value;
};

struct Leaf {
  Term term;                       // for verification
  std::vector<uint32_t> literals;  // literal pattern ids
  int32_t regex = -1;              // regex pattern id, or -1
  uint32_t popularity = 0;         // queries using it
};

struct QueryEntry {
  int64_t id = 0;
  ENode root;
};

using Hit = internal::PositionHit<uint32_t>;

void FreeDb(hs_database_t* db) {
  if (db != nullptr) hs_free_database(db);
}

// Per-call state, pooled.
struct Scratch {
  hs_scratch_t* hs = nullptr;
  internal::TokenStream tokens;  // title's tokens, then the text's; holds the scan buffer
  size_t title_count = 0;
  std::vector<std::vector<uint32_t>> literal_hits;
  std::vector<std::vector<uint32_t>> regex_hits;
  std::vector<uint32_t> touched_literals;
  std::vector<uint32_t> touched_regexes;
  std::vector<std::vector<uint32_t>> leaf_hits;
  std::vector<uint32_t> touched_leaves;
  std::vector<uint8_t> leaf_touched;
  std::vector<uint8_t> query_marked;
  std::vector<uint32_t> candidates;
  std::vector<uint32_t> used;  // token indices of one query's spans
  ~Scratch() {
    if (hs != nullptr) hs_free_scratch(hs);
  }
};

}  // namespace

class Engine::Impl {
 public:
  std::vector<QueryEntry> queries;  // ascending id
  std::vector<Leaf> leaves;
  std::vector<std::vector<uint32_t>> literal_leaves;  // literal id -> leaves
  std::vector<std::vector<uint32_t>> regex_leaves;
  std::vector<std::vector<uint32_t>> trigger_queries;  // leaf -> queries triggered
  std::vector<uint32_t> always;                        // query indices
  hs_database_t* lit_db = nullptr;
  hs_database_t* re_db = nullptr;
  hs_scratch_t* proto = nullptr;

  mutable std::mutex pool_mu;
  mutable std::vector<std::unique_ptr<Scratch>> pool;

  ~Impl() {
    FreeDb(lit_db);
    FreeDb(re_db);
    if (proto != nullptr) hs_free_scratch(proto);
  }

  std::unique_ptr<Scratch> Acquire() const {
    {
      std::lock_guard<std::mutex> lock(pool_mu);
      if (!pool.empty()) {
        std::unique_ptr<Scratch> s = std::move(pool.back());
        pool.pop_back();
        return s;
      }
    }
    auto s = std::make_unique<Scratch>();
    if (proto != nullptr && hs_clone_scratch(proto, &s->hs) != HS_SUCCESS) s->hs = nullptr;
    s->literal_hits.resize(literal_leaves.size());
    s->regex_hits.resize(regex_leaves.size());
    s->leaf_hits.resize(leaves.size());
    s->leaf_touched.assign(leaves.size(), 0);
    s->query_marked.assign(queries.size(), 0);
    return s;
  }

  void Release(std::unique_ptr<Scratch> s) const {
    std::lock_guard<std::mutex> lock(pool_mu);
    pool.push_back(std::move(s));
  }

  std::vector<EngineMatch> Match(const model::Mention& m) const;

  // The steps of Match(), in order (split for internal::EngineAccess::Profile).
  void TokenizePhase(const model::Mention& m, Scratch& s) const;
  void ScanPhase(Scratch& s) const;
  void HitsPhase(Scratch& s) const;
  void EvaluatePhase(const model::Mention& m, Scratch& s, std::vector<EngineMatch>& result) const;
  void ResetPhase(Scratch& s) const;
};

namespace {

// ---------- Build ----------

class Compiler {
 public:
  Compiler(Engine::Impl& impl, const QueryResolver* resolver) : impl_(impl), resolver_(resolver) {}

  base::Status Convert(const Node& n, bool positional, ENode& out) {
    if (++nodes_ > kMaxExpandedNodes) {
      return base::Status::InvalidArgument("more than " + std::to_string(kMaxExpandedNodes) +
                                           " nodes once references are inlined");
    }
    out.kind = n.kind;
    switch (n.kind) {
      case NodeKind::kTerm:
        if (!positional && n.term.kind == TermKind::kMention && resolver_ != nullptr &&
            resolver_->Find(n.term.text) != nullptr) {
          return Inline(n.term.text, out);
        }
        out.leaf = LeafFor(n.term);
        return base::Status::Ok();
      case NodeKind::kPhrase:
        if (n.words.empty())
          return base::Status::InvalidArgument("empty phrase at col " + std::to_string(n.span.column));
        out.slop = n.slop;
        for (const Term& t : n.words) out.words.push_back(LeafFor(t));
        return base::Status::Ok();
      case NodeKind::kAnd:
      case NodeKind::kOr:
      case NodeKind::kNot:
      case NodeKind::kNear: {
        if (positional && (n.kind == NodeKind::kAnd || n.kind == NodeKind::kNot)) {
          return base::Status::InvalidArgument("AND/NOT under NEAR at col " + std::to_string(n.span.column));
        }
        size_t want_min = n.kind == NodeKind::kNot ? 1 : (n.kind == NodeKind::kNear ? 2 : 1);
        size_t want_max = n.kind == NodeKind::kNot ? 1 : (n.kind == NodeKind::kNear ? 2 : SIZE_MAX);
        if (n.children.size() < want_min || n.children.size() > want_max) {
          return base::Status::InvalidArgument("malformed node (wrong operand count) at col " +
                                               std::to_string(n.span.column));
        }
        out.distance = n.distance;
        out.ordered = n.ordered;
        bool child_positional = positional || n.kind == NodeKind::kNear;
        out.children.resize(n.children.size());
        for (size_t i = 0; i < n.children.size(); ++i) {
          ECOUTE_RETURN_IF_ERROR(Convert(n.children[i], child_positional, out.children[i]));
        }
        return base::Status::Ok();
      }
      case NodeKind::kField:
        if (positional)
          return base::Status::InvalidArgument("field under NEAR at col " + std::to_string(n.span.column));
        out.field = n.field;
        out.op = n.op;
        out.value = n.value;
        return base::Status::Ok();
      case NodeKind::kRef:
        if (positional)
          return base::Status::InvalidArgument("reference under NEAR at col " + std::to_string(n.span.column));
        return Inline(n.ref_name, out);
    }
    return base::Status::InvalidArgument("unknown node kind");
  }

  void ResetQuery() {
    nodes_ = 0;
    stack_.clear();
    used_leaves_.clear();
  }
  const std::vector<int32_t>& used_leaves() const { return used_leaves_; }

  std::vector<std::string> literals;
  std::vector<std::string> regexes;

 private:
  base::Status Inline(const std::string& name, ENode& out) {
    const Query* q = resolver_ != nullptr ? resolver_->Find(name) : nullptr;
    if (q == nullptr) return base::Status::InvalidArgument("unknown query \"" + name + "\"");
    auto it = std::find(stack_.begin(), stack_.end(), name);
    if (it != stack_.end()) {
      std::string msg = "reference cycle: ";
      for (; it != stack_.end(); ++it) msg += *it + " -> ";
      return base::Status::InvalidArgument(msg + name);
    }
    stack_.push_back(name);
    base::Status s = Convert(q->root, false, out);
    stack_.pop_back();
    return s;
  }

  uint32_t Literal(const std::string& s) {
    auto [it, inserted] = literal_ids_.emplace(s, static_cast<uint32_t>(literals.size()));
    if (inserted) {
      literals.push_back(s);
      impl_.literal_leaves.emplace_back();
    }
    return it->second;
  }
  int32_t Regex(const std::string& s) {
    auto [it, inserted] = regex_ids_.emplace(s, static_cast<int32_t>(regexes.size()));
    if (inserted) {
      regexes.push_back(s);
      impl_.regex_leaves.emplace_back();
    }
    return it->second;
  }

  int32_t LeafFor(const Term& t) {
    std::string key(1, static_cast<char>('0' + static_cast<int>(t.kind)));
    key += t.kind == TermKind::kCaseSensitive ? t.text : t.folded;
    auto [it, inserted] = leaf_ids_.emplace(key, static_cast<int32_t>(impl_.leaves.size()));
    int32_t id = it->second;
    if (inserted) {
      Leaf leaf;
      leaf.term = t;
      std::string sep(1, kSep);
      switch (t.kind) {
        case TermKind::kWord:
          leaf.literals = {Literal(sep + t.folded + sep), Literal(sep + "#" + t.folded + sep)};
          break;
        case TermKind::kCaseSensitive: {
          std::string f = text::Fold(t.text);
          leaf.literals = {Literal(sep + f + sep), Literal(sep + "#" + f + sep)};
          break;
        }
        case TermKind::kHashtag:
          leaf.literals = {Literal(sep + "#" + t.folded + sep)};
          break;
        case TermKind::kMention:
          leaf.literals = {Literal(sep + "@" + t.folded + sep)};
          break;
        case TermKind::kPrefix:
        case TermKind::kPattern: {
          std::string_view p = t.folded;
          bool star = !p.empty() && p.back() == '*';
          if (star) p.remove_suffix(1);
          if (star && !p.empty() && p.find('?') == std::string_view::npos) {
            leaf.literals = {Literal(sep + std::string(p)), Literal(sep + "#" + std::string(p))};
          } else {
            std::string re = "\\x01#?";
            size_t i = 0;
            while (i < p.size()) {
              size_t n = 1;
              while (i + n < p.size() && (static_cast<unsigned char>(p[i + n]) & 0xC0) == 0x80) ++n;
              if (n == 1 && p[i] == '?') {
                re += kAnyCodePoint;
              } else {
                re += RegexEscape(p.substr(i, n));
              }
              i += n;
            }
            if (!star) {
              re += "\\x01";  // whole token
            } else if (p.empty()) {
              re += kAnyCodePoint;  // "*" alone: any word or hashtag
            }
            leaf.regex = Regex(re);
          }
          break;
        }
      }
      for (uint32_t l : leaf.literals) impl_.literal_leaves[l].push_back(static_cast<uint32_t>(id));
      if (leaf.regex >= 0) impl_.regex_leaves[static_cast<size_t>(leaf.regex)].push_back(static_cast<uint32_t>(id));
      impl_.leaves.push_back(std::move(leaf));
    }
    if (std::find(used_leaves_.begin(), used_leaves_.end(), id) == used_leaves_.end()) used_leaves_.push_back(id);
    return id;
  }

  Engine::Impl& impl_;
  const QueryResolver* resolver_;
  size_t nodes_ = 0;
  std::vector<std::string> stack_;
  std::vector<int32_t> used_leaves_;
  std::unordered_map<std::string, uint32_t> literal_ids_;
  std::unordered_map<std::string, int32_t> regex_ids_;
  std::unordered_map<std::string, int32_t> leaf_ids_;
};

// Leaves of which at least one must hit for `n` to be true; nullopt-like
// (ok = false) when `n` can be true with no hit at all.
struct Trigger {
  bool ok = false;
  std::vector<int32_t> leaves;
  uint64_t cost = 0;  // sum of leaf popularity
};

Trigger TriggerOf(const ENode& n, const std::vector<Leaf>& leaves) {
  Trigger t;
  auto add = [&](int32_t l) {
    t.leaves.push_back(l);
    t.cost += leaves[static_cast<size_t>(l)].popularity;
  };
  switch (n.kind) {
    case NodeKind::kTerm:
      t.ok = true;
      add(n.leaf);
      break;
    case NodeKind::kPhrase: {
      t.ok = true;
      int32_t best = n.words[0];
      for (int32_t w : n.words) {
        if (leaves[static_cast<size_t>(w)].popularity < leaves[static_cast<size_t>(best)].popularity) best = w;
      }
      add(best);
      break;
    }
    case NodeKind::kOr:
      t.ok = true;
      for (const ENode& c : n.children) {
        Trigger ct = TriggerOf(c, leaves);
        if (!ct.ok) return Trigger{};
        t.leaves.insert(t.leaves.end(), ct.leaves.begin(), ct.leaves.end());
        t.cost += ct.cost;
      }
      break;
    case NodeKind::kAnd:
    case NodeKind::kNear:
      for (const ENode& c : n.children) {
        Trigger ct = TriggerOf(c, leaves);
        if (ct.ok && (!t.ok || ct.cost < t.cost)) t = std::move(ct);
      }
      break;
    case NodeKind::kNot:
    case NodeKind::kField:
    case NodeKind::kRef:
      break;
  }
  return t;
}

base::Status CompileDb(const std::vector<std::string>& patterns, bool literal, hs_database_t** db) {
  if (patterns.empty()) return base::Status::Ok();
  std::vector<const char*> exprs;
  std::vector<unsigned> flags(patterns.size(), 0);
  std::vector<unsigned> ids;
  std::vector<size_t> lens;
  for (size_t i = 0; i < patterns.size(); ++i) {
    exprs.push_back(patterns[i].c_str());
    ids.push_back(static_cast<unsigned>(i));
    lens.push_back(patterns[i].size());
  }
  hs_compile_error_t* err = nullptr;
  hs_error_t rc = literal
                      ? hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(),
                                             static_cast<unsigned>(patterns.size()), HS_MODE_BLOCK, nullptr, db, &err)
                      : hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(patterns.size()),
                                         HS_MODE_BLOCK, nullptr, db, &err);
  if (rc != HS_SUCCESS) {
    std::string msg = err != nullptr && err->message != nullptr ? err->message : "unknown error";
    int which = err != nullptr ? err->expression : -1;
    if (err != nullptr) hs_free_compile_error(err);
    return base::Status::Internal(std::string("vectorscan ") + (literal ? "literal" : "regex") +
                                  " compile failed (pattern " + std::to_string(which) + "): " + msg);
  }
  return base::Status::Ok();
}

std::string QueryLabel(const CompiledQuery& q) { return "query " + std::to_string(q.id) + " \"" + q.name + "\": "; }

}  // namespace

base::Result<std::shared_ptr<const Engine>> Engine::Build(std::vector<CompiledQuery> queries,
                                                          const QueryResolver* resolver) {
  std::stable_sort(queries.begin(), queries.end(),
                   [](const CompiledQuery& a, const CompiledQuery& b) { return a.id < b.id; });
  auto impl = std::make_unique<Impl>();
  Compiler compiler(*impl, resolver);
  std::vector<std::vector<int32_t>> used(queries.size());
  for (size_t i = 0; i < queries.size(); ++i) {
    const CompiledQuery& q = queries[i];
    if (i > 0 && queries[i - 1].id == q.id) {
      return base::Status::InvalidArgument(QueryLabel(q) + "duplicate id (also \"" + queries[i - 1].name + "\")");
    }
    QueryEntry e;
    e.id = q.id;
    compiler.ResetQuery();
    base::Status s = compiler.Convert(q.query.root, false, e.root);
    if (!s.ok()) return base::Status(s.code(), QueryLabel(q) + s.message());
    used[i] = compiler.used_leaves();
    for (int32_t l : used[i]) ++impl->leaves[static_cast<size_t>(l)].popularity;
    impl->queries.push_back(std::move(e));
  }
  impl->trigger_queries.resize(impl->leaves.size());
  for (size_t i = 0; i < impl->queries.size(); ++i) {
    Trigger t = TriggerOf(impl->queries[i].root, impl->leaves);
    if (!t.ok) {
      impl->always.push_back(static_cast<uint32_t>(i));
      continue;
    }
    std::sort(t.leaves.begin(), t.leaves.end());
    t.leaves.erase(std::unique(t.leaves.begin(), t.leaves.end()), t.leaves.end());
    for (int32_t l : t.leaves) impl->trigger_queries[static_cast<size_t>(l)].push_back(static_cast<uint32_t>(i));
  }
  ECOUTE_RETURN_IF_ERROR(CompileDb(compiler.literals, true, &impl->lit_db));
  ECOUTE_RETURN_IF_ERROR(CompileDb(compiler.regexes, false, &impl->re_db));
  for (hs_database_t* db : {impl->lit_db, impl->re_db}) {
    if (db != nullptr && hs_alloc_scratch(db, &impl->proto) != HS_SUCCESS) {
      return base::Status::Internal("vectorscan: cannot allocate scratch");
    }
  }
  return std::shared_ptr<const Engine>(std::make_shared<Engine>(Key{}, std::move(impl)));
}

Engine::Engine(Key /*key*/, std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;
size_t Engine::size() const { return impl_->queries.size(); }
size_t Engine::distinct_leaves() const { return impl_->leaves.size(); }
size_t Engine::always_evaluated() const { return impl_->always.size(); }

std::vector<EngineMatch> Engine::Match(const model::Mention& m) const { return impl_->Match(m); }

// ---------- Match ----------

namespace {

struct ScanContext {
  Scratch* s;
  bool regex;
  size_t cursor = 0;  // token of the previous hit (hits come mostly in offset order)
};

int OnMatch(unsigned int id, unsigned long long /*from*/, unsigned long long to, unsigned int /*flags*/, void* ctx) {
  auto* c = static_cast<ScanContext*>(ctx);
  Scratch& s = *c->s;
  const internal::TokenStream& ts = s.tokens;
  const auto off = static_cast<size_t>(to - 1);
  size_t cur = c->cursor;
  if (ts[cur].scan_begin > off) {
    cur = ts.TokenAtScanOffset(off);
  } else {
    while (cur + 1 < ts.size() && ts[cur + 1].scan_begin <= off) ++cur;
  }
  c->cursor = cur;
  const auto tok = static_cast<uint32_t>(cur);
  std::vector<uint32_t>& hits = c->regex ? s.regex_hits[id] : s.literal_hits[id];
  if (hits.empty()) (c->regex ? s.touched_regexes : s.touched_literals).push_back(id);
  if (hits.empty() || hits.back() != tok) hits.push_back(tok);
  return 0;
}

class Evaluator {
 public:
  Evaluator(const model::Mention& m, const Scratch& s) : m_(m), s_(s) {}

  bool Eval(const ENode& n, std::vector<uint32_t>& used) const {
    switch (n.kind) {
      case NodeKind::kTerm: {
        const std::vector<uint32_t>& h = s_.leaf_hits[static_cast<size_t>(n.leaf)];
        used.insert(used.end(), h.begin(), h.end());
        return !h.empty();
      }
      case NodeKind::kPhrase:
      case NodeKind::kNear: {
        std::vector<Hit> hits = Hits(n);
        for (const Hit& h : hits) used.insert(used.end(), h.tokens.begin(), h.tokens.end());
        return !hits.empty();
      }
      case NodeKind::kAnd: {
        size_t mark = used.size();
        for (const ENode& c : n.children) {
          if (!Eval(c, used)) {
            used.resize(mark);
            return false;
          }
        }
        return true;
      }
      case NodeKind::kOr: {
        bool any = false;
        for (const ENode& c : n.children) any = Eval(c, used) || any;
        return any;
      }
      case NodeKind::kNot: {
        std::vector<uint32_t> ignored;
        return !Eval(n.children[0], ignored);
      }
      case NodeKind::kField:
        return EvalField(n);
      case NodeKind::kRef:
        return false;  // inlined at build
    }
    return false;
  }

 private:
  bool Has(int32_t leaf, size_t tok) const {
    const std::vector<uint32_t>& h = s_.leaf_hits[static_cast<size_t>(leaf)];
    return std::binary_search(h.begin(), h.end(), static_cast<uint32_t>(tok));
  }
  int64_t Pos(size_t tok) const { return s_.tokens[tok].position; }

  std::vector<Hit> Hits(const ENode& n) const {
    std::vector<Hit> out;
    switch (n.kind) {
      case NodeKind::kTerm:
        for (uint32_t t : s_.leaf_hits[static_cast<size_t>(n.leaf)]) out.push_back({Pos(t), Pos(t), {t}});
        break;
      case NodeKind::kPhrase:
        if (n.slop < 0) {
          ExactPhraseHits(n.words, out);
        } else {
          SlopPhraseHits(n.words, n.slop, out);
        }
        break;
      case NodeKind::kOr:
        for (const ENode& c : n.children) {
          std::vector<Hit> h = Hits(c);
          for (Hit& x : h) out.push_back(std::move(x));
        }
        break;
      case NodeKind::kNear: {
        std::vector<Hit> left = Hits(n.children[0]);
        if (left.empty()) break;
        std::vector<Hit> right = Hits(n.children[1]);
        internal::AppendNearHits(left, right, n.distance, n.ordered, out);
        break;
      }
      default:
        break;
    }
    return out;
  }

  void ExactPhraseHits(const std::vector<int32_t>& words, std::vector<Hit>& out) const {
    const size_t n = s_.tokens.size();
    // Word 0 holds at every start taken from its own leaf hits.
    auto fits = [&](size_t k, size_t tok) { return k == 0 || Has(words[k], tok); };
    auto position = [&](size_t tok) { return Pos(tok); };
    for (uint32_t i : s_.leaf_hits[static_cast<size_t>(words[0])]) {
      if (i + words.size() > n) break;
      internal::AppendExactPhraseHitAt<uint32_t>(i, words.size(), fits, position, out);
    }
  }

  void SlopPhraseHits(const std::vector<int32_t>& words, int slop, std::vector<Hit>& out) const {
    // Tokens matching at least one word, ascending.
    std::vector<uint32_t> cand;
    for (int32_t w : words) {
      const std::vector<uint32_t>& h = s_.leaf_hits[static_cast<size_t>(w)];
      if (h.empty()) return;
      cand.insert(cand.end(), h.begin(), h.end());
    }
    std::sort(cand.begin(), cand.end());
    cand.erase(std::unique(cand.begin(), cand.end()), cand.end());
    if (cand.size() < words.size()) return;
    const int64_t window = slop + static_cast<int64_t>(words.size());
    const size_t n = s_.tokens.size();
    size_t lo = 0;
    for (size_t i = 0; i < n; ++i) {
      while (lo < cand.size() && cand[lo] < i) ++lo;
      size_t hi = lo;
      while (hi < cand.size() && Pos(cand[hi]) < Pos(i) + window) ++hi;
      if (hi - lo < words.size()) continue;
      const size_t m = hi - lo;
      std::vector<int> owner;
      bool all = internal::AssignWords(
          words.size(), m, [&](size_t word, size_t t) { return Has(words[word], cand[lo + t]); }, owner);
      if (!all) continue;
      out.push_back(internal::HitFromOwners<uint32_t>(
          owner, [&](size_t t) { return cand[lo + t]; }, [&](uint32_t tok) { return Pos(tok); }));
    }
  }

  bool EvalField(const ENode& n) const {
    return internal::FieldMatches(m_, n.field, n.op, n.value, s_.tokens.url_hosts());
  }

  const model::Mention& m_;
  const Scratch& s_;
};

}  // namespace

std::vector<EngineMatch> Engine::Impl::Match(const model::Mention& m) const {
  std::unique_ptr<Scratch> sp = Acquire();
  Scratch& s = *sp;
  std::vector<EngineMatch> result;
  TokenizePhase(m, s);
  ScanPhase(s);
  HitsPhase(s);
  EvaluatePhase(m, s, result);
  ResetPhase(s);
  Release(std::move(sp));
  return result;
}

void Engine::Impl::TokenizePhase(const model::Mention& m, Scratch& s) const {
  // The texts are usually cold: request all their cache lines at once
  // rather than one miss at a time as the tokenizer reaches them.
  for (const std::string* f : {&m.title, &m.text}) {
    for (size_t off = 0; off < f->size() && off < 4096; off += 64) __builtin_prefetch(f->data() + off);
  }
  s.tokens.Clear();
  if (m.title.empty()) {
    s.tokens.Append(m.text, TokenizeOptions{true, kTitleTextGap});
    s.title_count = 0;
  } else {
    s.tokens.Append(m.title);
    s.title_count = s.tokens.size();
    TokenizeOptions opt;
    opt.first_position = static_cast<int64_t>(s.title_count) + kTitleTextGap;
    s.tokens.Append(m.text, opt);
  }
}

void Engine::Impl::ScanPhase(Scratch& s) const {
  const std::string_view buffer = s.tokens.padded_buffer();
  if (s.tokens.empty() || s.hs == nullptr || buffer.size() > UINT_MAX) return;
  ScanContext lit{&s, false};
  ScanContext re{&s, true};
  if (lit_db != nullptr) {
    hs_scan(lit_db, buffer.data(), static_cast<unsigned>(buffer.size()), 0, s.hs, OnMatch, &lit);
  }
  if (re_db != nullptr) {
    hs_scan(re_db, buffer.data(), static_cast<unsigned>(buffer.size()), 0, s.hs, OnMatch, &re);
  }
}

void Engine::Impl::HitsPhase(Scratch& s) const {
  // Pattern hits -> verified leaf hits.
  auto touch_leaves = [&](const std::vector<uint32_t>& ids, const std::vector<std::vector<uint32_t>>& map) {
    for (uint32_t p : ids) {
      for (uint32_t l : map[p]) {
        if (!s.leaf_touched[l]) {
          s.leaf_touched[l] = 1;
          s.touched_leaves.push_back(l);
        }
      }
    }
  };
  touch_leaves(s.touched_literals, literal_leaves);
  touch_leaves(s.touched_regexes, regex_leaves);
  for (uint32_t l : s.touched_leaves) {
    const Leaf& leaf = leaves[l];
    std::vector<uint32_t>& out = s.leaf_hits[l];
    for (uint32_t p : leaf.literals) out.insert(out.end(), s.literal_hits[p].begin(), s.literal_hits[p].end());
    if (leaf.regex >= 0) {
      const auto& h = s.regex_hits[static_cast<size_t>(leaf.regex)];
      out.insert(out.end(), h.begin(), h.end());
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    out.erase(std::remove_if(out.begin(), out.end(),
                             [&](uint32_t t) { return !internal::TermMatches(leaf.term, s.tokens.Ref(t)); }),
              out.end());
    if (out.empty()) continue;
    for (uint32_t q : trigger_queries[l]) {
      if (!s.query_marked[q]) {
        s.query_marked[q] = 1;
        s.candidates.push_back(q);
      }
    }
  }
  for (uint32_t q : always) {
    if (!s.query_marked[q]) {
      s.query_marked[q] = 1;
      s.candidates.push_back(q);
    }
  }
  std::sort(s.candidates.begin(), s.candidates.end());
}

void Engine::Impl::EvaluatePhase(const model::Mention& m, Scratch& s, std::vector<EngineMatch>& result) const {
  Evaluator ev(m, s);
  std::vector<uint32_t>& used = s.used;
  for (uint32_t q : s.candidates) {
    used.clear();
    if (!ev.Eval(queries[q].root, used)) continue;
    std::sort(used.begin(), used.end());
    used.erase(std::unique(used.begin(), used.end()), used.end());
    EngineMatch& em = result.emplace_back();
    em.query_id = queries[q].id;
    em.spans.reserve(used.size());
    for (uint32_t i : used) {
      const internal::StreamToken& t = s.tokens[i];
      em.spans.push_back({i < s.title_count ? MentionField::kTitle : MentionField::kText, t.begin, t.end});
    }
  }
}

void Engine::Impl::ResetPhase(Scratch& s) const {
  for (uint32_t q : s.candidates) s.query_marked[q] = 0;
  s.candidates.clear();
  for (uint32_t l : s.touched_leaves) {
    s.leaf_touched[l] = 0;
    s.leaf_hits[l].clear();
  }
  s.touched_leaves.clear();
  for (uint32_t p : s.touched_literals) s.literal_hits[p].clear();
  for (uint32_t p : s.touched_regexes) s.regex_hits[p].clear();
  s.touched_literals.clear();
  s.touched_regexes.clear();
}

// ---------- Profiling (match_bench) ----------

internal::MatchPhaseNs internal::EngineAccess::Profile(const Engine& engine,
                                                      const std::vector<model::Mention>& corpus) {
  using Clock = std::chrono::steady_clock;
  const Engine::Impl& impl = *engine.impl_;
  std::unique_ptr<Scratch> sp = impl.Acquire();
  Scratch& s = *sp;
  Clock::duration phase[5] = {};
  size_t evaluated = 0;
  std::vector<EngineMatch> result;
  for (const model::Mention& m : corpus) {
    result.clear();
    Clock::time_point t0 = Clock::now();
    impl.TokenizePhase(m, s);
    Clock::time_point t1 = Clock::now();
    impl.ScanPhase(s);
    Clock::time_point t2 = Clock::now();
    impl.HitsPhase(s);
    Clock::time_point t3 = Clock::now();
    impl.EvaluatePhase(m, s, result);
    Clock::time_point t4 = Clock::now();
    evaluated += s.candidates.size();
    impl.ResetPhase(s);
    Clock::time_point t5 = Clock::now();
    phase[0] += t1 - t0;
    phase[1] += t2 - t1;
    phase[2] += t3 - t2;
    phase[3] += t4 - t3;
    phase[4] += t5 - t4;
  }
  impl.Release(std::move(sp));
  auto ns = [&](Clock::duration d) {
    return corpus.empty() ? 0.0
                          : std::chrono::duration<double, std::nano>(d).count() / static_cast<double>(corpus.size());
  };
  const double per = corpus.empty() ? 0.0 : static_cast<double>(evaluated) / static_cast<double>(corpus.size());
  return {ns(phase[0]), ns(phase[1]), ns(phase[2]), ns(phase[3]), ns(phase[4]), per};
}

}  // namespace ecoute::match
