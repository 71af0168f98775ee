#include "care/outbound.h"

#include <httplib.h>
#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <mutex>
#include <set>
#include <spdlog/spdlog.h>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "alert/smtp.h"

namespace ecoute::care {
namespace {

using alert::smtp::HeaderText;
using alert::smtp::IsAscii;
using alert::smtp::kCrlf;
using alert::smtp::Lines;
using nlohmann::json;

// Replies are not sent to address literals ("x@[192.0.2.1]"): "bad domain".
constexpr bool kAddressLiterals = false;

// ----------------------------------------------------------- text helpers

std::string_view TrimSpace(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// ------------------------------------------------------------- addresses

std::string AddressProblem(std::string_view a) { return alert::smtp::AddressProblem(a, kAddressLiterals); }

base::Status CheckAddress(std::string_view field, std::string_view a) {
  return alert::smtp::CheckAddress(field, a, kAddressLiterals);
}

// The address of "a@b.c" or "Name <a@b.c>".
std::string BareAddress(std::string_view to) {
  to = TrimSpace(to);
  const size_t gt = to.rfind('>');
  if (gt != std::string_view::npos && gt + 1 == to.size()) {
    const size_t lt = to.rfind('<', gt);
    if (lt != std::string_view::npos) return std::string(TrimSpace(to.substr(lt + 1, gt - lt - 1)));
  }
  return std::string(to);
}

std::string DomainOf(std::string_view address) {
  const size_t at = address.rfind('@');
  return at == std::string_view::npos ? std::string(address) : std::string(address.substr(at + 1));
}

// ----------------------------------------------------------- checks

base::Status CheckDelivery(const alert::DeliveryOptions& d) {
  auto bad = [](std::string_view field, std::string_view what) {
    return base::Status::InvalidArgument("delivery." + std::string(field) + ": " + std::string(what));
  };
  if (d.max_attempts < 1) return bad("max_attempts", "must be >= 1");
  if (d.queue_capacity == 0) return bad("queue_capacity", "must be > 0");
  if (d.timeout_ms <= 0) return bad("timeout_ms", "must be > 0");
  if (d.initial_backoff_ms < 0) return bad("initial_backoff_ms", "must be >= 0");
  if (d.max_backoff_ms < 0) return bad("max_backoff_ms", "must be >= 0");
  return base::Status::Ok();
}

base::Status CheckSmtpUrl(const std::string& url) {
  const std::string shown = "\"" + HeaderText(url) + "\"";
  if (url.find("://") == std::string::npos) return base::Status::InvalidArgument("url: not a URL: " + shown);
  return alert::smtp::CheckSmtpUrl("url", url, shown);
}

struct HttpTarget {
  std::string scheme_host_port;
  std::string path;
};

base::Result<HttpTarget> ParseHttpUrl(const std::string& url) {
  const size_t sep = url.find("://");
  if (sep == std::string::npos) return base::Status::InvalidArgument("url: no scheme: \"" + HeaderText(url) + "\"");
  const std::string scheme = url.substr(0, sep);
  if (scheme != "http" && scheme != "https") {
    return base::Status::InvalidArgument("url: scheme must be http or https: \"" + HeaderText(url) + "\"");
  }
  const size_t path_at = url.find('/', sep + 3);
  const std::string authority =
      url.substr(sep + 3, path_at == std::string::npos ? std::string::npos : path_at - sep - 3);
  if (authority.empty() || authority.front() == ':') {
    return base::Status::InvalidArgument("url: no host: \"" + HeaderText(url) + "\"");
  }
  if (std::any_of(url.begin(), url.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20; })) {
    return base::Status::InvalidArgument("url: contains spaces or control characters");
  }
  return HttpTarget{scheme + "://" + authority, path_at == std::string::npos ? "/" : url.substr(path_at)};
}

void InitSodium() {
  static const int kInit = sodium_init();  // thread-safe; idempotent
  ECOUTE_CHECK(kInit >= 0);
}

// ---------------------------------------------------- shared delivery part

// What the transports learn per attempt that DeliveryAttempt does not
// carry, by ticket (AlertEvent::alert_id: one per Send()).
struct Tracking {
  struct Entry {
    int64_t reply_id = 0;
    int attempts = 0;
    int status = 0;
    bool last_retryable = true;
    std::string external_id;
  };
  std::mutex mu;
  std::unordered_map<int64_t, Entry> entries;  // GUARDED_BY(mu)

  void SetOutcome(int64_t ticket, bool retryable, std::string external_id) {
    std::lock_guard lock(mu);
    auto it = entries.find(ticket);
    if (it == entries.end()) return;
    it->second.last_retryable = retryable;
    if (!external_id.empty()) it->second.external_id = std::move(external_id);
  }
};

// A Transport making one attempt per call and telling Tracking about it.
class ReplyTransport : public alert::Transport {
 public:
  explicit ReplyTransport(std::shared_ptr<Tracking> tracking) : tracking_(std::move(tracking)) {}

  Outcome Send(const alert::AlertEvent& event, int64_t unix_seconds) final {
    std::string external_id;
    Outcome out;
    try {
      out = Attempt(event, unix_seconds, external_id);
    } catch (const std::exception& e) {
      out = Outcome{0, std::string("exception: ") + e.what(), true};
    }
    tracking_->SetOutcome(event.alert_id, out.error.empty() || out.retryable, std::move(external_id));
    return out;
  }

 protected:
  virtual Outcome Attempt(const alert::AlertEvent& event, int64_t unix_seconds, std::string& external_id) = 0;

 private:
  const std::shared_ptr<Tracking> tracking_;
};

// A ReplyConnector over an alert::Notifier.
class NotifierConnector final : public ReplyConnector {
 public:
  // Empty string = the reply is fine for this connector, else what is wrong.
  using Validator = std::function<std::string(const OutboundReply&)>;

  static base::Result<std::unique_ptr<ReplyConnector>> Create(std::string name, std::string_view type,
                                                              alert::DeliveryOptions delivery,
                                                              std::unique_ptr<alert::Transport> transport,
                                                              std::shared_ptr<Tracking> tracking,
                                                              ReplyObserver observer, const base::Clock& clock,
                                                              Validator validator) {
    std::unique_ptr<NotifierConnector> c(new NotifierConnector(name, type, std::move(tracking), std::move(observer),
                                                               clock, std::move(validator),
                                                               std::move(delivery.observer)));
    delivery.observer = nullptr;
    auto notifier = alert::Notifier::Create(std::move(name), std::move(delivery), std::move(transport), &clock);
    if (!notifier.ok()) return notifier.status();
    c->notifier_ = std::move(notifier).value();
    NotifierConnector* self = c.get();
    c->notifier_->SetObserver(
        [self](const alert::DeliveryAttempt& a, std::string_view state) { self->OnAttempt(a, state); });
    return std::unique_ptr<ReplyConnector>(std::move(c));
  }

  ~NotifierConnector() override { Stop(); }

  std::string_view name() const override { return name_; }
  std::string_view type() const override { return type_; }

  bool Send(OutboundReply reply) override {
    std::string problem;
    if (TrimSpace(reply.text).empty()) {
      problem = "text: empty";
    } else if (validator_) {
      problem = validator_(reply);
    }
    if (!problem.empty()) {
      Report(ReplyResult{reply.reply_id, name_, false, 0, 0, "invalid reply: " + problem, "", clock_.Now()});
      return false;
    }
    const int64_t ticket = next_ticket_.fetch_add(1);
    {
      std::lock_guard lock(tracking_->mu);
      tracking_->entries[ticket] = Tracking::Entry{reply.reply_id, 0, 0, true, ""};
    }
    alert::AlertEvent e;
    e.id = "reply-" + std::to_string(reply.reply_id);
    e.alert_id = ticket;
    e.rule = name_;
    e.kind = "reply";
    e.title = reply.subject;
    e.created_at_ms = reply.created_at;
    e.payload_json = ToJson(reply).dump(-1, ' ', false, json::error_handler_t::replace);
    return notifier_->Enqueue(std::move(e));
  }

  void Start() override { notifier_->Start(); }
  void Stop() override {
    if (notifier_ != nullptr) notifier_->Stop();
  }
  alert::NotifierStats Stats() const override { return notifier_->Stats(); }

 private:
  NotifierConnector(std::string name, std::string_view type, std::shared_ptr<Tracking> tracking,
                    ReplyObserver observer, const base::Clock& clock, Validator validator,
                    alert::AttemptObserver attempt_observer)
      : name_(std::move(name)),
        type_(type),
        tracking_(std::move(tracking)),
        observer_(std::move(observer)),
        clock_(clock),
        validator_(std::move(validator)),
        attempt_observer_(std::move(attempt_observer)) {}

  void OnAttempt(const alert::DeliveryAttempt& a, std::string_view state) {
    if (attempt_observer_) {
      try {
        attempt_observer_(a, state);
      } catch (const std::exception& e) {
        spdlog::error("care connector {}: delivery observer threw: {}", name_, e.what());
      }
    }
    ReplyResult r;
    {
      std::lock_guard lock(tracking_->mu);
      auto it = tracking_->entries.find(a.alert_id);
      Tracking::Entry entry;
      if (it != tracking_->entries.end()) {
        if (a.attempt > 0) {
          it->second.attempts = a.attempt;
          it->second.status = a.status;
        }
        if (state == "retry") return;
        entry = std::move(it->second);
        tracking_->entries.erase(it);
      } else {  // not ours (cannot happen): still report what is known
        if (state == "retry") return;
        entry.attempts = a.attempt;
        entry.status = a.status;
        if (a.event_id.rfind("reply-", 0) == 0) entry.reply_id = std::strtoll(a.event_id.c_str() + 6, nullptr, 10);
      }
      r.reply_id = entry.reply_id;
      r.connector = name_;
      r.delivered = state == "delivered";
      r.attempts = entry.attempts;
      r.status = entry.status;
      if (!r.delivered) {
        r.error = a.attempt > 0 && entry.last_retryable ? "max attempts: " + a.error : a.error;
      } else {
        r.external_id = std::move(entry.external_id);
      }
    }
    r.at = clock_.Now();
    Report(r);
  }

  void Report(const ReplyResult& r) const {
    if (r.delivered) {
      spdlog::info("care connector {}: reply {} delivered after {} attempt(s)", name_, r.reply_id, r.attempts);
    } else {
      spdlog::warn("care connector {}: reply {} failed after {} attempt(s): {}", name_, r.reply_id, r.attempts,
                   r.error);
    }
    if (!observer_) return;
    try {
      observer_(r);
    } catch (const std::exception& e) {
      spdlog::error("care connector {}: reply observer threw: {}", name_, e.what());
    }
  }

  const std::string name_;
  const std::string type_;
  const std::shared_ptr<Tracking> tracking_;
  const ReplyObserver observer_;
  const base::Clock& clock_;
  const Validator validator_;
  const alert::AttemptObserver attempt_observer_;
  std::atomic<int64_t> next_ticket_{1};
  std::unique_ptr<alert::Notifier> notifier_;  // last: stopped and destroyed first
};
// ----------------------------------------------------------- SMTP transport

// One alert::smtp::Client for every attempt (so a live connection is
// reused), its recipient set per reply. Delivery thread only.
class SmtpReplyTransport final : public ReplyTransport {
 public:
  static std::unique_ptr<SmtpReplyTransport> Create(SmtpConnectorOptions options, std::shared_ptr<Tracking> tracking) {
    std::unique_ptr<alert::smtp::Client> client = alert::smtp::Client::Create(alert::smtp::Client::Options{
        options.url, options.username, options.password, options.starttls, options.from, options.delivery.timeout_ms});
    if (client == nullptr) return nullptr;
    return std::unique_ptr<SmtpReplyTransport>(
        new SmtpReplyTransport(std::move(options), std::move(client), std::move(tracking)));
  }

  std::string_view type() const override { return "reply_smtp"; }

 protected:
  Outcome Attempt(const alert::AlertEvent& event, int64_t unix_seconds, std::string& external_id) override {
    const json j = json::parse(event.payload_json, nullptr, /*allow_exceptions=*/false);
    auto reply = OutboundReplyFromJson(j);
    if (!reply.ok()) return Outcome{0, "invalid reply: " + reply.status().message(), false};
    const std::string to = BareAddress(reply->to);
    const std::string problem = AddressProblem(to);
    if (!problem.empty()) return Outcome{0, "invalid reply: to: not an e-mail address (" + problem + ")", false};
    if (!client_->SetRecipients({to})) return Outcome{0, "exception: out of memory", true};
    Outcome out = client_->Send(ReplyEmail(*reply, options_, unix_seconds * 1000));
    if (out.error.empty()) external_id = ReplyMessageId(*reply, options_.from);
    return out;
  }

 private:
  SmtpReplyTransport(SmtpConnectorOptions options, std::unique_ptr<alert::smtp::Client> client,
                     std::shared_ptr<Tracking> tracking)
      : ReplyTransport(std::move(tracking)), options_(std::move(options)), client_(std::move(client)) {}

  const SmtpConnectorOptions options_;
  const std::unique_ptr<alert::smtp::Client> client_;
};

// -------------------------------------------------------- webhook transport

bool RetryableHttp(int status) { return status == 408 || status == 429 || status < 400 || status >= 500; }

// One keep-alive httplib::Client for every attempt (the delivery thread is
// its only user).
class WebhookReplyTransport final : public ReplyTransport {
 public:
  WebhookReplyTransport(const WebhookConnectorOptions& options, const HttpTarget& target,
                        std::shared_ptr<Tracking> tracking)
      : ReplyTransport(std::move(tracking)), secret_(options.secret), path_(target.path),
        client_(target.scheme_host_port) {
    const auto timeout = std::chrono::milliseconds(options.delivery.timeout_ms);
    client_.set_connection_timeout(timeout);
    client_.set_read_timeout(timeout);
    client_.set_write_timeout(timeout);
    client_.set_keep_alive(true);
    client_.set_tcp_nodelay(true);  // headers and body are separate writes
  }

  bool valid() const { return client_.is_valid(); }
  std::string_view type() const override { return "reply_webhook"; }

 protected:
  Outcome Attempt(const alert::AlertEvent& event, int64_t unix_seconds, std::string& external_id) override {
    const std::string& body = event.payload_json;
    const std::string ts = std::to_string(unix_seconds);
    httplib::Headers headers{{"X-Ecoute-Event", event.id},
                             {"X-Ecoute-Timestamp", ts},
                             {"X-Ecoute-Signature", alert::SignatureHeader(secret_, ts, body)}};
    auto res = client_.Post(path_, headers, body, "application/json");
    if (!res) return Outcome{0, "connection: " + httplib::to_string(res.error()), true};
    const int status = res->status;
    const json answer = json::parse(res->body, nullptr, /*allow_exceptions=*/false);
    if (status >= 200 && status < 300) {
      if (answer.is_object()) {
        auto id = answer.find("id");
        if (id != answer.end() && id->is_string()) external_id = HeaderText(id->get<std::string>().substr(0, 512));
        if (id != answer.end() && id->is_number_integer()) external_id = std::to_string(id->get<int64_t>());
      }
      return Outcome{status, "", true};
    }
    std::string error = "http " + std::to_string(status);
    if (answer.is_object()) {
      auto why = answer.find("error");
      if (why != answer.end() && why->is_string() && !why->get_ref<const std::string&>().empty()) {
        error += ": " + HeaderText(why->get_ref<const std::string&>().substr(0, 200));
      }
    }
    return Outcome{status, std::move(error), RetryableHttp(status)};
  }

 private:
  const std::string secret_;
  const std::string path_;
  httplib::Client client_;
};

// ---------------------------------------------------------- configuration

bool IsConnectorName(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x80 && std::isalnum(u)) || c == '_' || c == '.' || c == '-';
  });
}

std::string ChannelList() {
  std::string out;
  for (int i = 0; i < model::kChannelCount; ++i) {
    if (i > 0) out += ", ";
    out += model::ChannelName(static_cast<model::Channel>(i));
  }
  return out;
}

}  // namespace

// ------------------------------------------------------------ reply JSON

json ToJson(const OutboundReply& r) {
  return json{{"type", "reply"},
              {"reply_id", r.reply_id},
              {"case_id", r.case_id},
              {"channel", model::ChannelName(r.channel)},
              {"account", r.account},
              {"to", r.to},
              {"in_reply_to", r.in_reply_to},
              {"thread_id", r.thread_id},
              {"subject", r.subject},
              {"text", r.text},
              {"agent", r.agent},
              {"language", r.language},
              {"created_at", r.created_at == 0 ? json(nullptr) : json(base::FormatTimestamp(r.created_at))},
              {"created_at_ms", r.created_at}};
}

base::Result<OutboundReply> OutboundReplyFromJson(const json& j) {
  if (!j.is_object()) return base::Status::InvalidArgument("reply: expected a JSON object");
  auto type = j.find("type");
  if (type == j.end() || !type->is_string() || type->get_ref<const std::string&>() != "reply") {
    return base::Status::InvalidArgument("type: must be \"reply\"");
  }
  OutboundReply r;
  auto integer = [&](const char* key, int64_t& out, bool required) -> base::Status {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
      return required ? base::Status::InvalidArgument(std::string(key) + ": required") : base::Status::Ok();
    }
    if (!it->is_number_integer()) return base::Status::InvalidArgument(std::string(key) + ": expected an integer");
    out = it->get<int64_t>();
    return base::Status::Ok();
  };
  auto string = [&](const char* key, std::string& out, bool required) -> base::Status {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
      return required ? base::Status::InvalidArgument(std::string(key) + ": required") : base::Status::Ok();
    }
    if (!it->is_string()) return base::Status::InvalidArgument(std::string(key) + ": expected a string");
    out = it->get<std::string>();
    return base::Status::Ok();
  };
  ECOUTE_RETURN_IF_ERROR(integer("reply_id", r.reply_id, true));
  ECOUTE_RETURN_IF_ERROR(integer("case_id", r.case_id, false));
  std::string channel;
  ECOUTE_RETURN_IF_ERROR(string("channel", channel, false));
  if (!channel.empty()) {
    auto c = model::ParseChannel(channel);
    if (!c) return base::Status::InvalidArgument("channel: unknown channel \"" + HeaderText(channel) + "\"");
    r.channel = *c;
  }
  ECOUTE_RETURN_IF_ERROR(string("account", r.account, false));
  ECOUTE_RETURN_IF_ERROR(string("to", r.to, false));
  ECOUTE_RETURN_IF_ERROR(string("in_reply_to", r.in_reply_to, false));
  ECOUTE_RETURN_IF_ERROR(string("thread_id", r.thread_id, false));
  ECOUTE_RETURN_IF_ERROR(string("subject", r.subject, false));
  ECOUTE_RETURN_IF_ERROR(string("text", r.text, true));
  ECOUTE_RETURN_IF_ERROR(string("agent", r.agent, false));
  ECOUTE_RETURN_IF_ERROR(string("language", r.language, false));
  ECOUTE_RETURN_IF_ERROR(integer("created_at_ms", r.created_at, false));
  return r;
}

// ------------------------------------------------------------------ SMTP

std::string ReplyMessageId(const OutboundReply& r, std::string_view from) {
  return "<reply-" + std::to_string(r.reply_id) + "." + std::to_string(r.case_id) + "@" + DomainOf(from) + ">";
}

std::string ReplyEmail(const OutboundReply& r, const SmtpConnectorOptions& options, base::Timestamp now_ms) {
  std::string m;
  auto header = [&](const std::string& h) {
    m += h;
    m += kCrlf;
  };
  const std::string from = HeaderText(options.from);
  const std::string name = std::string(TrimSpace(HeaderText(options.from_name)));
  if (name.empty()) {
    header("From: " + from);
  } else if (IsAscii(name) && name.find("=?") == std::string::npos && name.size() <= 60) {
    std::string quoted;
    for (char c : name) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    header("From: \"" + quoted + "\" <" + from + ">");
  } else {
    header("From: " + alert::smtp::EncodedWords(name) + "\r\n <" + from + ">");
  }
  header("To: " + HeaderText(BareAddress(r.to)));

  const std::string subject(TrimSpace(HeaderText(r.subject)));
  bool has_re = false;
  if (subject.size() >= 3 && std::tolower(static_cast<unsigned char>(subject[0])) == 'r' &&
      std::tolower(static_cast<unsigned char>(subject[1])) == 'e') {
    size_t i = 2;
    while (i < subject.size() && subject[i] == ' ') ++i;
    has_re = i < subject.size() && subject[i] == ':';
  }
  header(alert::smtp::UnstructuredHeader("Subject", has_re ? subject : subject.empty() ? "Re:" : "Re: " + subject));
  header(alert::smtp::DateHeader(now_ms));
  header("Message-ID: " + ReplyMessageId(r, options.from));
  std::string parent(TrimSpace(HeaderText(r.in_reply_to)));
  if (!parent.empty()) {
    if (parent.front() != '<') parent = "<" + parent;
    if (parent.back() != '>') parent += ">";
    header("In-Reply-To: " + parent);
    header("References: " + parent);
  }
  header("MIME-Version: 1.0");
  header("Content-Type: text/plain; charset=utf-8");
  header("Content-Transfer-Encoding: quoted-printable");
  header("X-Ecoute-Reply: " + std::to_string(r.reply_id));
  header("X-Ecoute-Case: " + std::to_string(r.case_id));
  m += kCrlf;
  std::vector<std::string> lines = Lines(r.text);
  if (lines.size() > 1 && lines.back().empty()) lines.pop_back();  // the text's final line break
  for (const std::string& l : lines) alert::smtp::AppendQuotedPrintable(l, m);
  return m;
}

base::Result<std::unique_ptr<ReplyConnector>> MakeSmtpConnector(std::string name, SmtpConnectorOptions options,
                                                                 ReplyObserver observer, const base::Clock& clock) {
  if (name.empty()) return base::Status::InvalidArgument("name: empty");
  ECOUTE_RETURN_IF_ERROR(CheckSmtpUrl(options.url));
  if (options.starttls && options.url.rfind("smtps://", 0) == 0) {
    return base::Status::InvalidArgument("starttls: is for smtp:// (smtps:// is TLS from the start)");
  }
  if (options.from.empty()) return base::Status::InvalidArgument("from: required");
  ECOUTE_RETURN_IF_ERROR(CheckAddress("from", options.from));
  if (options.from_name.size() > 200) return base::Status::InvalidArgument("from_name: longer than 200 bytes");
  if (options.username.empty() && !options.password.empty()) {
    return base::Status::InvalidArgument("password: set without username");
  }
  ECOUTE_RETURN_IF_ERROR(CheckDelivery(options.delivery));
  ECOUTE_RETURN_IF_ERROR(alert::smtp::CurlGlobalInit());
  InitSodium();
  alert::DeliveryOptions delivery = options.delivery;
  auto tracking = std::make_shared<Tracking>();
  std::unique_ptr<SmtpReplyTransport> transport = SmtpReplyTransport::Create(std::move(options), tracking);
  if (transport == nullptr) return base::Status::Internal("smtp: cannot create a libcurl handle");
  NotifierConnector::Validator validator = [](const OutboundReply& r) -> std::string {
    const std::string problem = AddressProblem(BareAddress(r.to));
    return problem.empty() ? "" : "to: not an e-mail address (" + problem + ")";
  };
  return NotifierConnector::Create(std::move(name), "smtp", std::move(delivery), std::move(transport),
                                   std::move(tracking), std::move(observer), clock, std::move(validator));
}

// --------------------------------------------------------------- webhook

base::Result<std::unique_ptr<ReplyConnector>> MakeWebhookConnector(std::string name, WebhookConnectorOptions options,
                                                                   ReplyObserver observer, const base::Clock& clock) {
  if (name.empty()) return base::Status::InvalidArgument("name: empty");
  ECOUTE_ASSIGN_OR_RETURN(HttpTarget target, ParseHttpUrl(options.url));
  if (options.secret.empty()) {
    return base::Status::InvalidArgument("secret: required (the bridge must be able to check the sender)");
  }
  ECOUTE_RETURN_IF_ERROR(CheckDelivery(options.delivery));
  InitSodium();
  auto tracking = std::make_shared<Tracking>();
  std::unique_ptr<WebhookReplyTransport> transport;
  try {
    transport = std::make_unique<WebhookReplyTransport>(options, target, tracking);
  } catch (const std::exception& e) {
    return base::Status::InvalidArgument(std::string("url: ") + e.what() + ": \"" + HeaderText(options.url) + "\"");
  }
  if (!transport->valid()) {
    return base::Status::InvalidArgument("url: unsupported (https needs TLS support): \"" + HeaderText(options.url) +
                                         "\"");
  }
  return NotifierConnector::Create(std::move(name), "webhook", std::move(options.delivery), std::move(transport),
                                   std::move(tracking), std::move(observer), clock, nullptr);
}

// --------------------------------------------------------- configuration

base::Result<ConnectorConfig> ConnectorConfigFromJson(const json& j, std::string_view path_view) {
  const std::string path(path_view);
  auto bad = [&](std::string_view key, std::string_view what) {
    return base::Status::InvalidArgument(path + (key.empty() ? "" : ".") + std::string(key) + ": " +
                                         std::string(what));
  };
  if (!j.is_object()) return bad("", "expected an object");
  static const std::set<std::string, std::less<>> kCommon = {
      "name", "type", "channels", "max_attempts", "timeout_ms", "initial_backoff_ms", "max_backoff_ms",
      "queue_capacity"};
  static const std::set<std::string, std::less<>> kSmtp = {"url",      "username", "password", "password_env",
                                                           "starttls", "from",     "from_name"};
  static const std::set<std::string, std::less<>> kWebhook = {"url", "secret", "secret_env"};

  ConnectorConfig c;
  auto string = [&](std::string_view key, std::string& out) -> base::Status {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return base::Status::Ok();
    if (!it->is_string()) return bad(key, "expected a string");
    out = it->get<std::string>();
    return base::Status::Ok();
  };
  auto integer = [&](std::string_view key, int64_t lo, int64_t hi, auto& out) -> base::Status {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return base::Status::Ok();
    if (!it->is_number_integer() || it->get<int64_t>() < lo || it->get<int64_t>() > hi) {
      return bad(key, "must be an integer between " + std::to_string(lo) + " and " + std::to_string(hi) +
                          ", got " + it->dump());
    }
    out = static_cast<std::remove_reference_t<decltype(out)>>(it->get<int64_t>());
    return base::Status::Ok();
  };
  auto secret = [&](std::string_view key, std::string_view env_key, std::string& out) -> base::Status {
    if (j.contains(key) && j.contains(env_key)) return bad(env_key, "give " + std::string(key) + " or " +
                                                                        std::string(env_key) + ", not both");
    ECOUTE_RETURN_IF_ERROR(string(key, out));
    std::string env;
    ECOUTE_RETURN_IF_ERROR(string(env_key, env));
    if (!env.empty()) {
      const bool name_ok = std::all_of(env.begin(), env.end(), [](char ch) {
        const auto u = static_cast<unsigned char>(ch);
        return (u < 0x80 && std::isalnum(u)) || ch == '_';
      });
      if (!name_ok) return bad(env_key, "\"" + HeaderText(env) + "\" is not an environment variable name");
      const char* value = std::getenv(env.c_str());
      if (value == nullptr) return bad(env_key, "environment variable " + env + " is not set");
      out = value;
    }
    return base::Status::Ok();
  };

  if (!j.contains("name")) return bad("name", "required");
  ECOUTE_RETURN_IF_ERROR(string("name", c.name));
  if (!IsConnectorName(c.name)) {
    return bad("name", "\"" + HeaderText(c.name) + "\" must be 1 to 64 of A-Z, a-z, 0-9, _, ., -");
  }
  if (!j.contains("type")) return bad("type", "required");
  ECOUTE_RETURN_IF_ERROR(string("type", c.type));
  if (c.type != "smtp" && c.type != "webhook") {
    return bad("type", "must be \"smtp\" or \"webhook\", got \"" + HeaderText(c.type) + "\"");
  }
  const bool smtp = c.type == "smtp";
  for (const auto& [key, value] : j.items()) {
    if (kCommon.count(key) > 0 || (smtp ? kSmtp : kWebhook).count(key) > 0) continue;
    if ((smtp ? kWebhook : kSmtp).count(key) > 0) return bad(key, "is not a key of " + c.type + " connectors");
    return bad(HeaderText(key), "unknown key");
  }
  if (auto it = j.find("channels"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return bad("channels", "expected an array of channel names");
    for (size_t i = 0; i < it->size(); ++i) {
      const std::string at = "channels[" + std::to_string(i) + "]";
      const json& v = (*it)[i];
      if (!v.is_string()) return bad(at, "expected a channel name");
      auto channel = model::ParseChannel(v.get_ref<const std::string&>());
      if (!channel) {
        return bad(at, "unknown channel \"" + HeaderText(v.get_ref<const std::string&>()) + "\" (" + ChannelList() +
                           ")");
      }
      if (std::find(c.channels.begin(), c.channels.end(), *channel) == c.channels.end()) {
        c.channels.push_back(*channel);
      }
    }
  }
  alert::DeliveryOptions delivery;
  ECOUTE_RETURN_IF_ERROR(integer("max_attempts", 1, 100, delivery.max_attempts));
  ECOUTE_RETURN_IF_ERROR(integer("timeout_ms", 100, 600'000, delivery.timeout_ms));
  ECOUTE_RETURN_IF_ERROR(integer("initial_backoff_ms", 0, 3'600'000, delivery.initial_backoff_ms));
  ECOUTE_RETURN_IF_ERROR(integer("max_backoff_ms", 0, 86'400'000, delivery.max_backoff_ms));
  ECOUTE_RETURN_IF_ERROR(integer("queue_capacity", 1, 1'000'000, delivery.queue_capacity));

  if (!j.contains("url")) return bad("url", "required");
  if (smtp) {
    SmtpConnectorOptions& o = c.smtp;
    ECOUTE_RETURN_IF_ERROR(string("url", o.url));
    ECOUTE_RETURN_IF_ERROR(string("username", o.username));
    ECOUTE_RETURN_IF_ERROR(secret("password", "password_env", o.password));
    if (auto it = j.find("starttls"); it != j.end() && !it->is_null()) {
      if (!it->is_boolean()) return bad("starttls", "expected true or false");
      o.starttls = it->get<bool>();
    }
    if (!j.contains("from")) return bad("from", "required");
    ECOUTE_RETURN_IF_ERROR(string("from", o.from));
    ECOUTE_RETURN_IF_ERROR(string("from_name", o.from_name));
    o.delivery = delivery;
    base::Status s = CheckSmtpUrl(o.url);
    if (s.ok() && o.starttls && o.url.rfind("smtps://", 0) == 0) {
      s = base::Status::InvalidArgument("starttls: is for smtp:// (smtps:// is TLS from the start)");
    }
    if (s.ok()) s = CheckAddress("from", o.from);
    if (s.ok() && o.username.empty() && !o.password.empty()) {
      s = base::Status::InvalidArgument("password: set without username");
    }
    if (!s.ok()) return base::Status(s.code(), path + "." + s.message());  // s names the field
  } else {
    WebhookConnectorOptions& o = c.webhook;
    ECOUTE_RETURN_IF_ERROR(string("url", o.url));
    ECOUTE_RETURN_IF_ERROR(secret("secret", "secret_env", o.secret));
    if (o.secret.empty()) return bad("secret", "required (or secret_env)");
    o.delivery = delivery;
    auto target = ParseHttpUrl(o.url);
    if (!target.ok()) return base::Status(target.status().code(), path + "." + target.status().message());
  }
  return c;
}

base::Result<std::vector<ConnectorConfig>> ConnectorConfigsFromJson(const json& j, std::string_view path) {
  if (!j.is_array()) return base::Status::InvalidArgument(std::string(path) + ": expected an array of connectors");
  std::vector<ConnectorConfig> out;
  std::set<std::string> names;
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string at = std::string(path) + "[" + std::to_string(i) + "]";
    ECOUTE_ASSIGN_OR_RETURN(ConnectorConfig c, ConnectorConfigFromJson(j[i], at));
    if (!names.insert(c.name).second) return base::Status::InvalidArgument(at + ".name: duplicate \"" + c.name + "\"");
    out.push_back(std::move(c));
  }
  return out;
}

base::Result<std::unique_ptr<ReplyConnector>> MakeConnector(ConnectorConfig config, ReplyObserver observer,
                                                            const base::Clock& clock) {
  const std::string where = "connector \"" + HeaderText(config.name) + "\"";
  base::Result<std::unique_ptr<ReplyConnector>> made = base::Status::InvalidArgument(
      where + ": type: must be \"smtp\" or \"webhook\", got \"" + HeaderText(config.type) + "\"");
  if (config.type == "smtp") {
    made = MakeSmtpConnector(std::move(config.name), std::move(config.smtp), std::move(observer), clock);
  } else if (config.type == "webhook") {
    made = MakeWebhookConnector(std::move(config.name), std::move(config.webhook), std::move(observer), clock);
  } else {
    return made;
  }
  if (!made.ok()) return made.status().WithPrefix(where);
  return made;
}

// ----------------------------------------------------------- ConnectorSet

ConnectorSet::~ConnectorSet() { Stop(); }

base::Result<std::unique_ptr<ConnectorSet>> ConnectorSet::Create(std::vector<ConnectorConfig> configs,
                                                                 ReplyObserver observer, const base::Clock& clock) {
  auto set = std::make_unique<ConnectorSet>();
  for (ConnectorConfig& c : configs) {
    std::vector<model::Channel> channels = c.channels;
    ECOUTE_ASSIGN_OR_RETURN(std::unique_ptr<ReplyConnector> connector, MakeConnector(std::move(c), observer, clock));
    ECOUTE_RETURN_IF_ERROR(set->Add(std::move(connector), std::move(channels)));
  }
  return set;
}

base::Status ConnectorSet::Add(std::unique_ptr<ReplyConnector> connector, std::vector<model::Channel> channels) {
  if (connector == nullptr) return base::Status::InvalidArgument("connectors: null connector");
  if (Find(connector->name()) != nullptr) {
    return base::Status::InvalidArgument("connector \"" + std::string(connector->name()) + "\": duplicate name");
  }
  entries_.push_back(Entry{std::move(connector), std::move(channels)});
  return base::Status::Ok();
}

ReplyConnector* ConnectorSet::ForChannel(model::Channel channel) const {
  ReplyConnector* fallback = nullptr;
  for (const Entry& e : entries_) {
    if (e.channels.empty()) {
      if (fallback == nullptr) fallback = e.connector.get();
    } else if (std::find(e.channels.begin(), e.channels.end(), channel) != e.channels.end()) {
      return e.connector.get();
    }
  }
  return fallback;
}

ReplyConnector* ConnectorSet::Find(std::string_view name) const {
  for (const Entry& e : entries_) {
    if (e.connector->name() == name) return e.connector.get();
  }
  return nullptr;
}

void ConnectorSet::Start() {
  for (Entry& e : entries_) e.connector->Start();
}

void ConnectorSet::Stop() {
  for (Entry& e : entries_) e.connector->Stop();
}

}  // namespace ecoute::care
