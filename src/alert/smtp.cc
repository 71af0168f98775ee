// SMTP of ecoute: the shared pieces (smtp.h) and the alert notifier's SMTP
// transport (notifier.h): SmtpMessage, MakeSmtpNotifier.
#include "alert/smtp.h"

#include <curl/curl.h>
#include <sodium.h>
#include <time.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <utility>

namespace ecoute::alert {
namespace smtp {
namespace {

std::string Base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string HeaderText(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  return out;
}

std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> lines;
  std::string cur;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' || text[i] == '\n') {
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      lines.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += text[i];
    }
  }
  lines.push_back(std::move(cur));
  return lines;
}

std::string EncodedWords(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = std::min(text.size(), i + 39);
    while (end < text.size() && end > i + 1 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    if (i > 0) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(text.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string UnstructuredHeader(std::string_view name, std::string_view text) {
  const std::string head = std::string(name) + ": ";
  if (IsAscii(text) && text.find("=?") == std::string_view::npos && head.size() + text.size() <= 78) {
    return head + std::string(text);
  }
  return head + EncodedWords(text);
}

std::string DateHeader(base::Timestamp now_ms) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const time_t secs = static_cast<time_t>(now_ms >= 0 ? now_ms / 1000 : (now_ms - 999) / 1000);
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday], tm.tm_mday,
                kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

void AppendQuotedPrintable(std::string_view line, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string cur;
  for (size_t i = 0; i < line.size(); ++i) {
    const auto u = static_cast<unsigned char>(line[i]);
    const bool last = i + 1 == line.size();
    std::string token;
    if ((u >= 33 && u <= 126 && u != '=') || ((u == ' ' || u == '\t') && !last)) {
      token = static_cast<char>(u);
    } else {
      token = {'=', kHex[u >> 4], kHex[u & 15]};
    }
    if (cur.size() + token.size() > 75) {
      out += cur;
      out += "=\r\n";
      cur.clear();
    }
    cur += token;
  }
  out += cur;
  out += kCrlf;
}

std::string AddressProblem(std::string_view a, bool allow_address_literal) {
  if (a.empty()) return "empty";
  if (a.size() > 254) return "longer than 254 characters";
  const size_t at = a.rfind('@');
  if (at == std::string_view::npos) return "no '@'";
  const std::string_view local = a.substr(0, at), domain = a.substr(at + 1);
  if (local.empty() || local.size() > 64) return "local part empty or longer than 64 characters";
  static constexpr std::string_view kAtext = "!#$%&'*+-/=?^_`{|}~.";
  for (char c : local) {
    const auto u = static_cast<unsigned char>(c);
    if (!(std::isalnum(u) && u < 0x80) && kAtext.find(c) == std::string_view::npos) {
      return "character not allowed in the local part";
    }
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return "misplaced '.' in the local part";
  }
  if (domain.empty()) return "empty domain";
  if (domain.front() == '[') {
    if (!allow_address_literal) return "bad domain";
    if (domain.back() != ']' || domain.size() < 3) return "bad address literal";
    for (char c : domain.substr(1, domain.size() - 2)) {
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != '.' && c != ':' && c != 'I' && c != 'P' &&
          c != 'v') {
        return "bad address literal";
      }
    }
    return "";
  }
  size_t start = 0;
  while (start <= domain.size()) {
    const size_t dot = std::min(domain.find('.', start), domain.size());
    const std::string_view label = domain.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return "bad domain";
    for (char c : label) {
      const auto u = static_cast<unsigned char>(c);
      if (!(u < 0x80 && std::isalnum(u)) && c != '-') return "bad domain";
    }
    start = dot + 1;
  }
  return "";
}

base::Status CheckAddress(std::string_view field, std::string_view address, bool allow_address_literal) {
  const std::string problem = AddressProblem(address, allow_address_literal);
  if (problem.empty()) return base::Status::Ok();
  return base::Status::InvalidArgument(std::string(field) + ": not an e-mail address (" + problem + "): \"" +
                                       HeaderText(address) + "\"");
}

base::Status CheckSmtpUrl(std::string_view field_view, const std::string& url, std::string_view shown_view) {
  const std::string field(field_view), shown(shown_view);
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), &curl_url_cleanup);
  if (u == nullptr) return base::Status::Internal(field + ": curl_url failed");
  if (curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return base::Status::InvalidArgument(field + ": not a URL: " + shown);
  }
  auto part = [&](CURLUPart which) {
    char* p = nullptr;
    std::string s;
    if (curl_url_get(u.get(), which, &p, 0) == CURLUE_OK && p != nullptr) s = p;
    curl_free(p);
    return s;
  };
  const std::string scheme = part(CURLUPART_SCHEME);
  if (scheme != "smtp" && scheme != "smtps") {
    return base::Status::InvalidArgument(field + ": scheme must be smtp or smtps: " + shown);
  }
  if (url.find("://") == std::string::npos || part(CURLUPART_HOST).empty()) {
    return base::Status::InvalidArgument(field + ": no host: " + shown);
  }
  return base::Status::Ok();
}

base::Status CurlGlobalInit() {
  static std::once_flag once;
  static CURLcode rc = CURLE_OK;
  std::call_once(once, [] { rc = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (rc != CURLE_OK) return base::Status::Internal(std::string("curl_global_init: ") + curl_easy_strerror(rc));
  return base::Status::Ok();
}

// ------------------------------------------------------------------ Client

struct Client::Impl {
  Options options;
  std::unique_ptr<CURL, CurlDeleter> curl;
  std::unique_ptr<curl_slist, SlistDeleter> rcpt;
  std::string from;  // "<options.from>"
  std::string message;  // of the attempt in progress
  size_t sent = 0;
  std::vector<std::string> replies;  // server lines of the attempt in progress
  char errbuf[CURL_ERROR_SIZE] = {};

  static size_t Read(char* buf, size_t size, size_t n, void* self_ptr) {
    auto* self = static_cast<Impl*>(self_ptr);
    const size_t len = std::min(size * n, self->message.size() - self->sent);
    std::copy_n(self->message.data() + self->sent, len, buf);
    self->sent += len;
    return len;
  }

  static int Debug(CURL*, curl_infotype type, char* data, size_t size, void* self_ptr) {
    if (type != CURLINFO_HEADER_IN) return 0;
    auto* self = static_cast<Impl*>(self_ptr);
    for (std::string& line : Lines(std::string_view(data, size))) {
      if (!line.empty() && self->replies.size() < 256) self->replies.push_back(HeaderText(line));
    }
    return 0;
  }
};

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::~Client() = default;

std::unique_ptr<Client> Client::Create(Options options) {
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (curl == nullptr) return nullptr;
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  impl->curl = std::move(curl);
  impl->from = "<" + impl->options.from + ">";
  const Options& o = impl->options;
  CURL* c = impl->curl.get();
  const long timeout = static_cast<long>(o.timeout_ms);
  curl_easy_setopt(c, CURLOPT_URL, o.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, impl->from.c_str());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, &Impl::Read);
  curl_easy_setopt(c, CURLOPT_READDATA, impl.get());
  if (!o.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, o.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, o.password.c_str());
  }
  if (o.starttls) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, impl->errbuf);
  // Verbose only to see the server's reply lines (the error's text).
  curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, &Impl::Debug);
  curl_easy_setopt(c, CURLOPT_DEBUGDATA, impl.get());
  curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
  return std::unique_ptr<Client>(new Client(std::move(impl)));
}

bool Client::SetRecipients(const std::vector<std::string>& to) {
  std::unique_ptr<curl_slist, SlistDeleter> list;
  for (const std::string& address : to) {
    curl_slist* next = curl_slist_append(list.get(), ("<" + address + ">").c_str());
    if (next == nullptr) return false;
    (void)list.release();
    list.reset(next);
  }
  curl_easy_setopt(impl_->curl.get(), CURLOPT_MAIL_RCPT, list.get());
  impl_->rcpt = std::move(list);
  return true;
}

Transport::Outcome Client::Send(std::string message) {
  using Outcome = Transport::Outcome;
  Impl& s = *impl_;
  s.message = std::move(message);
  s.sent = 0;
  s.replies.clear();
  s.errbuf[0] = '\0';
  const CURLcode rc = curl_easy_perform(s.curl.get());
  long code = 0;
  curl_easy_getinfo(s.curl.get(), CURLINFO_RESPONSE_CODE, &code);
  const int status = static_cast<int>(code);
  if (rc == CURLE_OK) return Outcome{status, "", true};
  if (status >= 400) {
    // The failing reply's text; curl's QUIT may have been answered after it.
    const std::string code_text = std::to_string(status);
    std::string error = "smtp " + code_text;
    for (auto it = s.replies.rbegin(); it != s.replies.rend(); ++it) {
      if (it->size() > 4 && it->compare(0, 3, code_text) == 0) {
        error += " " + it->substr(4, 200);
        break;
      }
    }
    return Outcome{status, std::move(error), status < 500};
  }
  const std::string detail = s.errbuf[0] != '\0' ? std::string(s.errbuf) : curl_easy_strerror(rc);
  if (rc == CURLE_OPERATION_TIMEDOUT) return Outcome{status, "timeout: " + detail, true};
  const bool permanent = rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT ||
                         rc == CURLE_NOT_BUILT_IN || rc == CURLE_LOGIN_DENIED;
  return Outcome{status, "connection: " + detail, !permanent};
}

}  // namespace smtp

// ------------------------------------------------------ the alert transport

namespace {

using smtp::HeaderText;
using smtp::kCrlf;
using smtp::Lines;

constexpr size_t kMaxLine = 998;  // RFC 5322 2.1.1, CRLF excluded

// [A-Za-z0-9_-] kept, every other byte as %XX: a valid, injective id-left.
std::string MessageIdPart(std::string_view id) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : id) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' || u == '-') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out.empty() ? "event" : out;
}

// "To: a, b", folded before an address that would pass column 78.
std::string ToHeader(const std::vector<std::string>& to) {
  std::string out = "To: ";
  size_t line = out.size();
  for (size_t i = 0; i < to.size(); ++i) {
    const std::string addr = HeaderText(to[i]);
    if (i > 0) {
      if (line + 2 + addr.size() > 78) {
        out += ",\r\n ";
        line = 1;
      } else {
        out += ", ";
        line += 2;
      }
    }
    out += addr;
    line += addr.size();
  }
  return out;
}

std::string Body(const AlertEvent& e) {
  std::vector<std::string> lines;
  auto add_text = [&](std::string_view text) {
    for (std::string& l : Lines(text)) lines.push_back(std::move(l));
  };
  if (!e.title.empty()) {
    add_text(e.title);
    lines.emplace_back();
  }
  if (!e.text.empty()) {
    add_text(e.text);
    lines.emplace_back();
  }
  auto field = [&](std::string_view name, std::string_view value) {
    if (!value.empty()) add_text(std::string(name) + ": " + std::string(value));
  };
  field("Level", e.level);
  field("Rule", e.rule);
  field("Kind", e.kind);
  field("Link", e.url);
  if (e.alert_id != 0) field("Alert", std::to_string(e.alert_id));
  field("Event", e.id);
  if (e.created_at_ms != 0) field("Created", base::FormatTimestamp(e.created_at_ms));
  if (!e.payload_json.empty()) {
    const nlohmann::json payload = nlohmann::json::parse(e.payload_json, nullptr, /*allow_exceptions=*/false);
    lines.emplace_back();
    lines.emplace_back("Details:");
    add_text(payload.is_discarded() ? e.payload_json
                                    : payload.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  std::string body;
  for (const std::string& l : lines) body += l + "\n";
  return body;
}

// One smtp::Client for every attempt (so a live connection is reused).
// Delivery thread only.
class SmtpTransport final : public Transport {
 public:
  // Null when libcurl cannot allocate the handle or the recipient list.
  static std::unique_ptr<SmtpTransport> Create(SmtpOptions options) {
    std::unique_ptr<smtp::Client> client = smtp::Client::Create(smtp::Client::Options{
        options.url, options.username, options.password, options.starttls, options.from, options.delivery.timeout_ms});
    if (client == nullptr || !client->SetRecipients(options.to)) return nullptr;
    return std::unique_ptr<SmtpTransport>(new SmtpTransport(std::move(options), std::move(client)));
  }

  std::string_view type() const override { return "smtp"; }

  Outcome Send(const AlertEvent& event, int64_t unix_seconds) override {
    return client_->Send(SmtpMessage(event, options_, unix_seconds * 1000));
  }

 private:
  SmtpTransport(SmtpOptions options, std::unique_ptr<smtp::Client> client)
      : options_(std::move(options)), client_(std::move(client)) {}

  const SmtpOptions options_;
  const std::unique_ptr<smtp::Client> client_;
};

}  // namespace

std::string SmtpMessage(const AlertEvent& event, const SmtpOptions& options, base::Timestamp now_ms) {
  std::string subject = HeaderText(options.subject_prefix);
  auto append_word = [&](const std::string& w) {
    if (w.empty()) return;
    if (!subject.empty()) subject += ' ';
    subject += w;
  };
  if (!event.level.empty()) append_word("[" + HeaderText(event.level) + "]");
  append_word(HeaderText(!event.title.empty() ? event.title : !event.rule.empty() ? event.rule : "alert"));

  const std::string body = Body(event);
  const std::vector<std::string> lines = Lines(body);
  const bool plain = smtp::IsAscii(body) && body.find('\0') == std::string::npos &&
                     std::all_of(lines.begin(), lines.end(), [](const std::string& l) { return l.size() <= kMaxLine; });
  const std::string id = MessageIdPart(event.id);

  std::string m;
  auto header = [&](const std::string& h) {
    m += h;
    m += kCrlf;
  };
  header("From: " + HeaderText(options.from));
  header(ToHeader(options.to));
  header(smtp::UnstructuredHeader("Subject", subject));
  header(smtp::DateHeader(now_ms));
  header("Message-ID: <" + id + "@ecoute>");
  header("MIME-Version: 1.0");
  header("Content-Type: text/plain; charset=utf-8");
  header(std::string("Content-Transfer-Encoding: ") + (plain ? "8bit" : "quoted-printable"));
  header("X-Ecoute-Event: " + id);
  if (event.alert_id != 0) header("X-Ecoute-Alert: " + std::to_string(event.alert_id));
  m += kCrlf;
  // Body() ends with "\n", so Lines() gives a last empty line: not sent.
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    if (plain) {
      m += lines[i];
      m += kCrlf;
    } else {
      smtp::AppendQuotedPrintable(lines[i], m);
    }
  }
  return m;
}

base::Result<std::unique_ptr<Notifier>> MakeSmtpNotifier(std::string name, SmtpOptions options,
                                                         const base::Clock* clock) {
  ECOUTE_RETURN_IF_ERROR(smtp::CheckSmtpUrl("smtp.url", options.url, options.url));
  if (options.from.empty()) return base::Status::InvalidArgument("smtp.from: required");
  ECOUTE_RETURN_IF_ERROR(smtp::CheckAddress("smtp.from", options.from));
  if (options.to.empty()) return base::Status::InvalidArgument("smtp.to: at least one recipient required");
  for (size_t i = 0; i < options.to.size(); ++i) {
    ECOUTE_RETURN_IF_ERROR(smtp::CheckAddress("smtp.to[" + std::to_string(i) + "]", options.to[i]));
  }
  if (options.username.empty() && !options.password.empty()) {
    return base::Status::InvalidArgument("smtp.password: set without smtp.username");
  }
  if (options.delivery.timeout_ms <= 0) {  // checked again by Create; the handle needs it first
    return base::Status::InvalidArgument("smtp.delivery.timeout_ms: must be > 0");
  }
  ECOUTE_RETURN_IF_ERROR(smtp::CurlGlobalInit());
  DeliveryOptions delivery = options.delivery;
  std::unique_ptr<SmtpTransport> transport = SmtpTransport::Create(std::move(options));
  if (transport == nullptr) return base::Status::Internal("smtp: cannot create a libcurl handle");
  return Notifier::Create(std::move(name), std::move(delivery), std::move(transport), clock);
}

}  // namespace ecoute::alert
