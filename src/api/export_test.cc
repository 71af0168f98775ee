// The CSV exports: the CSV rules (api/csv.h: RFC 4180 quoting, CRLF, BOM,
// formula guard), GET /api/v1/export/mentions.csv against the real SQLite
// store and query service, and GET /api/v1/export/cases.csv against a real
// CaseDb and ContactStore, with their filters, over many pages.
#include "api/csv.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/api_testing.h"
#include "api/care_api.h"
#include "api/export_api.h"
#include "api/server.h"
#include "base/testing_tmpdir.h"
#include "care/case_db.h"
#include "care/service.h"
#include "contacts/contact_store.h"
#include "ingest/input.h"
#include "text/text.h"

namespace ecoute::api {
namespace {

using nlohmann::json;
using Rows = std::vector<std::vector<std::string>>;

constexpr base::Timestamp kT0 = 1'714'557'600'000;  // 2024-05-01T10:00:00Z
constexpr int64_t kMinute = 60'000;

// Parses RFC 4180 text (CRLF rows, quoted fields with doubled quotes); a
// test failure on anything else (a bare LF or CR outside quotes, a quote
// inside an unquoted field, no final CRLF).
Rows ParseCsv(std::string_view text) {
  Rows rows;
  std::vector<std::string> row;
  std::string field;
  size_t i = 0;
  bool quoted_field = false;
  while (i < text.size()) {
    const char c = text[i];
    if (quoted_field) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted_field = false;
        ++i;
        if (i < text.size() && text[i] != ',' && text[i] != '\r') {
          ADD_FAILURE() << "text after a closing quote at " << i;
          return rows;
        }
        continue;
      }
      field += c;
      ++i;
      continue;
    }
    if (c == '"' && field.empty()) {
      quoted_field = true;
      ++i;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      ++i;
    } else if (c == '\r') {
      if (i + 1 >= text.size() || text[i + 1] != '\n') {
        ADD_FAILURE() << "CR without LF at " << i;
        return rows;
      }
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      i += 2;
    } else if (c == '\n' || c == '"') {
      ADD_FAILURE() << "bare " << (c == '"' ? "quote" : "LF") << " at " << i;
      return rows;
    } else {
      field += c;
      ++i;
    }
  }
  EXPECT_TRUE(row.empty() && field.empty() && !quoted_field) << "no CRLF after the last row";
  return rows;
}

std::string Cell(std::string_view s) {
  std::string out;
  AppendCsvText(out, s);
  return out;
}

TEST(Csv, QuotesOnlyWhatMustBe) {
  EXPECT_EQ(Cell("plain"), "plain");
  EXPECT_EQ(Cell(""), "");
  EXPECT_EQ(Cell("a,b"), "\"a,b\"");
  EXPECT_EQ(Cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(Cell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(Cell("cr\rhere"), "\"cr\rhere\"");
  EXPECT_EQ(Cell("Élodie à Montréal"), "Élodie à Montréal");  // UTF-8 as is
}

TEST(Csv, GuardsAgainstFormulas) {
  EXPECT_EQ(Cell("=1+2"), "'=1+2");
  EXPECT_EQ(Cell("+33 6 12"), "'+33 6 12");
  EXPECT_EQ(Cell("-2"), "'-2");
  EXPECT_EQ(Cell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(Cell("\tx"), "'\tx");
  EXPECT_EQ(Cell("\rx"), "\"'\rx\"");
  EXPECT_EQ(Cell("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  EXPECT_EQ(Cell("a=b"), "a=b");  // only the first character counts
  // Numbers the server writes are not text: a negative score stays a number.
  std::string out;
  CsvLine(out).Number(-0.5).Int(int64_t{-3}).Bool(false).Time(kT0).Empty().Int(std::optional<int64_t>()).End();
  EXPECT_EQ(out, "-0.5,-3,false,2024-05-01T10:00:00Z,,\r\n");
}

TEST(Csv, HeaderWithBomAndAttachmentName) {
  EXPECT_EQ(CsvHeader({"id", "text"}), "\xEF\xBB\xBFid,text\r\n");
  EXPECT_EQ(CsvHeader({"id"}, false), "id\r\n");
  EXPECT_EQ(CsvAttachment("mentions", kT0 + 75 * kMinute + 30'000),
            "attachment; filename=\"ecoute-mentions-20240501-1115.csv\"");
  std::string out;
  CsvLine(out).Join({"delay", "legal"}).Join({}).End();
  EXPECT_EQ(out, "delay; legal,\r\n");
}

// --------------------------------------------------------- mentions.csv

class MentionExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(testing::OpenMemoryStore(store_, &queries_, &clock_));
    store::QueryDef def;
    def.name = "brand_colis";
    def.text = "colis";
    auto q = queries_->Create(def);
    ASSERT_TRUE(q.ok()) << q.status().ToString();
    query_id_ = q->def.id;
    ASSERT_TRUE(queries_->WaitIdle(std::chrono::seconds(10)));

    ServerOptions o = testing::LocalServerOptions(2);
    o.categories = {{"delivery", "Delivery", "Livraison"}, {"billing", "Billing", "Facturation"}};
    server_ = std::make_unique<Server>(o, *store_, testing::ReadOnlyIngest(), ingest::MakeJsonDecoder(),
                                       &auth_.authenticator(), metrics_, clock_, queries_.get());
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(30);
    client_->set_default_headers(testing::TestAuth::Bearer(auth_.AddUserWithToken("vic", auth::Role::kViewer)));
  }
  void TearDown() override { server_->Stop(); }

  // Stores `ms` (ids set) after the text stage; their language is kept as declared.
  void Write(std::vector<model::Mention>& ms) {
    for (model::Mention& m : ms) {
      m.language_declared = true;
      text::Analyze(m);
    }
    ASSERT_TRUE(store_->Write(ms, {}, nullptr).ok());
  }

  void WriteFixture() {
    model::Mention a;
    a.channel = model::Channel::kTwitter;
    a.native_id = "a";
    a.source = "twitter";
    a.url = "https://x.com/claire/status/1";
    a.created_at = kT0;
    a.author = {"claire", "Claire Dupont", 1200, false};
    a.language = "fr";
    a.text = "Colis perdu, livraison ratée ! \"urgent\"";
    a.enrichment.sentiment = "negative";
    a.enrichment.sentiment_score = 0.875;
    a.enrichment.needs_reply = true;
    a.enrichment.category = "delivery";
    a.enrichment.severity = 70;
    a.enrichment.severity_level = "high";
    a.enrichment.severity_reasons = {"delay", "legal"};
    a.enrichment.reach = 1500;
    a.enrichment.matched_queries = {query_id_};
    model::Mention b;
    b.channel = model::Channel::kForum;
    b.native_id = "b";
    b.created_at = kT0 + 10 * kMinute;
    b.author = {"=HYPERLINK(\"http://evil\")", "-bob", std::nullopt, false};
    b.language = "en";
    b.text = "=1+2\nsecond line";
    b.thread_id = "t-b";
    b.enrichment.sentiment = "positive";
    model::Mention c;
    c.channel = model::Channel::kEmail;
    c.native_id = "c";
    c.created_at = kT0 + 20 * kMinute;
    c.author = {"elodie@example.fr", "Élodie Martin", std::nullopt, false};
    c.language = "fr";
    c.title = "Commande";
    c.text = "Ma commande n'arrive pas";
    c.enrichment.sentiment = "neutral";
    c.enrichment.needs_reply = false;
    c.enrichment.category = "none";
    c.enrichment.severity_level = "none";
    std::vector<model::Mention> ms = {a, b, c};
    ASSERT_NO_FATAL_FAILURE(Write(ms));
    ids_ = {ms[0].id, ms[1].id, ms[2].id};
  }

  // GETs the export with `query`; checks 200, the CSV type and the BOM; the
  // rows without the header (checked against the columns).
  Rows Export(const std::string& query = "") {
    httplib::Result r = client_->Get(("/api/v1/export/mentions.csv" + query).c_str());
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "text/csv; charset=utf-8");
    EXPECT_EQ(r->body.rfind("\xEF\xBB\xBF", 0), 0u) << "no BOM";
    Rows rows = ParseCsv(std::string_view(r->body).substr(std::min<size_t>(3, r->body.size())));
    EXPECT_FALSE(rows.empty());
    if (rows.empty()) return {};
    EXPECT_EQ(rows[0], std::vector<std::string>(ExportApi::MentionCsvColumns().begin(),
                                                 ExportApi::MentionCsvColumns().end()));
    rows.erase(rows.begin());
    return rows;
  }

  std::vector<std::string> Ids(const Rows& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.at(0));
    return out;
  }

  json Error(const std::string& query, int status) {
    httplib::Result r = client_->Get(("/api/v1/export/mentions.csv" + query).c_str());
    EXPECT_TRUE(r);
    if (!r) return json();
    EXPECT_EQ(r->status, status) << r->body;
    return json::parse(r->body, nullptr, false);
  }

  std::string Id(size_t i) const { return std::to_string(ids_.at(i)); }

  base::FakeClock clock_{kT0 + 24 * 60 * kMinute};
  testing::TestAuth auth_;
  base::MetricsRegistry metrics_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<queries::QueryService> queries_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<httplib::Client> client_;
  int64_t query_id_ = 0;
  std::vector<int64_t> ids_;
};

TEST_F(MentionExportTest, RowsOfTheFixture) {
  ASSERT_NO_FATAL_FAILURE(WriteFixture());
  httplib::Result r = client_->Get("/api/v1/export/mentions.csv");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->get_header_value("Content-Disposition"), "attachment; filename=\"ecoute-mentions-20240502-1000.csv\"");
  EXPECT_EQ(r->get_header_value("Cache-Control"), "no-store");
  // Quoted, guarded fields as written.
  EXPECT_NE(r->body.find("\"'=1+2\nsecond line\""), std::string::npos);
  EXPECT_NE(r->body.find("\"Colis perdu, livraison ratée ! \"\"urgent\"\"\""), std::string::npos);

  Rows rows = Export();
  ASSERT_EQ(rows.size(), 3u);
  for (const auto& row : rows) ASSERT_EQ(row.size(), ExportApi::MentionCsvColumns().size());
  // Newest first.
  EXPECT_EQ(Ids(rows), (std::vector<std::string>{Id(2), Id(1), Id(0)}));
  const std::vector<std::string>& a = rows[2];
  EXPECT_EQ(a, (std::vector<std::string>{Id(0), "2024-05-01T10:00:00Z", "twitter", "twitter", "claire", "Claire Dupont",
                                         "1200", "fr", "", "Colis perdu, livraison ratée ! \"urgent\"",
                                         "https://x.com/claire/status/1", a[11], "", "negative", "0.875", "true",
                                         "delivery", "70", "high", "delay; legal", "1500", "brand_colis"}));
  EXPECT_FALSE(a[11].empty());  // the thread the store resolved
  const std::vector<std::string>& b = rows[1];
  EXPECT_EQ(b[4], "'=HYPERLINK(\"http://evil\")");
  EXPECT_EQ(b[5], "'-bob");
  EXPECT_EQ(b[6], "");  // followers unknown
  EXPECT_EQ(b[9], "'=1+2\nsecond line");
  EXPECT_EQ(b[11], "t-b");
  EXPECT_EQ(b[15], "");  // needs_reply unknown
  const std::vector<std::string>& c = rows[0];
  EXPECT_EQ(c[5], "Élodie Martin");
  EXPECT_EQ(c[8], "Commande");
  EXPECT_EQ(c[15], "false");
  EXPECT_EQ(c[21], "");  // no query
}

TEST_F(MentionExportTest, FiltersOfTheSearchAndLabels) {
  ASSERT_NO_FATAL_FAILURE(WriteFixture());
  EXPECT_EQ(Ids(Export("?channel=forum")), std::vector<std::string>{Id(1)});
  EXPECT_EQ(Ids(Export("?lang=fr")), (std::vector<std::string>{Id(2), Id(0)}));
  EXPECT_EQ(Ids(Export("?q=commande")), std::vector<std::string>{Id(2)});
  EXPECT_EQ(Ids(Export("?author=CLAIRE")), std::vector<std::string>{Id(0)});
  EXPECT_EQ(Ids(Export("?thread=t-b")), std::vector<std::string>{Id(1)});
  EXPECT_EQ(Ids(Export("?from=2024-05-01T10:05:00Z&to=2024-05-01T10:15:00Z")), std::vector<std::string>{Id(1)});
  EXPECT_EQ(Ids(Export("?query_id=" + std::to_string(query_id_))), std::vector<std::string>{Id(0)});
  EXPECT_EQ(Ids(Export("?query=colis%20AND%20lang:fr")), std::vector<std::string>{Id(0)});
  EXPECT_EQ(Ids(Export("?sentiment=negative,neutral")), (std::vector<std::string>{Id(2), Id(0)}));
  EXPECT_EQ(Ids(Export("?needs_reply=true")), std::vector<std::string>{Id(0)});
  EXPECT_EQ(Ids(Export("?needs_reply=false")), std::vector<std::string>{Id(2)});
  EXPECT_EQ(Ids(Export("?severity=high")), std::vector<std::string>{Id(0)});
  EXPECT_EQ(Ids(Export("?category=none")), std::vector<std::string>{Id(2)});
  EXPECT_TRUE(Export("?category=billing").empty());  // a header and no rows
  EXPECT_EQ(Ids(Export("?lang=fr&sentiment=neutral")), std::vector<std::string>{Id(2)});
}

TEST_F(MentionExportTest, BadParametersAre400) {
  EXPECT_EQ(Error("?channel=pigeon", 400)["error"]["field"], "channel");
  EXPECT_EQ(Error("?from=yesterday", 400)["error"]["field"], "from");
  EXPECT_EQ(Error("?from=2024-05-02T00:00:00Z&to=2024-05-01T00:00:00Z", 400)["error"]["field"], "from");
  EXPECT_EQ(Error("?sentiment=happy", 400)["error"]["field"], "sentiment");
  EXPECT_EQ(Error("?category=weather", 400)["error"]["field"], "category");
  EXPECT_EQ(Error("?severity=extreme", 400)["error"]["field"], "severity");
  EXPECT_EQ(Error("?needs_reply=maybe", 400)["error"]["field"], "needs_reply");
  EXPECT_EQ(Error("?limit=10", 400)["error"]["field"], "limit");
  EXPECT_EQ(Error("?q=" + std::string(1025, 'a'), 400)["error"]["field"], "q");
  json bad_query = Error("?query=colis%20OR", 400);
  EXPECT_EQ(bad_query["error"]["field"], "query");
}

TEST_F(MentionExportTest, StreamsManyPages) {
  std::vector<model::Mention> ms;
  const int n = 2 * ExportApi::kPageSize + 345;
  for (int i = 0; i < n; ++i) {
    model::Mention m;
    m.channel = model::Channel::kChat;
    m.native_id = "chat-" + std::to_string(i);
    m.created_at = kT0 + (i / 4) * 1000;  // ties on created_at across page boundaries
    m.text = "message numéro " + std::to_string(i);
    m.language = "fr";
    ms.push_back(std::move(m));
  }
  ASSERT_NO_FATAL_FAILURE(Write(ms));
  Rows rows = Export("?channel=chat");
  ASSERT_EQ(rows.size(), static_cast<size_t>(n));
  std::set<std::string> ids;
  base::Timestamp prev = std::numeric_limits<base::Timestamp>::max();
  for (const auto& row : rows) {
    ids.insert(row[0]);
    const base::Timestamp t = *base::ParseTimestamp(row[1]);
    EXPECT_LE(t, prev);
    prev = t;
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(n));
}

// ------------------------------------------------------------ cases.csv

class CaseExportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(testing::OpenMemoryStore(store_, nullptr, &clock_));
    auto cases = care::CaseDb::Open(dir_.File("cases.db"), clock_);
    ASSERT_TRUE(cases.ok()) << cases.status().ToString();
    cases_ = std::move(*cases);
    auto contacts = contacts::ContactStore::Open(dir_.File("contacts.db"), contacts::ContactOptions{}, clock_);
    ASSERT_TRUE(contacts.ok()) << contacts.status().ToString();
    contacts_ = std::move(*contacts);
    alice_ = auth_.AddUser("alice", auth::Role::kAgent).id;
    auth::Team team;
    team.name = "support";
    auto t = auth_.directory().CreateTeam(team, auth::Actor{"test"});
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    team_ = t->id;

    care::CareDeps deps;
    deps.cases = cases_.get();
    deps.contacts = contacts_.get();
    deps.directory = &auth_.directory();
    deps.store = store_.get();
    deps.clock = &clock_;
    auto svc = care::CareService::Create(care::CareOptions{}, deps);
    ASSERT_TRUE(svc.ok()) << svc.status().ToString();
    service_ = std::move(*svc);
    StartServer(service_.get());
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  void StartServer(care::CareService* care) {
    if (server_) server_->Stop();
    server_ = std::make_unique<Server>(testing::LocalServerOptions(2), *store_, testing::ReadOnlyIngest(),
                                       ingest::MakeJsonDecoder(), &auth_.authenticator(), metrics_, clock_, nullptr,
                                       nullptr, care);
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(30);
    client_->set_default_headers(testing::TestAuth::Bearer(auth_.AddUserWithToken(
        "viewer" + std::to_string(++viewers_), auth::Role::kViewer)));  // read_reports
  }

  // A contact named `name`, from a stored message of theirs.
  int64_t Contact(const std::string& handle, const std::string& name) {
    std::vector<model::Mention> ms(1);
    ms[0].channel = model::Channel::kEmail;
    ms[0].native_id = "contact-" + handle;
    ms[0].created_at = kT0;
    ms[0].text = "bonjour";
    ms[0].author.handle = handle;
    ms[0].author.display_name = name;
    EXPECT_TRUE(store_->Write(ms, {}, nullptr).ok());
    auto ids = contacts_->ResolveBatch(ms);
    EXPECT_TRUE(ids.ok()) << ids.status().ToString();
    return ids.ok() && !ids->empty() ? (*ids)[0] : 0;
  }

  void WriteFixture() {
    const int64_t elodie = Contact("elodie@example.fr", "Élodie Martin");
    ASSERT_GT(elodie, 0);
    care::CaseRecord a;
    a.id = 1;
    a.status = care::CaseStatus::kResolved;
    a.priority = care::Priority::kHigh;
    a.subject = "Colis perdu, \"vite\"";
    a.channel = model::Channel::kTwitter;
    a.account = "@telemax";
    a.thread_key = "twitter:1";
    a.contact_id = elodie;
    a.category = "delivery";
    a.severity_level = "high";
    a.team_id = team_;
    a.assignee_id = alice_;
    a.tags = {"retard", "vip"};
    a.message_count = 3;
    a.created_at = kT0;
    a.updated_at = kT0 + 60 * kMinute;
    a.first_response_at = kT0 + 10 * kMinute;
    a.resolved_at = kT0 + 60 * kMinute;
    a.first_response = {30, kT0, 0, kT0 + 10 * kMinute, false, false, 10};
    a.resolution = {240, kT0, 0, kT0 + 60 * kMinute, false, false, 60};
    care::CaseRecord b;
    b.id = 2;
    b.status = care::CaseStatus::kOpen;
    b.subject = "=cmd|' /C calc'!A0";
    b.channel = model::Channel::kEmail;
    b.thread_key = "email:2";
    b.message_count = 1;
    b.created_at = kT0 + 60 * kMinute;
    b.updated_at = b.created_at;
    b.first_response = {30, b.created_at, b.created_at + 30 * kMinute, 0, true, true, -1};
    care::CaseRecord c;
    c.id = 3;
    c.status = care::CaseStatus::kNew;
    c.priority = care::Priority::kUrgent;
    c.subject = "Facture";
    c.channel = model::Channel::kForum;
    c.thread_key = "forum:3";
    c.message_count = 1;
    c.created_at = kT0 + 120 * kMinute;
    c.updated_at = c.created_at;
    care::CareWrite w;
    w.cases = {a, b, c};
    base::Status s = cases_->Write(w);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  Rows Export(const std::string& query = "") {
    httplib::Result r = client_->Get(("/api/v1/export/cases.csv" + query).c_str());
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "text/csv; charset=utf-8");
    EXPECT_EQ(r->body.rfind("\xEF\xBB\xBF", 0), 0u) << "no BOM";
    Rows rows = ParseCsv(std::string_view(r->body).substr(std::min<size_t>(3, r->body.size())));
    EXPECT_FALSE(rows.empty());
    if (rows.empty()) return {};
    EXPECT_EQ(rows[0],
              std::vector<std::string>(CareApi::CaseCsvColumns().begin(), CareApi::CaseCsvColumns().end()));
    rows.erase(rows.begin());
    return rows;
  }

  std::vector<std::string> Ids(const Rows& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.at(0));
    return out;
  }

  base::TempDir dir_{"ecoute-case-export"};
  base::FakeClock clock_{kT0 + 24 * 60 * kMinute};
  testing::TestAuth auth_{&clock_};
  base::MetricsRegistry metrics_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<care::CaseDb> cases_;
  std::unique_ptr<contacts::ContactStore> contacts_;
  std::unique_ptr<care::CareService> service_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<httplib::Client> client_;
  int64_t alice_ = 0, team_ = 0;
  int viewers_ = 0;
};

TEST_F(CaseExportTest, RowsOfTheFixture) {
  ASSERT_NO_FATAL_FAILURE(WriteFixture());
  httplib::Result r = client_->Get("/api/v1/export/cases.csv");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->get_header_value("Content-Disposition"), "attachment; filename=\"ecoute-cases-20240502-1000.csv\"");
  Rows rows = Export();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(Ids(rows), (std::vector<std::string>{"1", "2", "3"}));  // oldest first
  EXPECT_EQ(rows[0], (std::vector<std::string>{"1",
                                               "2024-05-01T10:00:00Z",
                                               "2024-05-01T11:00:00Z",
                                               "resolved",
                                               "high",
                                               "twitter",
                                               "'@telemax",  // guarded like any cell starting with @
                                               "support",
                                               "alice",
                                               rows[0][9],
                                               "Élodie Martin",
                                               "Colis perdu, \"vite\"",
                                               "3",
                                               "2024-05-01T10:10:00Z",
                                               "10",
                                               "true",
                                               "2024-05-01T11:00:00Z",
                                               "true",
                                               "delivery",
                                               "high",
                                               "retard; vip"}));
  EXPECT_FALSE(rows[0][9].empty());
  const std::vector<std::string>& b = rows[1];
  EXPECT_EQ(b[7], "");   // no team
  EXPECT_EQ(b[8], "");   // unassigned
  EXPECT_EQ(b[9], "");   // no contact
  EXPECT_EQ(b[11], "'=cmd|' /C calc'!A0");
  EXPECT_EQ(b[13], "");  // not answered
  EXPECT_EQ(b[14], "");
  EXPECT_EQ(b[15], "false");  // breached
  EXPECT_EQ(b[17], "");       // no resolution target
  EXPECT_EQ(rows[2][4], "urgent");
}

TEST_F(CaseExportTest, Filters) {
  ASSERT_NO_FATAL_FAILURE(WriteFixture());
  EXPECT_EQ(Ids(Export("?status=resolved")), std::vector<std::string>{"1"});
  EXPECT_EQ(Ids(Export("?status=new,open")), (std::vector<std::string>{"2", "3"}));
  EXPECT_EQ(Ids(Export("?team=" + std::to_string(team_))), std::vector<std::string>{"1"});
  EXPECT_EQ(Ids(Export("?assignee=" + std::to_string(alice_))), std::vector<std::string>{"1"});
  EXPECT_EQ(Ids(Export("?assignee=none")), (std::vector<std::string>{"2", "3"}));
  EXPECT_EQ(Ids(Export("?priority=urgent")), std::vector<std::string>{"3"});
  EXPECT_EQ(Ids(Export("?channel=email")), std::vector<std::string>{"2"});
  EXPECT_EQ(Ids(Export("?account=@TELEMAX")), std::vector<std::string>{"1"});
  EXPECT_EQ(Ids(Export("?tag=vip")), std::vector<std::string>{"1"});
  EXPECT_EQ(Ids(Export("?category=delivery")), std::vector<std::string>{"1"});
  EXPECT_EQ(Ids(Export("?breached=true")), std::vector<std::string>{"2"});
  EXPECT_EQ(Ids(Export("?from=2024-05-01T10:30:00Z")), (std::vector<std::string>{"2", "3"}));
  EXPECT_EQ(Ids(Export("?to=2024-05-01T11:00:00Z")), std::vector<std::string>{"1"});
  EXPECT_TRUE(Export("?status=closed").empty());

  for (const char* bad : {"?status=lost", "?q=colis", "?priority=now", "?from=2024-05-02T00:00:00Z&to=2024-05-01T00:00:00Z"}) {
    SCOPED_TRACE(bad);
    httplib::Result r = client_->Get((std::string("/api/v1/export/cases.csv") + bad).c_str());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << r->body;
  }
}

TEST_F(CaseExportTest, StreamsManyChunksWithTies) {
  care::CareWrite w;
  const int n = 2 * CareApi::kExportScanRows + 101;
  for (int i = 1; i <= n; ++i) {
    care::CaseRecord c;
    c.id = i;
    c.channel = i % 2 ? model::Channel::kChat : model::Channel::kSms;
    c.thread_key = "chat:" + std::to_string(i);
    c.created_at = kT0 + (i / 3) * 1000;  // groups of 3 on one instant, across chunk boundaries
    c.updated_at = c.created_at;
    w.cases.push_back(std::move(c));
  }
  ASSERT_TRUE(cases_->Write(w).ok());
  Rows all = Export();
  ASSERT_EQ(all.size(), static_cast<size_t>(n));
  std::set<std::string> ids;
  for (const auto& row : all) ids.insert(row[0]);
  EXPECT_EQ(ids.size(), static_cast<size_t>(n));
  EXPECT_EQ(Export("?channel=chat").size(), static_cast<size_t>((n + 1) / 2));
}

TEST_F(CaseExportTest, Unavailable503WithoutTheCareInbox) {
  StartServer(nullptr);
  httplib::Result r = client_->Get("/api/v1/export/cases.csv");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(json::parse(r->body)["error"]["message"], "the care inbox is disabled");
}

}  // namespace
}  // namespace ecoute::api
