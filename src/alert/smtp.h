// The SMTP pieces shared by every e-mail sender of ecoute (the alert
// notifier's SMTP transport, the care inbox's reply connector): RFC 5322 /
// 2045 / 2047 text helpers, address and URL checks, and Client, one libcurl
// handle making single delivery attempts.
//
// Thread-safety: the free functions are pure and thread-safe
// (CurlGlobalInit included). A Client is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "alert/notifier.h"
#include "base/status.h"
#include "base/time.h"

namespace ecoute::alert::smtp {

inline constexpr std::string_view kCrlf = "\r\n";

// True when every byte of `s` is below 0x80.
bool IsAscii(std::string_view s);

// `s` with its control characters (CR, LF and DEL included) as spaces:
// safe in a header field, no header injection.
std::string HeaderText(std::string_view s);

// Splits on "\r\n", "\r" or "\n". A text ending with a line break gives a
// last empty line; "" gives one empty line.
std::vector<std::string> Lines(std::string_view text);

// RFC 2047 B encoded-words (charset UTF-8) of `text`, each holding at most
// 39 bytes of it (whole UTF-8 sequences, so at most 75 characters a word),
// separated by a folding "\r\n ". Empty for an empty text.
std::string EncodedWords(std::string_view text);

// "<name>: <text>", as is when `text` is ASCII without "=?" and the line
// fits in 78 characters, else "<name>: " + EncodedWords(text). `text`
// should be HeaderText already.
std::string UnstructuredHeader(std::string_view name, std::string_view text);

// "Date: Tue, 14 Nov 2023 22:13:20 +0000" (RFC 5322 3.3) for `now_ms`, UTC.
std::string DateHeader(base::Timestamp now_ms);

// Appends the RFC 2045 6.7 quoted-printable form of one line (no line break
// in it) and a CRLF to `out`; soft line breaks keep the encoded lines
// within 76 characters.
void AppendQuotedPrintable(std::string_view line, std::string& out);

// Whether `address` is a plausible bare address (local@domain, ASCII, no
// quoting, comments or display name): empty when fine, else what is wrong
// ("empty", "no '@'", "bad domain", ...). A domain in brackets ("x@[::1]",
// an address literal) is accepted with `allow_address_literal`, else it is
// a "bad domain".
std::string AddressProblem(std::string_view address, bool allow_address_literal = true);

// Ok, or InvalidArgument "<field>: not an e-mail address (<AddressProblem>):
// \"<address as HeaderText>\"".
base::Status CheckAddress(std::string_view field, std::string_view address, bool allow_address_literal = true);

// Ok when libcurl parses `url` and it has the scheme smtp or smtps, "://"
// and a host. Else InvalidArgument "<field>: not a URL: <shown>",
// "<field>: scheme must be smtp or smtps: <shown>" or "<field>: no host:
// <shown>" (`shown`: the URL as the message should show it), or Internal
// "<field>: curl_url failed".
base::Status CheckSmtpUrl(std::string_view field, const std::string& url, std::string_view shown);

// curl_global_init, once per process (later calls return the first one's
// result): Internal "curl_global_init: <why>" when it failed. Call it before
// the first Client::Create.
base::Status CurlGlobalInit();

// One libcurl easy handle used for every message, so that its connection
// cache keeps a live SMTP connection between them (a connection the server
// closed meanwhile is reopened without a failed attempt).
class Client {
 public:
  // Used as given: check them first (CheckSmtpUrl, CheckAddress).
  struct Options {
    // "smtp://host[:port]" (plain, or STARTTLS with `starttls`) or
    // "smtps://host[:port]" (implicit TLS); a path, if any, is the EHLO name.
    std::string url;
    std::string username, password;  // SMTP AUTH; empty username = none
    bool starttls = false;           // require STARTTLS (CURLUSESSL_ALL)
    std::string from;                // envelope sender, a bare address
    int64_t timeout_ms = 5000;       // connect, and the whole transaction (> 0)
  };

  // Null when libcurl cannot allocate the handle.
  static std::unique_ptr<Client> Create(Options options);

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  ~Client();

  // The envelope recipients (bare addresses) of the next Send() calls, all
  // or nothing: one refused recipient fails the attempt. False, recipients
  // unchanged, when out of memory.
  bool SetRecipients(const std::vector<std::string>& to);

  // One attempt to send `message` (what follows DATA, CRLF line ends, not
  // dot-stuffed: libcurl does it) to the recipients. Outcome: {250, "",
  // true} when the server accepted the data; for a reply >= 400 {code,
  // "smtp <code> <its text>", retryable iff a 4xx}; when the time limit
  // passed {code or 0, "timeout: <libcurl's detail>", true}; else {code or
  // 0, "connection: <detail>", retryable unless the URL, protocol or login
  // was refused}.
  Transport::Outcome Send(std::string message);

 private:
  struct Impl;
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecoute::alert::smtp
