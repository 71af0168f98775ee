// Internal to the api module: the web app (ServerOptions::web_root) served
// on every GET or HEAD outside /api/ (and /healthz, /metrics), without
// credentials, so that the app's sign-in page loads.
//
//   - A path naming a regular file under the root serves it, with the
//     content type of its extension (ContentTypeFor; others are
//     application/octet-stream) and `X-Content-Type-Options: nosniff`.
//   - A path without an extension that is not a file (a client-side route
//     such as /inbox/42, or /) serves index.html; a missing path with an
//     extension is 404 (the API's JSON error).
//   - Cache-Control: files under /assets/ (content-hashed names) are
//     `public, max-age=31536000, immutable`; everything else, index.html
//     included, `no-cache`.
//   - HTML gets kContentSecurityPolicy, `Referrer-Policy: same-origin` and
//     nosniff.
//   - Refused: a `..` or `.` segment, a NUL or a backslash (400); a segment
//     starting with a dot (404); a path that resolves (symbolic links
//     followed) outside the root (404).
//   - Without index.html (web_root empty, or the app not built), GET /
//     answers 200 with a short HTML page saying how to build it
//     (kNotBuiltPage); other app routes are 404.
//
// Files are read from disk on each request (they are small, and the OS page
// cache keeps them): a rebuilt app is served at once, without a restart.
// Files larger than kMaxFileBytes are refused (500).
//
// Thread-safety: Serve() is const and may be called concurrently.
#pragma once

#include <httplib.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "api/reply.h"

namespace ecoute::api {

inline constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
inline constexpr const char* kHtmlType = "text/html; charset=utf-8";

// The content type of a file name's extension (".js", case-insensitive);
// nullptr when it is not one the web app uses.
const char* ContentTypeFor(std::string_view filename);

class StaticFiles {
 public:
  static constexpr size_t kMaxFileBytes = 64 << 20;

  // `web_root`: the directory of the built app (index.html, assets/...);
  // empty = no web app. It need not exist yet.
  explicit StaticFiles(std::string web_root);

  // Whether `req` is for the web app rather than the API: GET or HEAD, and
  // a path neither /api nor under /api/, nor /healthz or /metrics.
  static bool IsAppRequest(const httplib::Request& req);

  // The reply to a request for which IsAppRequest() holds.
  Reply Serve(const httplib::Request& req) const;

  // Whether index.html is there now; the root as given.
  bool built() const;
  const std::string& root() const { return root_; }

 private:
  // The file at `path` (absolute, resolved), with the headers of its kind.
  Reply File(const std::filesystem::path& path, std::string_view url_path) const;
  Reply NotBuilt() const;

  const std::string root_;
};

}  // namespace ecoute::api
