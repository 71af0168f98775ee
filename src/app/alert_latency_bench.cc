// alert_latency_bench: how long a matching message takes from entering
// POST /api/v1/mentions to its webhook arriving, under sustained load.
//
// One process wired as `ecoute serve` wires it: a temporary SQLite store
// (configuration defaults: synchronous=full, understanding on with the
// shipped models), Ingestion (pipeline + monitored queries), the API server
// on 127.0.0.1 (port 0) ingesting with SubmitAndWait, and an AlertService
// with one mention rule on the query `probe` (text "zqxprobe", no grouping,
// no throttle) and one signed webhook notifier pointing at a local receiver
// (httplib::Server on 127.0.0.1).
//
// The load generator: `--clients` threads (default 4), each with one
// keep-alive httplib::Client, POST JSON arrays of `--batch` (100) demo
// messages (French and English, every channel; demo::DemoGenerator, native
// ids made unique per client, created_at = now) on a fixed schedule shared
// by the clients: batch k is due at start + k * batch / rate, paced against
// the steady clock, and is sent by the first free client. A POST is
// answered after its commit, so one connection carries at most batch / RTT
// messages/s: 2 clients cannot carry 10,000/s when the round trip passes
// 20 ms; when every client is busy the batch goes out late, the lag is
// reported, and the latency is also given from the due time. One message
// in 100 (--probe-every) is a probe: an inbound demo message with
// " zqxprobe" appended, native id "zqxprobe-<seq>-<steady ns>", the steady
// clock read just before the POST that carries it starts. The receiver checks the HMAC signature
// (alert::VerifySignature), reads payload.native_id and records arrival -
// send. A decoder wrapper (worker decodes the probe) and two commit
// listeners (one before the alert service's, one after) split the latency
// into: to a worker (HTTP, input queue), worker stages + writer (wait and
// commit), evaluation, and notification (notifier queue + webhook POST).
//
// The first --warmup seconds (default 3) are not measured; then SECONDS
// (default 30) are. Prints the achieved ingest rate, probes sent/received,
// latency p50/p90/p99/max, the breakdown, POST round-trip p50/p99, schedule
// lag, CPU use and peak RSS (the whole process: server, load generator and
// receiver), the pipeline's per-stage figures, AlertService::Stats and the
// notifier's stats. Exits 1 when a probe is lost (not delivered within 10 s
// after the load stops), a signature is wrong or a POST fails.
//
// Usage: alert_latency_bench [SECONDS] [--rate N] [--batch N] [--clients N]
//          [--probe-every N] [--warmup S] [--commit-interval-ms N]
//          [--commit-records N] [--workers N] [--sync full|normal]
//          [--no-understanding] [--separate-alert-store] [--dir DIR] [--quiet]
// The --commit-*, --workers, --sync and --no-understanding flags set the
// matching ecoute.yaml options (pipeline.*, store.synchronous,
// understanding.enabled), to see what they change. --separate-alert-store
// (an experiment; serve has no such option) gives the AlertService its own
// SQLite file, so that its writes do not share the mention writer's lock.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "alert/notifier.h"
#include "alert/rules.h"
#include "alert/service.h"
#include "api/server.h"
#include "app/runtime.h"
#include "auth/authenticator.h"
#include "auth/password.h"
#include "base/clock.h"
#include "base/metrics.h"
#include "config/config.h"
#include "demo/generator.h"
#include "ingest/input.h"
#include "model/mention.h"
#include "model/mention_json.h"

namespace {

namespace fs = std::filesystem;
using namespace ecoute;
using Steady = std::chrono::steady_clock;

constexpr std::string_view kProbePrefix = "zqxprobe-";
constexpr char kSecret[] = "alert-latency-bench-secret";
constexpr int64_t kGraceNs = 10'000'000'000;  // wait this long for the last webhooks

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Steady::now().time_since_epoch()).count();
}

struct Flags {
  double seconds = 30;
  double warmup = 3;
  double rate = 10'000;
  int batch = 100;
  int clients = 4;
  int probe_every = 100;  // one message in this many is a probe
  int commit_interval_ms = -1;  // -1: configuration default
  int commit_records = -1;
  int workers = -1;
  std::string sync;
  bool understanding = true;
  std::string dir;
  bool quiet = false;
  bool separate_alert_store = false;  // experiment: alerts persisted to a second database
};

[[noreturn]] void Usage(const char* why) {
  std::fprintf(stderr,
               "alert_latency_bench: %s\nusage: alert_latency_bench [SECONDS] [--rate N] [--batch N] [--clients N] "
               "[--probe-every N] [--warmup S] [--commit-interval-ms N] [--commit-records N] [--workers N] "
               "[--sync full|normal] [--no-understanding] [--separate-alert-store] [--dir DIR] [--quiet]\n",
               why);
  std::exit(2);
}

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  auto number = [&](int& i) {
    if (i + 1 >= argc) Usage("missing value");
    char* end = nullptr;
    double v = std::strtod(argv[++i], &end);
    if (end == argv[i] || *end != '\0' || !(v >= 0)) Usage("not a number");
    return v;
  };
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--rate") f.rate = number(i);
    else if (a == "--batch") f.batch = static_cast<int>(number(i));
    else if (a == "--clients") f.clients = static_cast<int>(number(i));
    else if (a == "--probe-every") f.probe_every = static_cast<int>(number(i));
    else if (a == "--warmup") f.warmup = number(i);
    else if (a == "--commit-interval-ms") f.commit_interval_ms = static_cast<int>(number(i));
    else if (a == "--commit-records") f.commit_records = static_cast<int>(number(i));
    else if (a == "--workers") f.workers = static_cast<int>(number(i));
    else if (a == "--sync" && i + 1 < argc) f.sync = argv[++i];
    else if (a == "--no-understanding") f.understanding = false;
    else if (a == "--dir" && i + 1 < argc) f.dir = argv[++i];
    else if (a == "--quiet") f.quiet = true;
    else if (a == "--separate-alert-store") f.separate_alert_store = true;
    else if (!a.empty() && a[0] != '-') {
      char* end = nullptr;
      f.seconds = std::strtod(argv[i], &end);
      if (end == argv[i] || *end != '\0' || !(f.seconds > 0)) Usage("SECONDS must be a positive number");
    } else {
      Usage("unknown flag");
    }
  }
  if (f.rate <= 0 || f.batch < 1 || f.clients < 1 || f.probe_every < 1)
    Usage("--rate, --batch, --clients and --probe-every must be positive");
  return f;
}

// One probe's times on the steady clock (ns; 0 = not yet).
struct ProbeSlot {
  std::atomic<int64_t> due_ns{0};  // when the schedule wanted the POST to start
  std::atomic<int64_t> sent_ns{0};
  std::atomic<int64_t> decoded_ns{0};  // a pipeline worker decoded it
  std::atomic<int64_t> committed_ns{0};
  std::atomic<int64_t> evaluated_ns{0};
  std::atomic<int64_t> arrived_ns{0};
};

struct Probes {
  explicit Probes(size_t n) : slots(n) {}
  std::vector<ProbeSlot> slots;
  std::atomic<uint64_t> sent{0}, received{0}, duplicates{0}, bad_signatures{0}, other_events{0};
};

// The slot of probe id "zqxprobe-<seq>-<ns>"; null for any other id.
ProbeSlot* ProbeOf(Probes& probes, std::string_view id) {
  if (id.substr(0, kProbePrefix.size()) != kProbePrefix) return nullptr;
  id.remove_prefix(kProbePrefix.size());
  uint64_t seq = 0;
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), seq);
  if (ec != std::errc() || end == id.data() + id.size() || *end != '-' || seq >= probes.slots.size()) return nullptr;
  return &probes.slots[seq];
}

// Percentile by nearest rank of sorted `v` (0 when empty).
double Pct(const std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

std::string Summary(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  char buf[160];
  std::snprintf(buf, sizeof buf, "p50 %.1f  p90 %.1f  p99 %.1f  max %.1f ms (n=%zu)", Pct(v, 0.5), Pct(v, 0.9),
                Pct(v, 0.99), v.empty() ? 0.0 : v.back(), v.size());
  return buf;
}

double PeakRssMb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
  return 0;
}

// The 1-minute load average (the VM is shared: other work shows here).
std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  in >> one;
  return one.empty() ? "?" : one;
}

// "some avg60" of /proc/pressure/cpu: the share of the last minute in which
// some runnable task waited for a CPU ("?" without PSI).
std::string CpuPressure() {
  std::ifstream in("/proc/pressure/cpu");
  std::string line;
  std::getline(in, line);
  size_t at = line.find("avg60=");
  if (at == std::string::npos) return "?";
  return line.substr(at + 6, line.find(' ', at) - at - 6) + "%";
}

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

// Marks the probes among committed mentions with the time in `field`.
void MarkProbes(Probes& probes, const std::vector<model::Mention>& mentions, std::atomic<int64_t> ProbeSlot::*field) {
  const int64_t now = NowNs();
  for (const model::Mention& m : mentions) {
    if (ProbeSlot* p = ProbeOf(probes, m.native_id)) (p->*field).store(now);
  }
}

// The API's JSON decoder, noting when a worker decodes each probe.
class TimingDecoder final : public ingest::Decoder {
 public:
  TimingDecoder(std::shared_ptr<const ingest::Decoder> inner, Probes& probes)
      : inner_(std::move(inner)), probes_(probes) {}
  std::string_view name() const override { return inner_->name(); }
  void Decode(std::string_view record, const ingest::Location& where, std::vector<model::Mention>& out,
              std::vector<model::Rejection>& rejects) const override {
    const size_t before = out.size();
    inner_->Decode(record, where, out, rejects);
    const int64_t now = NowNs();
    for (size_t i = before; i < out.size(); ++i)
      if (ProbeSlot* p = ProbeOf(probes_, out[i].native_id)) p->decoded_ns.store(now);
  }

 private:
  std::shared_ptr<const ingest::Decoder> inner_;
  Probes& probes_;
};

// What one client thread measured.
struct ClientResult {
  uint64_t posts = 0, failed_posts = 0;
  uint64_t accepted_measured = 0, rejected = 0;
  int64_t last_done_ns = 0;  // end of the last POST
  std::vector<double> rtt_ms;  // POSTs started in the measured window
  std::vector<double> lag_ms;  // start of each POST after its due time (measured window)
  std::string first_error;
};

// The send schedule, shared by the clients: batch k is due at start + k *
// batch / rate and is taken by whichever client is free first.
struct Schedule {
  int64_t start_ns = 0, measure_ns = 0, end_ns = 0;
  double batch_ns = 0;
  std::atomic<uint64_t> next_batch{0};
  std::atomic<uint64_t> next_probe{0};
};

void RunClient(int client, const Flags& flags, int port, const std::string& token, Schedule& schedule, Probes& probes,
               ClientResult& out) {
  demo::DemoOptions dopt;
  dopt.seed = 1000 + static_cast<uint64_t>(client);
  dopt.start = base::SystemClock().Now() - 86'400'000;
  dopt.messages_per_day = 200'000;
  demo::DemoGenerator gen(dopt);
  std::mt19937_64 rng(77 + static_cast<uint64_t>(client));
  const std::string prefix = "c" + std::to_string(client) + "-";
  auto unique = [&](std::string& id) {
    if (!id.empty()) id = prefix + id;
  };

  httplib::Client http("127.0.0.1", port);
  http.set_keep_alive(true);
  http.set_connection_timeout(std::chrono::seconds(10));
  http.set_read_timeout(std::chrono::seconds(60));
  http.set_write_timeout(std::chrono::seconds(60));
  http.set_default_headers({{"Authorization", "Bearer " + token}});

  // Messages kept back as possible probes: batch k carries message numbers
  // [k * batch, (k + 1) * batch) and those divisible by probe_every are probes.
  const int spares = (flags.batch + flags.probe_every - 1) / flags.probe_every;
  auto probes_in = [&](uint64_t k) {
    const uint64_t b = static_cast<uint64_t>(flags.batch), e = static_cast<uint64_t>(flags.probe_every);
    return static_cast<int>(((k + 1) * b + e - 1) / e - (k * b + e - 1) / e);
  };
  std::vector<std::string> lines;
  std::vector<model::Mention> spare;
  std::string body;
  const int64_t end_ns = schedule.end_ns;
  for (;;) {
    // Everything but the probes and the spares is built before the due time.
    const base::Timestamp created = base::SystemClock().Now();
    lines.clear();
    spare.clear();
    for (int i = 0; i < flags.batch; ++i) {
      model::Mention m = gen.Next();
      m.created_at = created;
      if (i < spares) {
        spare.push_back(std::move(m));
        continue;
      }
      unique(m.native_id);
      unique(m.reply_to);
      unique(m.reshare_of);
      unique(m.quote_of);
      unique(m.thread_id);
      lines.push_back(model::MentionToJsonLine(m));
    }
    const uint64_t k = schedule.next_batch.fetch_add(1);
    const int64_t due = schedule.start_ns + static_cast<int64_t>(schedule.batch_ns * static_cast<double>(k));
    if (due >= end_ns || NowNs() >= end_ns) break;  // late: the backlog is not sent
    std::this_thread::sleep_until(Steady::time_point(std::chrono::nanoseconds(due)));

    const int64_t send_ns = NowNs();
    std::vector<uint64_t> seqs;
    const int n_probes = probes_in(k);
    for (int i = 0; i < spares; ++i) {
      model::Mention& m = spare[static_cast<size_t>(i)];
      uint64_t seq = i < n_probes ? schedule.next_probe.fetch_add(1) : probes.slots.size();
      if (seq < probes.slots.size()) {
        m.native_id = std::string(kProbePrefix) + std::to_string(seq) + "-" + std::to_string(send_ns);
        m.direction = model::Direction::kInbound;
        m.reply_to.clear();
        m.reshare_of.clear();
        m.quote_of.clear();
        m.thread_id.clear();
        m.text += " zqxprobe";
        probes.slots[seq].due_ns.store(due);
        probes.slots[seq].sent_ns.store(send_ns);
        seqs.push_back(seq);
      } else {
        unique(m.native_id);
        unique(m.reply_to);
        unique(m.reshare_of);
        unique(m.quote_of);
        unique(m.thread_id);
      }
      // Anywhere in the batch.
      size_t at = std::uniform_int_distribution<size_t>(0, lines.size())(rng);
      lines.insert(lines.begin() + static_cast<ptrdiff_t>(at), model::MentionToJsonLine(m));
    }
    body.clear();
    body += '[';
    for (size_t i = 0; i < lines.size(); ++i) {
      if (i) body += ',';
      body += lines[i];
    }
    body += ']';

    auto res = http.Post("/api/v1/mentions", body, "application/json");
    const int64_t done_ns = NowNs();
    out.last_done_ns = done_ns;
    ++out.posts;
    probes.sent.fetch_add(seqs.size());
    const bool measured = send_ns >= schedule.measure_ns;
    if (!res || res->status != 200) {
      ++out.failed_posts;
      if (out.first_error.empty())
        out.first_error = res ? "http " + std::to_string(res->status) + ": " + res->body.substr(0, 200)
                              : "connection: " + httplib::to_string(res.error());
      continue;
    }
    nlohmann::json reply = nlohmann::json::parse(res->body, nullptr, false);
    if (!reply.is_discarded()) {
      if (measured) out.accepted_measured += reply.value("accepted", uint64_t{0});
      out.rejected += reply.value("rejected", uint64_t{0});
    }
    if (measured) {
      out.rtt_ms.push_back(static_cast<double>(done_ns - send_ns) / 1e6);
      out.lag_ms.push_back(static_cast<double>(send_ns - due) / 1e6);
    }
  }
}

int Run(const Flags& flags) {
  app::SetUpLogging("warn");
  std::error_code ec;
  fs::path dir = flags.dir.empty() ? fs::temp_directory_path() : fs::path(flags.dir);
  fs::path work = dir / ("alert_latency_bench." + std::to_string(::getpid()));
  fs::create_directories(work, ec);
  if (ec) {
    std::fprintf(stderr, "cannot create %s: %s\n", work.c_str(), ec.message().c_str());
    return 2;
  }
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code e;
      fs::remove_all(p, e);
    }
  } cleanup{work};

  config::Config config;
  config.store.path = (work / "bench.db").string();
  if (!flags.sync.empty()) config.store.synchronous = flags.sync;
  if (flags.commit_interval_ms >= 0) config.pipeline.commit_interval_ms = flags.commit_interval_ms;
  if (flags.commit_records > 0) config.pipeline.commit_records = flags.commit_records;
  if (flags.workers > 0) config.pipeline.workers = flags.workers;
  config.understanding.enabled = flags.understanding;

  auto fail = [](const char* what, const base::Status& s) {
    std::fprintf(stderr, "alert_latency_bench: %s: %s\n", what, s.ToString().c_str());
    return 2;
  };
  auto store = app::OpenStore(config);
  if (!store.ok()) return fail("store", store.status());
  auto ingestion = app::Ingestion::Open(config, **store);
  if (!ingestion.ok()) return fail("ingestion", ingestion.status());
  pipeline::Pipeline& pipe = (*ingestion)->pipeline();
  queries::QueryService& queries = (*ingestion)->queries();
  store::QueryDef def;
  def.name = "probe";
  def.kind = store::QueryKind::kTopic;
  def.text = "zqxprobe";
  def.description = "alert_latency_bench probes";
  auto created = queries.Create(def);
  if (!created.ok()) return fail("query", created.status());
  queries.WaitIdle(std::chrono::seconds(30), /*backfill=*/false);

  const size_t planned_probes = static_cast<size_t>(
      std::ceil((flags.warmup + flags.seconds) * flags.rate / flags.probe_every));
  Probes probes(planned_probes + 64);

  // The webhook receiver.
  httplib::Server receiver;
  receiver.Post("/hook", [&probes](const httplib::Request& req, httplib::Response& res) {
    const int64_t arrived = NowNs();
    if (!ecoute::alert::VerifySignature(kSecret, req.get_header_value("X-Ecoute-Timestamp"), req.body,
                                        req.get_header_value("X-Ecoute-Signature"))) {
      probes.bad_signatures.fetch_add(1);
      res.status = 401;
      return;
    }
    nlohmann::json event = nlohmann::json::parse(req.body, nullptr, false);
    std::string native_id;
    if (!event.is_discarded() && event.contains("payload") && event["payload"].is_object())
      native_id = event["payload"].value("native_id", "");
    if (ProbeSlot* p = ProbeOf(probes, native_id); p == nullptr) {
      probes.other_events.fetch_add(1);
    } else {
      int64_t expected = 0;
      if (p->arrived_ns.compare_exchange_strong(expected, arrived)) probes.received.fetch_add(1);
      else probes.duplicates.fetch_add(1);
    }
    res.status = 204;
  });
  const int hook_port = receiver.bind_to_any_port("127.0.0.1");
  if (hook_port <= 0) {
    std::fprintf(stderr, "alert_latency_bench: receiver cannot bind\n");
    return 2;
  }
  struct ReceiverThread {
    httplib::Server& server;
    std::thread thread;
    ~ReceiverThread() {
      server.stop();
      if (thread.joinable()) thread.join();
    }
  } receiver_thread{receiver, std::thread([&receiver] { receiver.listen_after_bind(); })};
  while (!receiver.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  alert::ServiceOptions ao;
  auto rule = alert::RuleFromJson(nlohmann::json::parse(
      R"({"name": "probe", "kind": "mention", "queries": ["probe"], "group_minutes": 0, "throttle_per_hour": 0})"));
  if (!rule.ok()) return fail("rule", rule.status());
  ao.rules.push_back(*rule);
  alert::NotifierSpec spec;
  spec.name = "receiver";
  spec.type = "webhook";
  spec.webhook.url = "http://127.0.0.1:" + std::to_string(hook_port) + "/hook";
  spec.webhook.secret = kSecret;
  ao.notifiers.push_back(spec);
  ao.engine.max_age_ms = int64_t{config.alerts.max_age_minutes} * 60'000;
  std::unique_ptr<store::Store> alert_store;
  if (flags.separate_alert_store) {
    config::Config ac = config;
    ac.store.path = (work / "alerts.db").string();
    auto opened = app::OpenStore(ac);
    if (!opened.ok()) return fail("alert store", opened.status());
    alert_store = std::move(*opened);
  }
  auto svc = alert::AlertService::Create(
      std::move(ao), alert_store ? *alert_store : **store,
      [&queries] {
        std::map<int64_t, std::string> names;
        for (const queries::QueryInfo& q : queries.List()) names[q.def.id] = q.def.name;
        return names;
      },
      base::SystemClock());
  if (!svc.ok()) return fail("alerts", svc.status());
  std::unique_ptr<alert::AlertService> alerts = std::move(*svc);

  // The clients post as a lead (ingest permission), with an API token.
  auth::DirectoryOptions dopt;
  dopt.password_cost = auth::MinimalCost();
  auto directory = auth::Directory::Open(":memory:", dopt);
  if (!directory.ok()) return fail("accounts", directory.status());
  auth::Authenticator authenticator(**directory, base::SystemClock());
  auth::User poster;
  poster.login = "bench";
  poster.role = auth::Role::kLead;
  auto bench_user = (*directory)->CreateUser(poster, auth::GeneratePassword(), auth::Actor("bench"));
  if (!bench_user.ok()) return fail("accounts", bench_user.status());
  auto token = authenticator.CreateToken(bench_user->id, "bench", std::nullopt, auth::Actor("bench"));
  if (!token.ok()) return fail("accounts", token.status());

  api::ServerOptions so;
  so.host = "127.0.0.1";
  so.port = 0;
  so.threads = config.server.threads;
  so.max_body_bytes = static_cast<size_t>(config.server.max_body_mb) << 20;
  api::Server server(
      so, **store, [&pipe](ingest::RawBatch batch) { return pipe.SubmitAndWait(std::move(batch)); },
      std::make_shared<TimingDecoder>(ingest::MakeJsonDecoder(), probes), &authenticator, base::Metrics(),
      base::SystemClock(),
      &queries, alerts.get());
  if (base::Status s = server.Start(); !s.ok()) return fail("server", s);
  if (base::Status s = alerts->Start(); !s.ok()) return fail("alerts start", s);
  pipe.AddCommitListener([&probes](const std::vector<model::Mention>& ms) {
    MarkProbes(probes, ms, &ProbeSlot::committed_ns);
  });
  pipe.AddCommitListener([a = alerts.get()](const std::vector<model::Mention>& ms) { a->OnCommit(ms); });
  pipe.AddCommitListener([&probes](const std::vector<model::Mention>& ms) {
    MarkProbes(probes, ms, &ProbeSlot::evaluated_ns);
  });

  const int workers = app::PipelineOptionsFrom(config).workers;
  std::printf("== alert latency: %.0f msgs/s in batches of %d over %d clients, %.0f s measured after %.0f s of "
              "warm-up; %u cores; pipeline %d workers, commit_interval %d ms, commit_records %d; store "
              "synchronous=%s on %s; understanding %s; alerts persisted to %s; load average %s\n",
              flags.rate, flags.batch, flags.clients, flags.seconds, flags.warmup, std::thread::hardware_concurrency(),
              workers, config.pipeline.commit_interval_ms, config.pipeline.commit_records,
              config.store.synchronous.c_str(), work.c_str(), flags.understanding ? "on" : "off",
              alert_store ? "their own database" : "the same database", LoadAverage().c_str());
  std::fflush(stdout);

  Schedule schedule;
  schedule.start_ns = NowNs() + 200'000'000;
  schedule.measure_ns = schedule.start_ns + static_cast<int64_t>(flags.warmup * 1e9);
  schedule.end_ns = schedule.measure_ns + static_cast<int64_t>(flags.seconds * 1e9);
  schedule.batch_ns = 1e9 * flags.batch / flags.rate;
  const int64_t start_ns = schedule.start_ns, measure_ns = schedule.measure_ns, end_ns = schedule.end_ns;
  const double cpu0 = CpuSeconds();
  std::vector<ClientResult> results(static_cast<size_t>(flags.clients));
  std::vector<std::thread> clients;
  for (int c = 0; c < flags.clients; ++c)
    clients.emplace_back([&, c] {
      RunClient(c, flags, server.port(), token->token, schedule, probes, results[static_cast<size_t>(c)]);
    });
  // Progress, once a second.
  for (int64_t next = start_ns + 1'000'000'000; NowNs() < end_ns; next += 1'000'000'000) {
    std::this_thread::sleep_until(Steady::time_point(std::chrono::nanoseconds(std::min(next, end_ns))));
    if (!flags.quiet && NowNs() < end_ns)
      std::fprintf(stderr, "  %4.0f s: %llu probes sent, %llu received\n",
                   static_cast<double>(NowNs() - start_ns) / 1e9,
                   static_cast<unsigned long long>(probes.sent.load()),
                   static_cast<unsigned long long>(probes.received.load()));
  }
  for (std::thread& t : clients) t.join();
  const int64_t load_done_ns = NowNs();
  const double cpu1 = CpuSeconds();
  while (probes.received.load() < probes.sent.load() && NowNs() - load_done_ns < kGraceNs)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));

  // Orderly stop, as serve does.
  server.Stop();
  pipe.Drain();
  alerts->Stop();
  receiver.stop();

  // Figures.
  ClientResult all;
  for (ClientResult& r : results) {
    all.posts += r.posts;
    all.failed_posts += r.failed_posts;
    all.accepted_measured += r.accepted_measured;
    all.rejected += r.rejected;
    all.last_done_ns = std::max(all.last_done_ns, r.last_done_ns);
    all.rtt_ms.insert(all.rtt_ms.end(), r.rtt_ms.begin(), r.rtt_ms.end());
    all.lag_ms.insert(all.lag_ms.end(), r.lag_ms.begin(), r.lag_ms.end());
    if (all.first_error.empty()) all.first_error = r.first_error;
  }
  std::vector<double> total, from_due, ingest, to_worker, in_pipeline, evaluate, notify;
  uint64_t measured_sent = 0, measured_lost = 0, warmup_lost = 0;
  const uint64_t used = std::min<uint64_t>(schedule.next_probe.load(), probes.slots.size());
  for (uint64_t i = 0; i < used; ++i) {
    const ProbeSlot& p = probes.slots[i];
    const int64_t sent = p.sent_ns.load(), arrived = p.arrived_ns.load();
    if (sent == 0) continue;
    const bool measured = sent >= measure_ns;
    if (arrived == 0) {
      ++(measured ? measured_lost : warmup_lost);
      continue;
    }
    if (!measured) continue;
    ++measured_sent;
    auto ms = [](int64_t a, int64_t b) { return static_cast<double>(b - a) / 1e6; };
    total.push_back(ms(sent, arrived));
    from_due.push_back(ms(p.due_ns.load(), arrived));
    const int64_t committed = p.committed_ns.load(), evaluated = p.evaluated_ns.load();
    const int64_t decoded = p.decoded_ns.load();
    if (committed && evaluated && decoded) {
      ingest.push_back(ms(sent, committed));
      to_worker.push_back(ms(sent, decoded));
      in_pipeline.push_back(ms(decoded, committed));
      evaluate.push_back(ms(committed, evaluated));
      notify.push_back(ms(evaluated, arrived));
    }
  }
  measured_sent += measured_lost;
  std::sort(total.begin(), total.end());
  const double p99 = Pct(total, 0.99);

  // Until the last answer: a load generator that fell behind shows here.
  const double measured_s = static_cast<double>(std::max(all.last_done_ns, end_ns) - measure_ns) / 1e9;
  std::printf("ingest: %llu messages accepted in the measured %.1f s = %.0f msgs/s (target %.0f); %llu POSTs, "
              "%llu failed, %llu records rejected\n",
              static_cast<unsigned long long>(all.accepted_measured), measured_s,
              static_cast<double>(all.accepted_measured) / measured_s, flags.rate,
              static_cast<unsigned long long>(all.posts), static_cast<unsigned long long>(all.failed_posts),
              static_cast<unsigned long long>(all.rejected));
  if (!all.first_error.empty()) std::printf("  first POST error: %s\n", all.first_error.c_str());
  std::printf("probes: %llu sent, %llu received (%llu measured, %llu lost in the measured window, %llu lost in "
              "warm-up), %llu duplicate deliveries, %llu bad signatures, %llu other events\n",
              static_cast<unsigned long long>(probes.sent.load()),
              static_cast<unsigned long long>(probes.received.load()),
              static_cast<unsigned long long>(measured_sent), static_cast<unsigned long long>(measured_lost),
              static_cast<unsigned long long>(warmup_lost), static_cast<unsigned long long>(probes.duplicates.load()),
              static_cast<unsigned long long>(probes.bad_signatures.load()),
              static_cast<unsigned long long>(probes.other_events.load()));
  std::printf("latency, POST start -> webhook received: %s; target p99 <= 100 ms: %s\n", Summary(total).c_str(),
              p99 <= 100 ? "met" : "NOT met");
  std::printf("  from the scheduled send time (counts the wait for a free client): %s\n", Summary(from_due).c_str());
  std::printf("  ingest   (POST start -> committed, listener): %s\n", Summary(ingest).c_str());
  std::printf("    to a worker (HTTP, body split, input queue): %s\n", Summary(to_worker).c_str());
  std::printf("    worker stages + writer (wait, commit):       %s\n", Summary(in_pipeline).c_str());
  std::printf("  evaluate (alert OnCommit):                   %s\n", Summary(evaluate).c_str());
  std::printf("  notify   (notifier queue + webhook POST):     %s\n", Summary(notify).c_str());
  std::printf("POST round trip (answered after the commit): %s\n", Summary(all.rtt_ms).c_str());
  std::printf("POST start behind schedule: %s\n", Summary(all.lag_ms).c_str());
  const double wall = static_cast<double>(load_done_ns - start_ns) / 1e9;
  std::printf("process: CPU %.1f s over %.1f s of load = %.2f cores (server, load generator and receiver); peak RSS "
              "%.1f MB; at the end: load average %s, CPU pressure (some, avg60) %s\n",
              cpu1 - cpu0, wall, (cpu1 - cpu0) / wall, PeakRssMb(), LoadAverage().c_str(), CpuPressure().c_str());

  pipeline::PipelineStats ps = pipe.Stats();
  std::printf("pipeline: %llu commits (%.1f/s), %llu inserted, %llu duplicates\n",
              static_cast<unsigned long long>(ps.commits), static_cast<double>(ps.commits) / wall,
              static_cast<unsigned long long>(ps.inserted), static_cast<unsigned long long>(ps.duplicates));
  for (const pipeline::StageStats& st : ps.stages)
    std::printf("  stage %-8s %9llu records, CPU %6.2f s, batch p50 %.2f ms, p99 %.2f ms\n", st.name.c_str(),
                static_cast<unsigned long long>(st.records), st.cpu_seconds, st.p50_batch_seconds * 1e3,
                st.p99_batch_seconds * 1e3);
  alert::ServiceStats as = alerts->Stats();
  std::printf("alerts: %llu messages observed, %llu stale, %llu triggers, %llu opened, %llu notified, suppressed "
              "(throttle %llu, quiet %llu, cooldown %llu); persisted %llu, persist dropped %llu, persist errors %llu\n",
              static_cast<unsigned long long>(as.engine.messages), static_cast<unsigned long long>(as.engine.stale),
              static_cast<unsigned long long>(as.engine.triggers), static_cast<unsigned long long>(as.engine.opened),
              static_cast<unsigned long long>(as.engine.notified),
              static_cast<unsigned long long>(as.engine.suppressed_throttle),
              static_cast<unsigned long long>(as.engine.suppressed_quiet),
              static_cast<unsigned long long>(as.engine.suppressed_cooldown),
              static_cast<unsigned long long>(as.persisted), static_cast<unsigned long long>(as.persist_dropped),
              static_cast<unsigned long long>(as.persist_errors));
  for (const auto& [name, n] : as.notifiers)
    std::printf("notifier %s: %llu enqueued, %llu delivered, %llu dead-lettered, %llu attempts, %zu pending\n",
                name.c_str(), static_cast<unsigned long long>(n.enqueued), static_cast<unsigned long long>(n.delivered),
                static_cast<unsigned long long>(n.dead_lettered), static_cast<unsigned long long>(n.attempts),
                n.pending);

  const bool lost = measured_lost + warmup_lost > 0 || probes.received.load() < probes.sent.load();
  if (lost || probes.bad_signatures.load() > 0 || all.failed_posts > 0) {
    const char* why = lost ? "probes lost" : probes.bad_signatures.load() > 0 ? "bad signatures" : "POSTs failed";
    std::printf("FAILED: %s\n", why);
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return Run(ParseFlags(argc, argv)); }
