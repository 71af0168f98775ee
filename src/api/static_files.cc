#include "api/static_files.h"

#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>
#include <vector>

#include "api/params.h"

namespace ecoute::api {

namespace fs = std::filesystem;

namespace {

constexpr const char* kOctetStream = "application/octet-stream";

constexpr const char* kNotBuiltPage =
    "<!doctype html>\n"
    "<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ecoute</title></head>\n"
    "<body>\n"
    "<h1>ecoute</h1>\n"
    "<p>The web app is not built. In the source tree, run <code>make build</code> (needs Node.js and npm), "
    "then reload this page; or start the server with <code>ecoute serve --web-root DIR</code> "
    "(configuration: <code>server.web_root</code>) pointing at a built copy.</p>\n"
    "<p>The HTTP API answers under <code>/api/v1/</code> (docs/api/openapi.yaml).</p>\n"
    "</body></html>\n";

Reply NotFound(std::string_view path) {
  return ErrorReply(404, "not_found", "no file or route for " + QuoteValue(path));
}

Reply BadPath(std::string_view why) { return ErrorReply(400, "invalid_argument", why, "path"); }

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Whether `p` is `root` or below it (both canonical).
bool Inside(const fs::path& p, const fs::path& root) {
  const std::string& ps = p.native();
  const std::string& rs = root.native();
  if (!StartsWith(ps, rs)) return false;
  return ps.size() == rs.size() || rs.back() == '/' || ps[rs.size()] == '/';
}

void AddHtmlHeaders(Reply& r) {
  r.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
  r.headers.emplace_back("Referrer-Policy", "same-origin");
}

}  // namespace

const char* ContentTypeFor(std::string_view filename) {
  const size_t dot = filename.rfind('.');
  if (dot == std::string_view::npos) return nullptr;
  const std::string ext = ToLowerAscii(filename.substr(dot + 1));
  static const std::pair<const char*, const char*> kTypes[] = {
      {"html", kHtmlType},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"ico", "image/x-icon"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"webmanifest", "application/manifest+json"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [e, type] : kTypes) {
    if (ext == e) return type;
  }
  return nullptr;
}

StaticFiles::StaticFiles(std::string web_root) : root_(std::move(web_root)) {}

bool StaticFiles::IsAppRequest(const httplib::Request& req) {
  if (req.method != "GET" && req.method != "HEAD") return false;
  const std::string& p = req.path;
  if (p == "/api" || StartsWith(p, "/api/")) return false;
  return p != "/healthz" && p != "/metrics";
}

bool StaticFiles::built() const {
  if (root_.empty()) return false;
  std::error_code ec;
  return fs::is_regular_file(fs::path(root_) / "index.html", ec);
}

Reply StaticFiles::Serve(const httplib::Request& req) const {
  // httplib has percent-decoded the path: "%2e%2e" arrives as "..".
  const std::string& path = req.path;
  if (path.empty() || path.front() != '/') return BadPath("the path must start with /");
  if (path.find('\0') != std::string::npos) return BadPath("the path holds a NUL byte");
  if (path.find('\\') != std::string::npos) return BadPath("the path holds a backslash");
  std::vector<std::string_view> segments;
  for (std::string_view rest = std::string_view(path).substr(1); !rest.empty();) {
    const size_t slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    if (seg == "." || seg == "..") return BadPath("the path holds a '" + std::string(seg) + "' segment");
    if (!seg.empty() && seg.front() == '.') return NotFound(path);  // hidden files are not part of the app
    if (!seg.empty()) segments.push_back(seg);
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  const bool has_extension = !segments.empty() && segments.back().find('.') != std::string_view::npos;
  const bool is_index = segments.empty() || (segments.size() == 1 && segments[0] == "index.html");

  std::error_code ec;
  const fs::path root = root_.empty() ? fs::path() : fs::canonical(root_, ec);
  if (root_.empty() || ec) return is_index ? NotBuilt() : NotFound(path);

  if (!segments.empty()) {
    fs::path candidate = root;
    for (std::string_view seg : segments) candidate /= fs::path(seg);
    const fs::path real = fs::canonical(candidate, ec);
    if (!ec) {
      if (!Inside(real, root)) return NotFound(path);  // a symbolic link out of the root
      if (fs::is_regular_file(real, ec)) return File(real, path);
    }
  }
  if (has_extension && !is_index) return NotFound(path);
  // A client-side route: the app's page.
  const fs::path index = fs::canonical(root / "index.html", ec);
  if (ec || !fs::is_regular_file(index, ec)) return is_index ? NotBuilt() : NotFound(path);
  if (!Inside(index, root)) return NotFound(path);
  return File(index, "/index.html");
}

Reply StaticFiles::File(const fs::path& path, std::string_view url_path) const {
  std::error_code ec;
  const uintmax_t size = fs::file_size(path, ec);
  if (ec) return ErrorReply(500, "internal", "cannot read " + QuoteValue(url_path) + ": " + ec.message());
  if (size > kMaxFileBytes)
    return ErrorReply(500, "internal",
                      QuoteValue(url_path) + " is larger than " + std::to_string(kMaxFileBytes) + " bytes");
  std::ifstream in(path, std::ios::binary);
  Reply r;
  r.body.reserve(static_cast<size_t>(size));
  r.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return ErrorReply(500, "internal", "cannot read " + QuoteValue(url_path));
  const char* type = ContentTypeFor(path.filename().native());
  r.content_type = type != nullptr ? type : kOctetStream;
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Cache-Control",
                         StartsWith(url_path, "/assets/") ? "public, max-age=31536000, immutable" : "no-cache");
  if (std::string_view(r.content_type) == kHtmlType) AddHtmlHeaders(r);
  return r;
}

Reply StaticFiles::NotBuilt() const {
  Reply r;
  r.body = kNotBuiltPage;
  r.content_type = kHtmlType;
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Cache-Control", "no-cache");
  AddHtmlHeaders(r);
  return r;
}

}  // namespace ecoute::api
