#include "match/index_tokens.h"

#include "match/token_stream.h"
#include "text/text.h"

namespace ecoute::match {

class IndexTokenizer::Impl {
 public:
  internal::TokenStream stream;
  std::string folded;
};

IndexTokenizer::IndexTokenizer() : impl_(std::make_unique<Impl>()) {}
IndexTokenizer::~IndexTokenizer() = default;

void IndexTokenizer::ForEach(std::string_view text, Callback callback, void* ctx) {
  auto fn = [callback, ctx](std::string_view tok, size_t b, size_t e) { return callback(ctx, tok, b, e); };
  internal::TokenStream& s = impl_->stream;
  s.Clear();
  s.Append(text);
  for (size_t i = 0; i < s.size(); ++i) {
    const internal::StreamToken& t = s[i];
    std::string_view f = s.folded(i);
    switch (t.kind) {
      case TokenKind::kWord:
        if (!fn(f, t.begin, t.end)) return;
        break;
      case TokenKind::kHashtag:
      case TokenKind::kMention:
        // Scan bytes are '#' + folded body / '@' + lowercase handle.
        if (!f.empty()) f.remove_prefix(1);
        if (!fn(f, t.begin, t.end)) return;
        break;
      case TokenKind::kUrl: {
        std::string_view url = s.original(i);
        for (size_t k = 0; k < url.size();) {
          auto alnum = [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
          };
          while (k < url.size() && !alnum(url[k])) ++k;
          const size_t b = k;
          while (k < url.size() && alnum(url[k])) ++k;
          if (k == b) continue;
          impl_->folded.clear();
          text::FoldAppend(url.substr(b, k - b), impl_->folded);
          if (!fn(impl_->folded, t.begin + b, t.begin + k)) return;
        }
        break;
      }
    }
  }
}

}  // namespace ecoute::match
