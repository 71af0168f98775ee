// Internal to the match module: the engine's allocation-free tokenizer.
//
// TokenStream produces exactly the tokens of Tokenize() (same kinds, folded
// forms, positions and byte spans; match_test checks this differentially),
// but stores them as offsets into buffers it owns and reuses, and writes the
// engine's scan buffer while tokenizing:
//
//   kScanSep tok kScanSep tok kScanSep ...
//
// with words and mentions as folded, hashtags as '#' + folded body and URLs
// as kScanUrlMark. After warm-up (buffers grown to the largest message seen)
// Append() does not allocate. Not part of the public API; include only from
// src/match/*.cc.
//
// Thread-safety: a TokenStream is a mutable scratch object; use one per
// thread (the engine keeps them in its scratch pool). The one-time character
// class table it reads is built thread-safely on first use.

#ifndef ECOUTE_MATCH_TOKEN_STREAM_H_
#define ECOUTE_MATCH_TOKEN_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "match/tokenize.h"

namespace ecoute::match::internal {

inline constexpr char kScanSep = '\x01';
inline constexpr char kScanUrlMark = '\x02';

// The string fields of a Token that term matching reads, as views.
struct TokenRef {
  TokenKind kind = TokenKind::kWord;
  std::string_view folded;         // as Token::folded (TokenStream: empty for URLs)
  std::string_view original;       // as Token::original
  std::string_view body_folded;    // hashtags only
  std::string_view body_original;  // hashtags only
};

struct StreamToken {
  TokenKind kind = TokenKind::kWord;
  uint32_t source = 0;   // index of the Append() call that produced it
  int64_t position = 0;  // as Token::position
  size_t begin = 0;      // byte span [begin, end) in that Append()'s text
  size_t end = 0;
  size_t scan_begin = 0;  // first byte of the token in buffer()
  size_t folded_len = 0;  // bytes of the folded form there; 0 for URLs (one kScanUrlMark)
  uint32_t host = 0;      // URLs: index into url_hosts()
};

class TokenStream {
 public:
  TokenStream();

  // Forgets all tokens and texts; keeps the buffers' capacity.
  void Clear();

  // Appends the tokens of `text`, exactly those of Tokenize(text, options).
  // `text` is not copied: it must outlive every use of original() and
  // Ref() for these tokens.
  void Append(std::string_view text, const TokenizeOptions& options = {});

  size_t size() const { return tokens_.size(); }
  bool empty() const { return tokens_.empty(); }
  const StreamToken& operator[](size_t i) const { return tokens_[i]; }

  // kScanSep, then each token's scan bytes followed by kScanSep. Valid
  // until the next Clear() or Append().
  std::string_view buffer() const { return std::string_view(buffer_.data(), used_); }

  // buffer() followed by kScanPadding zero bytes, which no scan pattern can
  // match (patterns start with kScanSep and hold only separators and folded
  // text). What the engine gives Vectorscan: libvectorscan 5.4.9's AVX-512
  // code misses matches near the end of a block at some buffer alignments
  // (cf. vectorscan PR #378); with the padding the real bytes are never in
  // that tail. Valid until the next Clear() or Append().
  std::string_view padded_buffer() const { return std::string_view(buffer_.data(), used_ + kScanPadding); }
  static constexpr size_t kScanPadding = 64;

  // Index of the token whose scan bytes or trailing separator hold byte
  // `offset` of buffer() (0 < offset < buffer().size(), tokens non-empty).
  size_t TokenAtScanOffset(size_t offset) const;

  std::string_view folded(size_t i) const {
    return std::string_view(buffer_.data() + tokens_[i].scan_begin, tokens_[i].folded_len);
  }
  std::string_view original(size_t i) const {
    const StreamToken& t = tokens_[i];
    return sources_[t.source].substr(t.begin, t.end - t.begin);
  }
  TokenRef Ref(size_t i) const;

  // Lowercase hosts of the URL tokens, in token order (as Token::host).
  std::span<const std::string> url_hosts() const {
    return std::span<const std::string>(hosts_.data(), host_count_);
  }

 private:
  // Starts a token at the end of the buffer; its scan bytes are put next,
  // then CloseToken() ends it.
  void Emit(TokenKind kind, size_t begin, size_t end) {
    StreamToken& t = tokens_.emplace_back();
    t.kind = kind;
    t.source = static_cast<uint32_t>(sources_.size() - 1);
    t.position = position_++;
    t.begin = begin;
    t.end = end;
    t.scan_begin = used_;
  }
  void CloseToken() {
    StreamToken& t = tokens_.back();
    t.folded_len = t.kind == TokenKind::kUrl ? 0 : used_ - t.scan_begin;
    Put(kScanSep);
  }
  // Room for `bytes` more at buffer_.data() + used_.
  char* Room(size_t bytes) {
    if (used_ + bytes > buffer_.size()) Grow(bytes);
    return buffer_.data() + used_;
  }
  void Put(char c) {
    *Room(1) = c;
    ++used_;
  }
  void Put(std::string_view v);
  void PutFolded(std::string_view v);      // text::Fold(v)
  void PutAsciiLower(std::string_view v);  // v with A-Z lowered
  void Grow(size_t bytes);
  void AppendTokens(std::string_view text, const TokenizeOptions& options);  // Append() without Pad()
  void Pad();  // writes the kScanPadding zero bytes after the used part
  std::string& NextHost();

  std::vector<StreamToken> tokens_;
  std::vector<std::string_view> sources_;
  std::string buffer_;  // the first used_ bytes are the scan buffer; the rest is room
  size_t used_ = 0;
  std::vector<std::string> hosts_;  // first host_count_ are in use; the rest keep capacity
  size_t host_count_ = 0;
  int64_t position_ = 0;
  std::string head_;    // scratch of the apostrophe rules
  std::string joined_;  // scratch of the apostrophe rules
  std::string fold_;    // scratch of PutFolded
};

// Token `i` of `stream` as Tokenize() returns it (for tests and debugging;
// allocates). `folded` of a URL is its ASCII-lowercased original.
Token ToToken(const TokenStream& stream, size_t i);

}  // namespace ecoute::match::internal

#endif  // ECOUTE_MATCH_TOKEN_STREAM_H_
