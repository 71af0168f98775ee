// Test helpers for code sending e-mail (alert's smtp_test, care's
// outbound_test): a local SMTP server and decoders of what it received.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace ecoute::alert::test_util {

// Standard base64 decoding; a test failure (and "") when `b64` is not.
inline std::string Base64Decode(const std::string& b64) {
  std::string out(b64.size(), '\0');
  size_t len = 0;
  EXPECT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), b64.data(), b64.size(),
                              nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL),
            0)
      << b64;
  out.resize(len);
  return out;
}

// Decodes the RFC 2047 B encoded-words (UTF-8) of a header value; the
// whitespace between two adjacent words is dropped, other text kept.
inline std::string DecodeWords(const std::string& v) {
  std::string out;
  size_t i = 0;
  bool after_word = false;
  while (i < v.size()) {
    if (v.compare(i, 10, "=?UTF-8?B?") == 0) {
      const size_t end = v.find("?=", i + 10);
      out += Base64Decode(v.substr(i + 10, end - i - 10));
      i = end + 2;
      after_word = true;
      continue;
    }
    if (after_word && (v[i] == ' ' || v[i] == '\t')) {
      size_t j = i;
      while (j < v.size() && (v[j] == ' ' || v[j] == '\t')) ++j;
      if (v.compare(j, 10, "=?UTF-8?B?") == 0) {
        i = j;
        continue;
      }
    }
    after_word = false;
    out += v[i++];
  }
  return out;
}

// Decodes quoted-printable (soft line breaks "=\r\n" removed).
inline std::string DecodeQuotedPrintable(const std::string& qp) {
  std::string out;
  for (size_t i = 0; i < qp.size(); ++i) {
    if (qp[i] == '=' && qp.compare(i + 1, 2, "\r\n") == 0) {
      i += 2;
    } else if (qp[i] == '=') {
      out += static_cast<char>(std::stoi(qp.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += qp[i];
    }
  }
  return out;
}

// One message the server accepted.
struct Mail {
  std::string from;
  std::vector<std::string> rcpt;
  std::string data;  // dot-unstuffed, as the message was meant
  std::string raw;   // as it came on the wire, before the final "."
};

// Where a fault of SmtpServer::FailNext is answered.
enum class SmtpStage { kMail, kRcpt, kData, kEndOfData };

// A minimal SMTP server on 127.0.0.1 (ephemeral port), one thread per
// connection: 220 greeting, EHLO/HELO, AUTH PLAIN, MAIL, RCPT, DATA, RSET,
// NOOP, QUIT. Faults: FailNext answers "<code> <text>" at `stage` for the
// next n transactions (text "" = "4.7.1 try again later" for a 4xx code,
// "5.1.1 refused" otherwise); CloseNext closes the next n connections at
// once; StallNext accepts the next n without ever answering;
// DropAfterNext closes the connection after the next n messages accepted.
// The methods may be called from any thread.
class SmtpServer {
 public:
  SmtpServer() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(listen_fd_, 16), 0);
    socklen_t len = sizeof addr;
    EXPECT_EQ(::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { Accept(); });
  }
  ~SmtpServer() {
    stop_ = true;
    acceptor_.join();
    for (std::thread& t : connections_) t.join();
    ::close(listen_fd_);
  }

  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  void FailNext(SmtpStage stage, int code, int n, std::string text = "") {
    std::lock_guard lock(mu_);
    fail_stage_ = stage;
    fail_code_ = code;
    fail_text_ = text.empty() ? (code < 500 ? "4.7.1 try again later" : "5.1.1 refused") : std::move(text);
    fail_n_ = n;
  }
  void CloseNext(int n) {
    std::lock_guard lock(mu_);
    close_n_ = n;
  }
  void StallNext(int n) {
    std::lock_guard lock(mu_);
    stall_n_ = n;
  }
  void DropAfterNext(int n) {
    std::lock_guard lock(mu_);
    drop_n_ = n;
  }
  int closed() {
    std::lock_guard lock(mu_);
    return closed_count_;
  }
  std::vector<Mail> received() {
    std::lock_guard lock(mu_);
    return received_;
  }
  int connections() {
    std::lock_guard lock(mu_);
    return connection_count_;
  }
  std::string auth() {
    std::lock_guard lock(mu_);
    return auth_;
  }

 private:
  enum class Mode { kServe, kClose, kStall };

  void Accept() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 10) <= 0) continue;
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      Mode mode = Mode::kServe;
      {
        std::lock_guard lock(mu_);
        ++connection_count_;
        if (close_n_ > 0) {
          --close_n_;
          mode = Mode::kClose;
        } else if (stall_n_ > 0) {
          --stall_n_;
          mode = Mode::kStall;
        }
      }
      connections_.emplace_back([this, fd, mode] {
        if (mode == Mode::kServe) Serve(fd);
        if (mode == Mode::kStall) {
          std::string buf, ignored;
          while (ReadLine(fd, buf, ignored)) {
          }
        }
        ::close(fd);
        std::lock_guard lock(mu_);
        ++closed_count_;
      });
    }
  }

  // The next line from `fd` (`buf`: what was read past the previous line),
  // without its CRLF. False on EOF, error or stop.
  bool ReadLine(int fd, std::string& buf, std::string& line) {
    for (;;) {
      const size_t eol = buf.find('\n');
      if (eol != std::string::npos) {
        line = buf.substr(0, eol > 0 && buf[eol - 1] == '\r' ? eol - 1 : eol);
        buf.erase(0, eol + 1);
        return true;
      }
      pollfd p{fd, POLLIN, 0};
      while (!stop_ && ::poll(&p, 1, 10) == 0) {
      }
      if (stop_) return false;
      char chunk[4096];
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buf.append(chunk, static_cast<size_t>(n));
    }
  }

  static void Reply(int fd, const std::string& text) {
    const std::string out = text + "\r\n";
    (void)::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
  }

  static bool StartsWith(const std::string& s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
      if (std::toupper(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
    }
    return true;
  }

  static std::string Path(const std::string& arg) {  // "<a@b>" -> "a@b"
    const size_t lt = arg.find('<'), gt = arg.find('>');
    return lt == std::string::npos || gt == std::string::npos ? arg : arg.substr(lt + 1, gt - lt - 1);
  }

  void Serve(int fd) {
    Reply(fd, "220 test.local ESMTP ready");
    std::string buf;
    Mail txn;
    bool in_txn = false;
    int fault_code = 0;
    std::string fault_text;
    SmtpStage fault_stage = SmtpStage::kMail;
    auto fault = [&](SmtpStage s) {
      if (fault_code == 0 || fault_stage != s) return false;
      Reply(fd, std::to_string(fault_code) + " " + fault_text);
      txn = Mail{};
      in_txn = false;
      fault_code = 0;
      return true;
    };
    std::string line;
    while (ReadLine(fd, buf, line)) {
      if (StartsWith(line, "EHLO")) {
        Reply(fd, "250-test.local\r\n250-AUTH PLAIN\r\n250 8BITMIME");
      } else if (StartsWith(line, "HELO")) {
        Reply(fd, "250 test.local");
      } else if (StartsWith(line, "AUTH PLAIN")) {
        std::string b64 = line.size() > 11 ? line.substr(11) : "";
        if (b64.empty()) {
          Reply(fd, "334 ");
          if (!ReadLine(fd, buf, b64)) break;
        }
        {
          std::lock_guard lock(mu_);
          auth_ = Base64Decode(b64);
        }
        Reply(fd, "235 2.7.0 authenticated");
      } else if (StartsWith(line, "MAIL FROM:")) {
        txn = Mail{};
        {
          std::lock_guard lock(mu_);
          fault_code = 0;
          if (fail_n_ > 0) {
            --fail_n_;
            fault_code = fail_code_;
            fault_text = fail_text_;
            fault_stage = fail_stage_;
          }
        }
        if (fault(SmtpStage::kMail)) continue;
        txn.from = Path(line.substr(10));
        in_txn = true;
        Reply(fd, "250 2.1.0 ok");
      } else if (StartsWith(line, "RCPT TO:")) {
        if (!in_txn) {
          Reply(fd, "503 5.5.1 MAIL first");
        } else if (!fault(SmtpStage::kRcpt)) {
          txn.rcpt.push_back(Path(line.substr(8)));
          Reply(fd, "250 2.1.5 ok");
        }
      } else if (StartsWith(line, "DATA")) {
        if (!in_txn || txn.rcpt.empty()) {
          Reply(fd, "503 5.5.1 RCPT first");
          continue;
        }
        if (fault(SmtpStage::kData)) continue;
        Reply(fd, "354 end with <CRLF>.<CRLF>");
        std::string l;
        bool complete = false;
        while (ReadLine(fd, buf, l)) {
          if (l == ".") {
            complete = true;
            break;
          }
          txn.raw += l + "\r\n";
          txn.data += (!l.empty() && l[0] == '.' ? l.substr(1) : l) + "\r\n";
        }
        if (!complete) break;
        if (fault(SmtpStage::kEndOfData)) continue;
        {
          std::lock_guard lock(mu_);
          received_.push_back(txn);
        }
        txn = Mail{};
        in_txn = false;
        Reply(fd, "250 2.0.0 queued");
        std::lock_guard lock(mu_);
        if (drop_n_ > 0) {
          --drop_n_;
          break;
        }
      } else if (StartsWith(line, "RSET")) {
        txn = Mail{};
        in_txn = false;
        Reply(fd, "250 2.0.0 ok");
      } else if (StartsWith(line, "NOOP")) {
        Reply(fd, "250 2.0.0 ok");
      } else if (StartsWith(line, "QUIT")) {
        Reply(fd, "221 2.0.0 bye");
        break;
      } else {
        Reply(fd, "500 5.5.2 unknown command");
      }
    }
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::vector<std::thread> connections_;  // acceptor thread only, then the destructor
  std::mutex mu_;
  SmtpStage fail_stage_ = SmtpStage::kMail;  // GUARDED_BY(mu_)
  int fail_code_ = 0;                // GUARDED_BY(mu_)
  std::string fail_text_;            // GUARDED_BY(mu_)
  int fail_n_ = 0;                   // GUARDED_BY(mu_)
  int close_n_ = 0;                  // GUARDED_BY(mu_)
  int stall_n_ = 0;                  // GUARDED_BY(mu_)
  int drop_n_ = 0;                   // GUARDED_BY(mu_)
  int connection_count_ = 0;         // GUARDED_BY(mu_)
  int closed_count_ = 0;             // GUARDED_BY(mu_)
  std::string auth_;                 // GUARDED_BY(mu_)
  std::vector<Mail> received_;   // GUARDED_BY(mu_)
};

}  // namespace ecoute::alert::test_util
