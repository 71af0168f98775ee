#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "match/ast.h"
#include "match/golden_loader.h"
#include "match/lint.h"
#include "match/parser.h"
#include "match/reference_matcher.h"
#include "match/eval_internal.h"
#include "match/token_stream.h"
#include "match/tokenize.h"
#include "match/index_tokens.h"
#include "match/fuzz_support.h"

namespace ecoute::match {
namespace {

using test_util::Case;
using test_util::MakeMention;
using test_util::ReadTsv;

std::string SpansString(const MatchResult& r, const model::Mention& m) {
  std::string out;
  for (const MatchSpan& s : r.spans) {
    if (!out.empty()) out += '|';
    const std::string& src = s.field == MentionField::kTitle ? m.title : m.text;
    if (s.field == MentionField::kTitle) out += "T:";
    out += src.substr(s.begin, s.end - s.begin);
  }
  return out;
}

TEST(Golden, MatchCases) {
  std::vector<Case> cases = ReadTsv("golden.tsv");
  ASSERT_GE(cases.size(), 80u);
  for (const Case& c : cases) {
    SCOPED_TRACE("golden.tsv:" + std::to_string(c.line) + ": " + c.cols[0]);
    ASSERT_GE(c.cols.size(), 3u);
    auto q = Parse(c.cols[0]);
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    model::Mention m = MakeMention(c.cols[1]);
    MatchResult r = ReferenceMatch(*q, m);
    EXPECT_EQ(r.matched, c.cols[2] == "1");
    if (c.cols.size() >= 4) {
      EXPECT_EQ(SpansString(r, m), c.cols[3]);
    }
    if (!r.matched) {
      EXPECT_TRUE(r.spans.empty());
    }
  }
}

TEST(Golden, RoundTripIsStable) {
  for (const Case& c : ReadTsv("golden.tsv")) {
    SCOPED_TRACE("golden.tsv:" + std::to_string(c.line) + ": " + c.cols[0]);
    auto q = Parse(c.cols[0]);
    ASSERT_TRUE(q.ok());
    std::string canon = ToString(*q);
    auto q2 = Parse(canon);
    ASSERT_TRUE(q2.ok()) << canon << " -> " << q2.status().ToString();
    EXPECT_EQ(ToString(*q2), canon);
    model::Mention m = MakeMention(c.cols[1]);
    EXPECT_EQ(ReferenceMatch(*q2, m).matched, ReferenceMatch(*q, m).matched) << canon;
  }
}

TEST(Golden, Errors) {
  std::vector<Case> cases = ReadTsv("errors.tsv");
  ASSERT_GE(cases.size(), 25u);
  for (const Case& c : cases) {
    SCOPED_TRACE("errors.tsv:" + std::to_string(c.line) + ": " + c.cols[0]);
    ASSERT_EQ(c.cols.size(), 2u);
    ParseError err;
    auto q = ParseWithError(c.cols[0], &err);
    ASSERT_FALSE(q.ok()) << ToString(*q);
    EXPECT_EQ(q.status().code(), base::StatusCode::kInvalidArgument);
    EXPECT_EQ(q.status().message(), c.cols[1]);
    EXPECT_EQ("col " + std::to_string(err.column) + ": " + err.message, c.cols[1]);
  }
}

TEST(Parser, TooLongAndTooDeep) {
  std::string long_query(kMaxQueryBytes + 1, 'a');
  auto q = Parse(long_query);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().message(), "col 16385: query is too long (16385 bytes, max 16384)");
  EXPECT_TRUE(Parse(std::string(kMaxQueryBytes, 'a')).ok());
  std::string deep = std::string(200, '(') + "a" + std::string(200, ')');
  q = Parse(deep);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().message(), "col 101: query is nested too deeply (max 100 levels)");
  std::string nots;
  for (int i = 0; i < 150; ++i) nots += "NOT ";
  EXPECT_FALSE(Parse(nots + "a").ok());
  EXPECT_TRUE(Parse(std::string(50, '(') + "a" + std::string(50, ')')).ok());
}

TEST(Parser, TreeAndSpans) {
  auto q = Parse("(pixmania OR \"pix mania\") AND (livraison OR colis) NOT emploi");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(ToString(*q), "((pixmania OR \"pix mania\") AND (livraison OR colis) AND NOT emploi)");
  EXPECT_EQ(TreeString(*q),
            "AND @2\n"
            "  OR @2\n"
            "    TERM word \"pixmania\" @2\n"
            "    PHRASE \"pix mania\" @14\n"
            "  OR @32\n"
            "    TERM word \"livraison\" @32\n"
            "    TERM word \"colis\" @45\n"
            "  NOT @52\n"
            "    TERM word \"emploi\" @56\n");
  // Columns count code points, offsets bytes.
  auto r = Parse("réseau NOT été");
  ASSERT_TRUE(r.ok());
  const Node& notn = r->root.children.at(1);
  EXPECT_EQ(notn.span.column, 8);
  EXPECT_EQ(notn.span.begin, 8u);
  EXPECT_EQ(notn.children[0].term.folded, "ete");
  EXPECT_EQ(notn.children[0].span.column, 12);
}

TEST(Parser, TermKinds) {
  auto kind = [](std::string_view s) {
    auto q = Parse(s);
    EXPECT_TRUE(q.ok()) << s;
    EXPECT_EQ(q->root.kind, NodeKind::kTerm) << s;
    return q->root.term.kind;
  };
  EXPECT_EQ(kind("colis"), TermKind::kWord);
  EXPECT_EQ(kind("livr*"), TermKind::kPrefix);
  EXPECT_EQ(kind("c?lis"), TermKind::kPattern);
  EXPECT_EQ(kind("{Orange}"), TermKind::kCaseSensitive);
  EXPECT_EQ(kind("#grève"), TermKind::kHashtag);
  EXPECT_EQ(kind("@Free"), TermKind::kMention);
  auto near = Parse("a ONEAR/3 (b OR c)");
  ASSERT_TRUE(near.ok());
  EXPECT_EQ(near->root.kind, NodeKind::kNear);
  EXPECT_TRUE(near->root.ordered);
  EXPECT_EQ(near->root.distance, 3);
  auto field = Parse("followers:>=1000");
  ASSERT_TRUE(field.ok());
  EXPECT_EQ(field->root.field, FieldName::kFollowers);
  EXPECT_EQ(field->root.op, CompareOp::kGe);
  EXPECT_EQ(field->root.value, "1000");
  EXPECT_EQ(ToString(*field), "followers:>=1000");
  auto site = Parse("site:https://www.Free.fr/offres");
  ASSERT_TRUE(site.ok());
  EXPECT_EQ(site->root.value, "www.free.fr");
}

TEST(Tokenize, Rules) {
  auto folded = [](std::string_view s) {
    std::string out;
    for (const Token& t : Tokenize(s)) out += "[" + t.folded + "]";
    return out;
  };
  EXPECT_EQ(folded("L’avion d'Air France"), "[l'][avion][d'][air][france]");
  EXPECT_EQ(folded("qu'il jusqu'à lorsqu'on"), "[qu'][il][jusqu'][a][lorsqu'][on]");
  EXPECT_EQ(folded("aujourd'hui presqu'île quelqu'un"), "[aujourd'hui][presqu'ile][quelqu'un]");
  EXPECT_EQ(folded("Orange's don't"), "[orange]['s][don't]");
  EXPECT_EQ(folded("😀 #Grève @Free_Mobile 2024 😀"), "[#greve][@free_mobile][2024]");
  EXPECT_EQ(folded("mail jean@free.fr et @réseau"), "[mail][jean][free][fr][et][reseau]");
  EXPECT_EQ(folded("voir https://Free.fr/a?b=1. ok"), "[voir][https://free.fr/a?b=1][ok]");
  EXPECT_EQ(folded("www.free.fr, www.google"), "[www.free.fr][www][google]");
  EXPECT_EQ(folded("#1 #2024JO"), "[1][#2024jo]");
  EXPECT_EQ(folded("Saint-Denis e_mail"), "[saint][denis][e][mail]");
  std::vector<Token> t = Tokenize("un réseau https://x.org/p");
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[1].begin, 3u);
  EXPECT_EQ(t[1].end, 10u);
  EXPECT_EQ(t[1].position, 1);
  EXPECT_EQ(t[2].kind, TokenKind::kUrl);
  EXPECT_EQ(t[2].host, "x.org");
  EXPECT_TRUE(Tokenize("").empty());
  EXPECT_TRUE(Tokenize("\xff\xfe !!").empty());
}

TEST(Tokenize, HostsAndWildcards) {
  EXPECT_EQ(UrlHost("https://user@Fr.Wikipedia.org:443/x"), "fr.wikipedia.org");
  EXPECT_EQ(UrlHost("www.free.fr/x"), "www.free.fr");
  EXPECT_TRUE(HostMatches("mobile.free.fr", "free.fr"));
  EXPECT_TRUE(HostMatches("free.fr", "free.fr"));
  EXPECT_FALSE(HostMatches("notfree.fr", "free.fr"));
  EXPECT_TRUE(WildcardMatch("r?seau", "reseau"));
  EXPECT_TRUE(WildcardMatch("?", "é"));
  EXPECT_FALSE(WildcardMatch("?", "ab"));
  EXPECT_TRUE(WildcardMatch("livr*", "livr"));
  EXPECT_FALSE(WildcardMatch("livr", "livre"));
}

// ---- TokenStream (the engine's tokenizer) == Tokenize ----

std::string TokenString(const Token& t) {
  std::string out = "kind=" + std::to_string(static_cast<int>(t.kind)) + " pos=" + std::to_string(t.position) +
                    " [" + std::to_string(t.begin) + "," + std::to_string(t.end) + ") folded=[" + t.folded +
                    "] original=[" + t.original + "]";
  if (!t.body_folded.empty() || !t.body_original.empty()) {
    out += " body=[" + t.body_folded + "|" + t.body_original + "]";
  }
  if (!t.host.empty()) out += " host=[" + t.host + "]";
  return out;
}

bool SameToken(const Token& a, const Token& b) {
  return a.kind == b.kind && a.folded == b.folded && a.original == b.original && a.body_folded == b.body_folded &&
         a.body_original == b.body_original && a.host == b.host && a.position == b.position && a.begin == b.begin &&
         a.end == b.end;
}

// Tokenizes title and text as the engine does (one stream, reused across
// calls) and compares every token, every derived view and the scan buffer
// with Tokenize(). Returns "" when equal, else a description.
std::string CompareTokenStream(internal::TokenStream& stream, std::string_view title, std::string_view text,
                               bool urls = true) {
  TokenizeOptions title_opt{urls, 0};
  std::vector<Token> want = Tokenize(title, title_opt);
  const size_t title_count = want.size();
  TokenizeOptions text_opt{urls, static_cast<int64_t>(title_count) + kTitleTextGap};
  for (Token& t : Tokenize(text, text_opt)) want.push_back(std::move(t));
  stream.Clear();
  stream.Append(title, title_opt);
  stream.Append(text, text_opt);
  std::string diff;
  std::string buffer(1, internal::kScanSep);
  size_t urls_seen = 0;
  for (size_t i = 0; i < std::max(want.size(), stream.size()); ++i) {
    if (i >= stream.size()) {
      diff += "missing #" + std::to_string(i) + ": " + TokenString(want[i]) + "\n";
      continue;
    }
    Token got = internal::ToToken(stream, i);
    if (i >= want.size()) {
      diff += "extra #" + std::to_string(i) + ": " + TokenString(got) + "\n";
      continue;
    }
    const Token& w = want[i];
    if (!SameToken(got, w)) {
      diff += "#" + std::to_string(i) + " want " + TokenString(w) + "\n   got  " + TokenString(got) + "\n";
    }
    internal::TokenRef ref = stream.Ref(i);
    const bool ref_ok = ref.kind == w.kind && ref.original == w.original && ref.body_folded == w.body_folded &&
                        ref.body_original == w.body_original &&
                        (w.kind == TokenKind::kUrl ? ref.folded.empty() : ref.folded == w.folded);
    if (!ref_ok) diff += "#" + std::to_string(i) + " Ref() differs\n";
    if (stream[i].source != (i < title_count ? 0u : 1u)) diff += "#" + std::to_string(i) + " wrong source\n";
    if (w.kind == TokenKind::kUrl) ++urls_seen;
    const size_t scan_begin = buffer.size();
    buffer += w.kind == TokenKind::kUrl ? std::string(1, internal::kScanUrlMark) : w.folded;
    buffer += internal::kScanSep;
    if (stream[i].scan_begin != scan_begin) diff += "#" + std::to_string(i) + " wrong scan_begin\n";
    for (size_t off = scan_begin; off < buffer.size(); ++off) {
      if (stream.TokenAtScanOffset(off) != i) {
        diff += "#" + std::to_string(i) + " TokenAtScanOffset(" + std::to_string(off) + ") wrong\n";
        break;
      }
    }
  }
  if (diff.empty() && stream.buffer() != buffer) diff += "scan buffer differs\n";
  if (stream.url_hosts().size() != urls_seen) diff += "url_hosts() size differs\n";
  return diff;
}

// Failure messages: control bytes escaped (fuzz_support.h).
std::string Escaped(std::string_view s) { return fuzz::Escape(s); }

TEST(TokenStream, SameAsTokenizeOnGoldenTexts) {
  internal::TokenStream stream;
  size_t checked = 0;
  for (const char* file : {"golden.tsv", "errors.tsv"}) {
    for (const Case& c : ReadTsv(file)) {
      std::vector<model::Mention> texts;
      for (const std::string& col : c.cols) {
        texts.emplace_back().text = col;  // raw: queries, metadata specs, expectations
      }
      if (std::string_view(file) == "golden.tsv" && c.cols.size() > 1) texts.push_back(MakeMention(c.cols[1]));
      for (const model::Mention& m : texts) {
        for (bool urls : {true, false}) {
          ASSERT_EQ(CompareTokenStream(stream, m.title, m.text, urls), "")
              << file << ":" << c.line << " title [" << m.title << "] text [" << m.text << "]";
          ASSERT_EQ(CompareTokenStream(stream, m.text, m.title, urls), "") << file << ":" << c.line << " swapped";
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 500u);
}

TEST(TokenStream, SameAsTokenizeOnRandomText) {
  std::mt19937 rng(20261122);
  // Pieces that exercise every rule: apostrophes of the three kinds (and
  // look-alikes that are not), elisions in any case, exception words,
  // possessives, hashtags/mentions/URLs and their refusals, combining marks,
  // ligatures, scripts with kept marks, emoji, invalid and truncated UTF-8.
  const std::vector<std::string> soup = {
      "l", "L", "d", "qu", "QU", "jusqu", "Lorsqu", "presqu", "quelqu", "aujourd", "hui", "HUI", "prud",
      "homme", "hommes", "île", "ile", "ÎLE", "un", "une", "uns", "entr", "acte", "main", "oeuvre", "œuvre",
      "'", "’", "ʼ", "‘", "´", "''", "'s", "’s", "ʼS", "s", "S", "'S ", "don", "t", "O", "Brien", "avion",
      "réseau", "RÉSEAU", "Re\xcc\x81seau", "e\xcc\x81", "\xcc\x81", "\xcc\x81\xcc\x81", "Æ", "ß", "ﬁ",
      "Ａｂｃ", "Straße", "ΣΊΣΥΦΟΣ", "Москва", "東京", "か\xe3\x82\x99", "\xe3\x82\x99", "हिन्दी", "ไทย",
      "مَرْحَبًا", "שָׁלוֹם", "한국어", "\xe1\x84\x80\xe1\x85\xa1", "2024", "٣", "①", "Ⅻ", "x²",
      "#", "##", "&#", "#grève", "#2024", "#2024JO", "#_", "#_a", "#日本", "#e\xcc\x81", "@", "@@", ".@",
      "#@", "@Free_Mobile", "@free", "@jean.dupont", "@a.", "@a..b", "@réseau", "@é", "@_", "@1",
      "contact@free.fr", "bob@mastodon.social", "http://", "https://", "HTTPS://Free.FR/A?b=1.", "http://x",
      "www.", "www.free.fr", "WWW.Free.Fr/x", "www.google", "https://user@Fr.Wikipedia.org:443/x",
      "https://fr.wikipedia.org/wiki/Free_(entreprise)", "https://x.org/@a#b", "http://.", "http://@:",
      "https://例え.jp/パス", "www.x.y).", "hhttp://a.b", "awww.b.c", "_www.a.b", " ", "  ", "\t", "\n",
      ".", ",", "!", "?", ";", ":", "-", "_", "(", ")", "]", "}", "*", "<", ">", "\"", "`", "«", "»", "…",
      "\xc2\xa0", "\xc2\xad", "\xe2\x80\x8b", "\xe2\x80\x8d", "\xef\xbb\xbf", "😀", "😡", "👍🏽",
      "👨\xe2\x80\x8d👩", "1\xef\xb8\x8f\xe2\x83\xa3", "𝐀𝐁", "𠀀", "\xef\xbf\xbd", "\xff", "\xfe", "\xc3",
      "\xa9", "\xe2\x80", "\xe2\x80\xff", "\xed\xa0\x80", "\xc0\xaf", "\xf4\x90\x80\x80", "\xf0\x9f\x98",
      "\xca", "\xe2", "\x01", "\x02", std::string(1, '\0'), "\x7f", "colis", "Colis", "livraison", "free",
      "Orange", "a", "x", "z9"};
  internal::TokenStream stream;
  auto soup_text = [&](int max_pieces) {
    std::string out;
    int n = static_cast<int>(rng() % static_cast<unsigned>(max_pieces + 1));
    for (int k = 0; k < n; ++k) {
      out += soup[rng() % soup.size()];
      if (rng() % 4 == 0) out += ' ';
    }
    return out;
  };
  auto byte_text = [&](int max_len) {
    // Bytes biased towards the ones the rules look at.
    static const std::string kBiased = "aAsSlLdqu'#@._-:/hHtTpPwW. 0\xc3\xa9\xe2\x80\x99\xca\xbc\xcc\x81\xf0\x9f";
    std::string out;
    int n = static_cast<int>(rng() % static_cast<unsigned>(max_len + 1));
    for (int k = 0; k < n; ++k) {
      out += rng() % 2 ? static_cast<char>(rng() % 256) : kBiased[rng() % kBiased.size()];
    }
    return out;
  };
  int failures = 0;
  for (int i = 0; i < 40000 && failures < 5; ++i) {
    std::string title = i % 3 == 0 ? soup_text(6) : "";
    std::string text = i % 2 == 0 ? soup_text(24) : byte_text(48);
    std::string diff = CompareTokenStream(stream, title, text, i % 7 != 0);
    if (!diff.empty()) {
      ++failures;
      ADD_FAILURE() << "title [" << Escaped(title) << "] text [" << Escaped(text) << "]\n" << diff;
    }
  }
  // Long texts: buffers grow across Append() calls on a reused stream.
  for (int i = 0; i < 200 && failures < 5; ++i) {
    std::string text = soup_text(400) + byte_text(400) + soup_text(400);
    std::string diff = CompareTokenStream(stream, soup_text(50), text);
    if (!diff.empty()) {
      ++failures;
      ADD_FAILURE() << "long text [" << Escaped(text) << "]\n" << diff;
    }
  }
}

// The full-text index's tokens (IndexTokenizer): Tokenize()'s tokens, words
// folded, hashtags and mentions without their sigil, URLs as their ASCII
// alphanumeric runs. And each word, hashtag or mention token, written as a
// query string (with its sigil), tokenizes back to itself: what
// queries::CandidateFts relies on for exact candidates.
TEST(IndexTokenizer, TokensOfTokenizeAndRoundTrip) {
  std::mt19937 rng(7);
  const std::vector<std::string> soup = {
      "l'", "L’", "avion", "aujourd'hui", "don't", "'s", "Réseau", "Re\xcc\x81seau", "cœur", "Straße", "ﬁbre",
      "Ａｂｃ", "Москва", "東京", "हिन्दी", "2024", "x²", "#grève", "#black_friday", "#2024", "@Free_Mobile",
      "@jean.dupont", "contact@free.fr", "https://Free.FR/A?b=1.", "www.free.fr", "😡", "colis", "-", ".",
      "\xff", "\xc3", " ", " ", "\n"};
  match::IndexTokenizer index;
  int failures = 0;
  for (int i = 0; i < 20000 && failures < 5; ++i) {
    std::string text;
    for (int k = static_cast<int>(rng() % 12); k > 0; --k) text += soup[rng() % soup.size()];
    std::vector<std::string> want;
    std::vector<std::string> as_query;  // per token: its query string, or "" (URL parts)
    for (const Token& t : Tokenize(text)) {
      if (t.kind == TokenKind::kWord) {
        want.push_back(t.folded);
        as_query.push_back(t.folded);
      } else if (t.kind == TokenKind::kHashtag) {
        want.push_back(t.body_folded);
        as_query.push_back("#" + t.body_folded);
      } else if (t.kind == TokenKind::kMention) {
        want.push_back(t.folded.substr(1));
        as_query.push_back(t.folded);
      } else {
        std::string run;
        for (char c : t.original + " ") {
          if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            run += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
          } else if (!run.empty()) {
            want.push_back(run);
            as_query.push_back("");
            run.clear();
          }
        }
      }
    }
    std::vector<std::string> got;
    index.ForEach(text, [&](std::string_view tok, size_t b, size_t e) {
      EXPECT_LE(b, e);
      EXPECT_LE(e, text.size());
      got.emplace_back(tok);
      return true;
    });
    if (got != want) {
      ++failures;
      ADD_FAILURE() << "text [" << Escaped(text) << "]";
      continue;
    }
    for (size_t k = 0; k < want.size(); ++k) {
      if (as_query[k].empty()) continue;
      std::vector<std::string> back;
      index.ForEach(as_query[k], [&](std::string_view tok, size_t, size_t) {
        back.emplace_back(tok);
        return true;
      });
      if (back != std::vector<std::string>{want[k]}) {
        ++failures;
        ADD_FAILURE() << "query string [" << Escaped(as_query[k]) << "] does not give back [" << Escaped(want[k])
                      << "] (from text [" << Escaped(text) << "])";
      }
    }
  }
}

TEST(Tokenize, WildcardMatchesIsWildcardMatch) {
  std::mt19937 rng(99);
  const std::vector<std::string> cps = {"a", "b", "é", "東", "😀", "?", "\x80", "\xc3", "\xe2\x80", "e\xcc\x81"};
  auto random = [&](size_t max) {
    std::string s;
    for (size_t k = rng() % (max + 1); k > 0; --k) s += cps[rng() % cps.size()];
    return s;
  };
  int matches = 0;
  for (int i = 0; i < 50000; ++i) {
    std::string pattern = random(4);
    if (rng() % 2) pattern += '*';
    std::string word = rng() % 3 == 0 ? pattern.substr(0, rng() % (pattern.size() + 1)) + random(3) : random(5);
    bool want = WildcardMatch(pattern, word);
    ASSERT_EQ(internal::WildcardMatches(pattern, word), want) << "[" << pattern << "] [" << word << "]";
    matches += want ? 1 : 0;
  }
  EXPECT_GT(matches, 1000);
}

TEST(Lint, Warnings) {
  auto codes = [](std::string_view s, const QueryResolver* r = nullptr) {
    auto q = Parse(s);
    EXPECT_TRUE(q.ok()) << s;
    std::string out;
    for (const LintWarning& w : Lint(*q, r)) out += "[" + std::to_string(w.column) + " " + w.code + "]";
    return out;
  };
  EXPECT_EQ(codes("pixmania AND livraison"), "");
  EXPECT_EQ(codes("NOT emploi"), "[1 only-not]");
  EXPECT_EQ(codes("-emploi -stage"), "[1 only-not]");
  EXPECT_EQ(codes("NOT x OR y"), "[1 only-not]");
  EXPECT_EQ(codes("(x OR y) NEAR/3 z"), "[2 or-in-near]");
  EXPECT_EQ(codes("li* OR livr*"), "[1 short-wildcard]");
  EXPECT_EQ(codes("\"li* x\""), "[2 short-wildcard]");
  EXPECT_EQ(codes("free AND le"), "[10 stop-word]");
  EXPECT_EQ(codes("free the"), "[6 stop-word]");
  EXPECT_EQ(codes("x NEAR/51 y"), "[1 near-too-far]");
  EXPECT_EQ(codes("x NEAR/50 y"), "");
  EXPECT_EQ(codes("\"x y\"~80"), "[1 near-too-far]");
  EXPECT_EQ(codes("colis OR paquet OR colis"), "[20 duplicate-or]");
  EXPECT_EQ(codes("(x y) OR (x AND y)"), "[11 duplicate-or]");
  EXPECT_EQ(codes("free or orange"), "[6 lowercase-operator]");
  QuerySet set;
  ASSERT_TRUE(set.Add("delivery_terms", "livraison OR colis").ok());
  EXPECT_EQ(codes("@delivery_terms @free", &set), "[1 reference][17 mention]");
  auto q = Parse("@delivery_terms @free", &set);
  ASSERT_TRUE(q.ok());
  std::vector<LintWarning> w = Lint(*q, &set);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0].message, "@delivery_terms refers to query delivery_terms");
  EXPECT_EQ(w[1].message, "@free is a mention (no query named free)");
}

TEST(References, ResolveAndCycles) {
  QuerySet set;
  ASSERT_TRUE(set.Add("telemax_brand", "telemax OR \"tele max\"").ok());
  ASSERT_TRUE(set.Add("delivery_terms", "livraison OR colis").ok());
  EXPECT_FALSE(set.Add("telemax_brand", "x").ok());
  EXPECT_FALSE(set.Add("bad name", "x").ok());
  auto bad = set.Add("broken", "(a");
  EXPECT_EQ(bad.message(), "query \"broken\": col 3: unbalanced parenthesis: '(' at col 1 is never closed");
  EXPECT_TRUE(set.CheckCycles().ok());

  auto q = Parse("@telemax_brand AND @delivery_terms", &set);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->root.children[0].kind, NodeKind::kRef);
  model::Mention m;
  m.text = "Ma livraison Tele Max est en retard @telemax_brand";
  MatchResult r = ReferenceMatch(*q, m, &set);
  EXPECT_TRUE(r.matched);
  EXPECT_EQ(r.spans.size(), 3u);  // livraison, Tele, Max
  m.text = "Tele Max";
  EXPECT_FALSE(ReferenceMatch(*q, m, &set).matched);

  // Parsed without a resolver: @name is a mention term, resolved at match time.
  auto q2 = Parse("@telemax_brand AND @delivery_terms");
  ASSERT_TRUE(q2.ok());
  EXPECT_EQ(q2->root.children[0].kind, NodeKind::kTerm);
  m.text = "telemax colis";
  EXPECT_TRUE(ReferenceMatch(*q2, m, &set).matched);
  EXPECT_FALSE(ReferenceMatch(*q2, m, nullptr).matched);
  m.text = "@telemax_brand @delivery_terms";
  EXPECT_TRUE(ReferenceMatch(*q2, m, nullptr).matched);

  QuerySet cyc;
  ASSERT_TRUE(cyc.Add("a", "x OR @b").ok());
  ASSERT_TRUE(cyc.Add("b", "y AND @c").ok());
  ASSERT_TRUE(cyc.Add("c", "@a OR z").ok());
  EXPECT_EQ(cyc.CheckCycles().message(), "reference cycle: a -> b -> c -> a");
  auto qa = Parse("@a");
  ASSERT_TRUE(qa.ok());
  EXPECT_EQ(CheckCycles("top", *qa, cyc).message(), "reference cycle: a -> b -> c -> a");
  m.text = "y";
  MatchResult cr = ReferenceMatch(*cyc.Find("b"), m, &cyc);
  EXPECT_FALSE(cr.matched);
  EXPECT_EQ(cr.error, "reference cycle: c -> a -> b -> c");
  m.text = "x";
  EXPECT_TRUE(ReferenceMatch(*cyc.Find("a"), m, &cyc).matched);
  auto unknown = Parse("free", &cyc);
  ASSERT_TRUE(unknown.ok());
  Query ref;
  ref.root.kind = NodeKind::kRef;
  ref.root.ref_name = "nope";
  EXPECT_EQ(ReferenceMatch(ref, m, &cyc).error, "unknown query \"nope\"");
  QuerySet self;
  ASSERT_TRUE(self.Add("s", "@s OR x").ok());
  EXPECT_EQ(self.CheckCycles().message(), "reference cycle: s -> s");
}

// Random bytes and random token soup: Parse never crashes; what parses
// round-trips and can be matched.
TEST(Robustness, RandomQueries) {
  std::mt19937 rng(12345);
  const std::vector<std::string> soup = {
      "AND", "OR", "NOT", "-", "(", ")", "\"", "{", "}", "NEAR/2", "ONEAR/0", "NEAR", "~3", "*", "?",
      "colis", "réseau", "l'avion", "#grève", "@free", "livr*", "c?lis", "lang:fr", "followers:>10",
      "site:free.fr", "lang2:x", "😀", "\xff", "'", "’", ":", "@@", "#", "a", "and", "\"pix mania\"~2",
      " ", " ", " ", "\t", "severity:>=high", "{Orange}", "www.x.fr", "https://a.b"};
  model::Mention m;
  m.title = "Réseau Free";
  m.text = "l'avion colis livraison #grève @free pix mania https://free.fr a b c";
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string q;
    int len = static_cast<int>(rng() % 12) + 1;
    if (i % 3 == 0) {
      for (int k = 0; k < len * 3; ++k) q += static_cast<char>(rng() % 256);
    } else {
      for (int k = 0; k < len; ++k) {
        q += soup[rng() % soup.size()];
        if (rng() % 2) q += ' ';
      }
    }
    ParseError err;
    auto r = ParseWithError(q, &err);
    if (!r.ok()) {
      ASSERT_GE(err.column, 1) << q;
      ASSERT_EQ(r.status().message().rfind("col ", 0), 0u) << q;
      continue;
    }
    ++parsed;
    std::string canon = ToString(*r);
    auto r2 = Parse(canon);
    ASSERT_TRUE(r2.ok()) << "query: " << q << "\ncanonical: " << canon << "\n" << r2.status().ToString();
    ASSERT_EQ(ToString(*r2), canon) << q;
    ASSERT_EQ(ReferenceMatch(*r2, m).matched, ReferenceMatch(*r, m).matched) << q;
    (void)Lint(*r);
    (void)TreeString(*r);
  }
  EXPECT_GT(parsed, 1000);
}

// Random texts: tokenizing and matching never crash, spans stay in bounds.
TEST(Robustness, RandomTexts) {
  std::mt19937 rng(4242);
  const std::vector<std::string> pieces = {"l'", "avion", "’", "#", "@", "free", "https://", "www.", "x.fr", "😀",
                                           "\xc3", "\xa9", "é", " ", " ", ".", "'s", "aujourd'hui", "\n", "2024"};
  std::vector<Query> queries;
  for (std::string_view text : {"avion", "\"l'avion\"", "free NEAR/2 avion", "livr* OR #free OR @free",
                                "site:x.fr", "\"avion free\"~3", "{Free} -2024"}) {
    auto q = Parse(text);
    ASSERT_TRUE(q.ok()) << text;
    queries.push_back(std::move(q).value());
  }
  for (int i = 0; i < 3000; ++i) {
    model::Mention m;
    for (std::string* f : {&m.title, &m.text}) {
      int n = static_cast<int>(rng() % 20);
      for (int k = 0; k < n; ++k) *f += pieces[rng() % pieces.size()];
    }
    int64_t last = -1;
    for (const Token& t : Tokenize(m.text)) {
      ASSERT_LT(t.begin, t.end);
      ASSERT_LE(t.end, m.text.size());
      ASSERT_EQ(t.position, last + 1);
      last = t.position;
    }
    for (const Query& q : queries) {
      MatchResult r = ReferenceMatch(q, m);
      for (const MatchSpan& sp : r.spans) {
        ASSERT_LE(sp.end, (sp.field == MentionField::kTitle ? m.title : m.text).size());
      }
    }
  }
}

}  // namespace
}  // namespace ecoute::match
