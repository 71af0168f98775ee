// The words of a text as ecoute's full-text index sees them: exactly the
// tokens of Tokenize() (docs/query-language.md, "Tokens"), each folded as
// the matchers fold it, so that a query's terms and the index agree (the
// store's FTS5 tokenizer "ecoute" calls this for documents and for query
// strings alike):
//   word      its folded form ("Réseau" -> "reseau", "cœur" -> "coeur",
//             "l'" and "aujourd'hui" as Tokenize() splits them)
//   #hashtag  the folded tag, without '#' (so the word finds it too)
//   @mention  the lowercase handle, without '@'
//   URL       the folded runs of ASCII letters and digits of the URL, each
//             a token ("https://Free.fr/x" -> https free fr x)
#pragma once

#include <cstddef>
#include <type_traits>
#include <memory>
#include <string>
#include <string_view>

namespace ecoute::match {

// Reusable scratch state: not thread-safe, use one per thread. After
// warm-up it does not allocate per call.
class IndexTokenizer {
 public:
  IndexTokenizer();
  ~IndexTokenizer();
  IndexTokenizer(const IndexTokenizer&) = delete;
  IndexTokenizer& operator=(const IndexTokenizer&) = delete;

  // Calls `fn(ctx, token, begin, end)` for each index token of `text`, in
  // order; [begin, end) is the byte span of the text it comes from. Stops
  // early when `fn` returns false. `token` is valid during the call only.
  using Callback = bool (*)(void* ctx, std::string_view token, size_t begin, size_t end);
  void ForEach(std::string_view text, Callback fn, void* ctx);

  // The same with any callable `fn(token, begin, end) -> bool`.
  template <typename Fn>
  void ForEach(std::string_view text, Fn&& fn) {
    ForEach(
        text,
        [](void* ctx, std::string_view token, size_t begin, size_t end) {
          return (*static_cast<std::remove_reference_t<Fn>*>(ctx))(token, begin, end);
        },
        static_cast<void*>(&fn));
  }

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecoute::match
