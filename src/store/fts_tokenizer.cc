#include "store/fts_tokenizer.h"

#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "match/index_tokens.h"

namespace ecoute::store::internal {
namespace {

// One per FTS5 table instance on a connection; a connection is used by one
// thread at a time, so the scratch state needs no lock.
struct Tokenizer {
  match::IndexTokenizer words;
};

int Create(void*, const char** args, int nargs, Fts5Tokenizer** out) {
  (void)args;
  if (nargs != 0) return SQLITE_ERROR;  // the tokenizer takes no options
  Tokenizer* t = new (std::nothrow) Tokenizer();
  if (t == nullptr) return SQLITE_NOMEM;
  *out = reinterpret_cast<Fts5Tokenizer*>(t);
  return SQLITE_OK;
}

void Delete(Fts5Tokenizer* p) { delete reinterpret_cast<Tokenizer*>(p); }

struct TokenizeCall {
  void* ctx;
  int (*token)(void*, int, const char*, int, int, int);
  int rc = SQLITE_OK;
};

bool EmitToken(void* arg, std::string_view tok, size_t begin, size_t end) {
  auto* call = static_cast<TokenizeCall*>(arg);
  call->rc = call->token(call->ctx, 0, tok.data(), static_cast<int>(tok.size()), static_cast<int>(begin),
                         static_cast<int>(end));
  return call->rc == SQLITE_OK;
}

int Tokenize(Fts5Tokenizer* p, void* ctx, int /*flags*/, const char* text, int n,
             int (*token)(void*, int, const char*, int, int, int)) {
  Tokenizer* t = reinterpret_cast<Tokenizer*>(p);
  TokenizeCall call{ctx, token};
  try {
    t->words.ForEach(std::string_view(text, n > 0 ? static_cast<size_t>(n) : 0), &EmitToken, &call);
  } catch (const std::bad_alloc&) {
    return SQLITE_NOMEM;
  }
  return call.rc;
}

}  // namespace

fts5_api* Fts5Api(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, nullptr) != SQLITE_OK) return nullptr;
  sqlite3_bind_pointer(st, 1, reinterpret_cast<void*>(&api), "fts5_api_ptr", nullptr);
  sqlite3_step(st);
  sqlite3_finalize(st);
  return api;
}

base::Status RegisterFtsTokenizer(sqlite3* db) {
  fts5_api* api = Fts5Api(db);
  if (api == nullptr || api->iVersion < 2)
    return base::Status::Internal("SQLite was built without FTS5 (fts5_api version 2 needed)");
  fts5_tokenizer t{&Create, &Delete, &Tokenize};
  if (api->xCreateTokenizer(api, "ecoute", nullptr, &t, nullptr) != SQLITE_OK)
    return base::Status::Internal(std::string("cannot register the ecoute FTS5 tokenizer: ") + sqlite3_errmsg(db));
  return base::Status::Ok();
}

}  // namespace ecoute::store::internal
