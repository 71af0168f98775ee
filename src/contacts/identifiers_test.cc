#include "contacts/identifiers.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ecoute::contacts {
namespace {

std::string Norm(IdentifierType t, std::string_view raw, std::string_view network = "",
                 std::string_view region = "FR") {
  auto r = NormalizeIdentifier(t, raw, network, region);
  EXPECT_TRUE(r.ok()) << raw << ": " << r.status().ToString();
  return r.ok() ? r->value : "";
}

base::Status NormError(IdentifierType t, std::string_view raw, std::string_view network = "") {
  auto r = NormalizeIdentifier(t, raw, network, "FR");
  EXPECT_FALSE(r.ok()) << raw << " normalised to " << (r.ok() ? r->value : "");
  return r.status();
}

std::vector<FoundIdentifier> Extract(std::string_view text, const ExtractOptions& o = {}) {
  auto r = ExtractIdentifiers(text, o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return {};
  // Every span is where the text says.
  for (const FoundIdentifier& f : *r) EXPECT_EQ(text.substr(f.offset, f.length), f.text);
  return std::move(r).value();
}

std::vector<std::string> Keys(const std::vector<FoundIdentifier>& found) {
  std::vector<std::string> keys;
  for (const FoundIdentifier& f : found) keys.push_back(IdentifierKey(f.identifier));
  return keys;
}

TEST(ContactsIdentifiers, TypeNamesRoundTrip) {
  for (auto t : {IdentifierType::kEmail, IdentifierType::kPhone, IdentifierType::kHandle,
                 IdentifierType::kCustomerNumber, IdentifierType::kOrderNumber}) {
    auto back = ParseIdentifierType(IdentifierTypeName(t));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, t);
  }
  EXPECT_EQ(IdentifierTypeName(IdentifierType::kCustomerNumber), "customer_number");
  EXPECT_EQ(IdentifierTypeName(IdentifierType::kOrderNumber), "order_number");
  EXPECT_FALSE(ParseIdentifierType("Email").has_value());
  EXPECT_EQ(IdentifierKey({IdentifierType::kHandle, "twitter", "jdupont"}), "handle:twitter:jdupont");
  EXPECT_EQ(IdentifierKey({IdentifierType::kEmail, "", "a@b.fr"}), "email:a@b.fr");
}

TEST(ContactsIdentifiers, Emails) {
  EXPECT_EQ(Norm(IdentifierType::kEmail, "  Jean.Dupont@Example.FR \n"), "jean.dupont@example.fr");
  EXPECT_EQ(Norm(IdentifierType::kEmail, "Jean Dupont <JEAN@example.fr>"), "jean@example.fr");
  EXPECT_EQ(Norm(IdentifierType::kEmail, "mailto:a+tag@sub.example.co.uk"), "a+tag@sub.example.co.uk");
  EXPECT_EQ(Norm(IdentifierType::kEmail, "élodie@exemple.fr"), "élodie@exemple.fr");
  // The network is ignored for e-mails.
  auto with_net = NormalizeIdentifier(IdentifierType::kEmail, "a@b.fr", "twitter");
  ASSERT_TRUE(with_net.ok());
  EXPECT_EQ(with_net->network, "");

  base::Status s = NormError(IdentifierType::kEmail, "jean");
  EXPECT_EQ(s.code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("email: \"jean\""), std::string::npos) << s.message();
  for (const char* bad :
       {"", "   ", "jean@", "@example.fr", "jean@localhost", "a@@b.fr", "a@b@c.fr", "a b@c.fr", "a..b@c.fr", ".a@c.fr",
        "a@-b.fr", "a@b-.fr", "a@b..fr", "a@b.123", "a@b_c.fr", "a(b)@c.fr"}) {
    base::Status e = NormError(IdentifierType::kEmail, bad);
    EXPECT_EQ(e.code(), base::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(e.message().rfind("email: \"", 0), 0u) << e.message();
  }
  EXPECT_EQ(NormError(IdentifierType::kEmail, std::string(65, 'a') + "@example.fr").code(),
            base::StatusCode::kInvalidArgument);
}

TEST(ContactsIdentifiers, FrenchPhones) {
  EXPECT_EQ(Norm(IdentifierType::kPhone, "06 12 34 56 78"), "+33612345678");
  EXPECT_EQ(Norm(IdentifierType::kPhone, "+33 6 12 34 56 78"), "+33612345678");
  EXPECT_EQ(Norm(IdentifierType::kPhone, "06.12.34.56.78"), "+33612345678");
  EXPECT_EQ(Norm(IdentifierType::kPhone, "0033612345678"), "+33612345678");
  EXPECT_EQ(Norm(IdentifierType::kPhone, "01 23 45 67 89"), "+33123456789");
  EXPECT_EQ(Norm(IdentifierType::kPhone, "+33612345678"), "+33612345678");
  // The region is case-insensitive.
  EXPECT_EQ(Norm(IdentifierType::kPhone, "06 12 34 56 78", "", "fr"), "+33612345678");
}

TEST(ContactsIdentifiers, BritishAndAmericanPhones) {
  EXPECT_EQ(Norm(IdentifierType::kPhone, "020 7946 0958", "", "GB"), "+442079460958");
  EXPECT_EQ(Norm(IdentifierType::kPhone, "07911 123456", "", "GB"), "+447911123456");
  EXPECT_EQ(Norm(IdentifierType::kPhone, "+44 20 7946 0958", "", "FR"), "+442079460958");
  EXPECT_EQ(Norm(IdentifierType::kPhone, "(650) 253-0000", "", "US"), "+16502530000");
  EXPECT_EQ(Norm(IdentifierType::kPhone, "+1 650-253-0000", "", "FR"), "+16502530000");
  EXPECT_EQ(Norm(IdentifierType::kPhone, "650.253.0000", "", "US"), "+16502530000");
  // A GB national number read as French is not a valid French number.
  EXPECT_EQ(NormError(IdentifierType::kPhone, "020 7946 0958").code(), base::StatusCode::kInvalidArgument);
}

TEST(ContactsIdentifiers, BadPhones) {
  base::Status s = NormError(IdentifierType::kPhone, "12");
  EXPECT_EQ(s.code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "phone: \"12\" is not a valid phone number");
  for (const char* bad : {"", "anonymous", "06 12", "+33 1", "00000000000", "+999 123456789"})
    EXPECT_EQ(NormError(IdentifierType::kPhone, bad).code(), base::StatusCode::kInvalidArgument) << bad;
  EXPECT_EQ(NormError(IdentifierType::kPhone, std::string(100, '1')).code(), base::StatusCode::kInvalidArgument);
}

TEST(ContactsIdentifiers, Handles) {
  auto h = NormalizeIdentifier(IdentifierType::kHandle, " @JDupont ", " Twitter ");
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->value, "jdupont");
  EXPECT_EQ(h->network, "twitter");
  EXPECT_EQ(Norm(IdentifierType::kHandle, "Jean.Dupont", "facebook"), "jean.dupont");
  EXPECT_EQ(Norm(IdentifierType::kHandle, "bob@Mastodon.social", "other"), "bob@mastodon.social");
  base::Status no_net = NormError(IdentifierType::kHandle, "jdupont", "");
  EXPECT_NE(no_net.message().find("network"), std::string::npos);
  EXPECT_NE(NormError(IdentifierType::kHandle, "a", "bad net!").message().find("network"), std::string::npos);
  EXPECT_EQ(NormError(IdentifierType::kHandle, "@", "twitter").message(), "handle: \"@\" is empty");
  EXPECT_EQ(NormError(IdentifierType::kHandle, "jean dupont", "twitter").code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(NormError(IdentifierType::kHandle, std::string(129, 'a'), "twitter").code(),
            base::StatusCode::kInvalidArgument);
  EXPECT_EQ(NormError(IdentifierType::kHandle, "a\xff", "twitter").code(), base::StatusCode::kInvalidArgument);
}

TEST(ContactsIdentifiers, CustomerAndOrderNumbers) {
  EXPECT_EQ(Norm(IdentifierType::kOrderNumber, " 4711-ab12 "), "4711-AB12");
  EXPECT_EQ(Norm(IdentifierType::kCustomerNumber, "cl889900"), "CL889900");
  base::Status s = NormError(IdentifierType::kOrderNumber, "47 11");
  EXPECT_EQ(s.message(), "order_number: \"47 11\" may hold only letters, digits and '-'");
  EXPECT_EQ(NormError(IdentifierType::kCustomerNumber, "").code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(NormError(IdentifierType::kCustomerNumber, "N°123").code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(NormError(IdentifierType::kOrderNumber, std::string(65, '1')).code(), base::StatusCode::kInvalidArgument);
}

model::Mention Author(model::Channel c, std::string handle) {
  model::Mention m;
  m.channel = c;
  m.author.handle = std::move(handle);
  return m;
}

TEST(ContactsIdentifiers, FromAuthor) {
  auto e = IdentifierFromAuthor(Author(model::Channel::kEmail, "Jean.Dupont@Example.fr"));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(IdentifierKey(*e), "email:jean.dupont@example.fr");
  auto v = IdentifierFromAuthor(Author(model::Channel::kVoice, "+33 6 12 34 56 78"));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(IdentifierKey(*v), "phone:+33612345678");
  auto sms = IdentifierFromAuthor(Author(model::Channel::kSms, "07911 123456"), "GB");
  ASSERT_TRUE(sms.has_value());
  EXPECT_EQ(sms->value, "+447911123456");
  auto t = IdentifierFromAuthor(Author(model::Channel::kTwitter, "@JDupont"));
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(IdentifierKey(*t), "handle:twitter:jdupont");
  auto f = IdentifierFromAuthor(Author(model::Channel::kFacebook, "jean.dupont.75"));
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->network, "facebook");
  EXPECT_FALSE(IdentifierFromAuthor(Author(model::Channel::kTwitter, "")).has_value());
  EXPECT_FALSE(IdentifierFromAuthor(Author(model::Channel::kTwitter, "   ")).has_value());
  EXPECT_FALSE(IdentifierFromAuthor(Author(model::Channel::kVoice, "anonymous")).has_value());
  EXPECT_FALSE(IdentifierFromAuthor(Author(model::Channel::kEmail, "not an address")).has_value());
}

TEST(ContactsExtract, FrenchText) {
  const std::string text =
      "Bonjour, je suis jean.dupont@example.fr, ma commande 4711-AB12 n'est pas arrivée. "
      "Appelez-moi au 06 12 34 56 78. Mon n° client : CL-889900. Merci !";
  auto found = Extract(text);
  EXPECT_EQ(Keys(found), (std::vector<std::string>{"email:jean.dupont@example.fr", "order_number:4711-AB12",
                                                   "phone:+33612345678", "customer_number:CL-889900"}));
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(found[0].offset, text.find("jean.dupont"));
  EXPECT_EQ(found[1].text, "4711-AB12");
  EXPECT_EQ(found[2].text, "06 12 34 56 78");
  EXPECT_EQ(found[3].text, "CL-889900");
}

TEST(ContactsExtract, FrenchVariants) {
  EXPECT_EQ(Keys(Extract("commande n° 4711-AB12 toujours pas livrée")),
            (std::vector<std::string>{"order_number:4711-AB12"}));
  EXPECT_EQ(Keys(Extract("Cde: ab123456")), (std::vector<std::string>{"order_number:AB123456"}));
  EXPECT_EQ(Keys(Extract("ma COMMANDE numéro 20240315-77 est bloquée")),
            (std::vector<std::string>{"order_number:20240315-77"}));
  EXPECT_EQ(Keys(Extract("numéro de client 00123456, merci")), (std::vector<std::string>{"customer_number:00123456"}));
  EXPECT_EQ(Keys(Extract("mon adresse est jean.dupont@example.fr")),
            (std::vector<std::string>{"email:jean.dupont@example.fr"}));
  // "client" followed by a word, a date or a short number: nothing.
  EXPECT_TRUE(Extract("je suis client depuis 2015, et client fidèle").empty());
  // Accents before the number: offsets stay byte offsets.
  const std::string accented = "Élodie a écrit : « ma commande 4711-AB12 »";
  auto found = Extract(accented);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].offset, accented.find("4711"));
}

TEST(ContactsExtract, EnglishText) {
  const std::string text =
      "Hi, my order #123456789 hasn't shipped. Customer number: 55-1234X. "
      "Call +44 20 7946 0958 or email JOHN.SMITH@mail.co.uk.";
  EXPECT_EQ(Keys(Extract(text)), (std::vector<std::string>{"order_number:123456789", "customer_number:55-1234X",
                                                           "phone:+442079460958", "email:john.smith@mail.co.uk"}));
  EXPECT_EQ(Keys(Extract("Account no. AC-998877 was charged twice")),
            (std::vector<std::string>{"customer_number:AC-998877"}));
  EXPECT_EQ(Keys(Extract("Order number: W123456 never arrived")), (std::vector<std::string>{"order_number:W123456"}));
  // National US number with region US.
  ExtractOptions us;
  us.default_region = "US";
  EXPECT_EQ(Keys(Extract("call me at (650) 253-0000 tomorrow", us)), (std::vector<std::string>{"phone:+16502530000"}));
}

TEST(ContactsExtract, NotIdentifiers) {
  // Hashtags, handles, dates, times, prices and short numbers.
  EXPECT_TRUE(Extract("#2024JO et #COVID19 trop bien @jdupont").empty());
  EXPECT_TRUE(Extract("rendez-vous le 12/03/2024 à 14h30, prix 129,99 €").empty());
  EXPECT_TRUE(Extract("a@b and user@localhost are not addresses").empty());
  EXPECT_TRUE(Extract("commande passée hier, order shipped").empty());
  EXPECT_TRUE(Extract("").empty());
}

TEST(ContactsExtract, DuplicatesListedOnce) {
  auto found = Extract("commande 4711-AB12 ... je répète: commande 4711-ab12. a@b.fr A@B.FR");
  EXPECT_EQ(Keys(found), (std::vector<std::string>{"order_number:4711-AB12", "email:a@b.fr"}));
}

TEST(ContactsExtract, LongTextsAndMaxBytes) {
  std::string text(100'000, 'x');
  for (size_t i = 80; i < text.size(); i += 81) text[i] = ' ';
  text += " commande 4711-AB12 ";
  ExtractOptions o;
  EXPECT_TRUE(Extract(text, o).empty());  // beyond the first 64 KiB
  o.max_bytes = text.size();
  EXPECT_EQ(Keys(Extract(text, o)), (std::vector<std::string>{"order_number:4711-AB12"}));
}

TEST(ContactsExtract, InvalidUtf8IsTolerated) {
  const std::string text = "\xff\xfe commande 4711-AB12 \xc3 jean@example.fr 06 12 34 56 78";
  EXPECT_EQ(Keys(Extract(text)),
            (std::vector<std::string>{"order_number:4711-AB12", "email:jean@example.fr", "phone:+33612345678"}));
  // No phone number is read from ill-formed bytes around it.
  EXPECT_TRUE(Extract("tel 06 12 34 56 78\xff").empty());
}

TEST(ContactsExtract, SwitchesAndCustomPatterns) {
  ExtractOptions o;
  o.emails = false;
  o.phones = false;
  o.order_patterns = {R"(\bref\s+([A-Z0-9-]{4,20}))"};
  o.customer_patterns = {};
  EXPECT_EQ(Keys(Extract("ref 12AB-99, ref ABCDEF, a@b.fr, 06 12 34 56 78", o)),
            (std::vector<std::string>{"order_number:12AB-99"}));
}

TEST(ContactsExtract, BadPatternsNameTheirIndex) {
  ExtractOptions o;
  o.order_patterns = {"(ok)", "([a-"};
  auto r = ExtractIdentifiers("x", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message().rfind("order_patterns[1]: ", 0), 0u) << r.status().message();

  o.order_patterns = {"no group"};
  r = ExtractIdentifiers("x", o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("order_patterns[0]"), std::string::npos);
  EXPECT_NE(r.status().message().find("exactly one capture group"), std::string::npos);

  o.order_patterns = {};
  o.customer_patterns = {"(a)", "(a)(b)"};
  r = ExtractIdentifiers("x", o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("customer_patterns[1]"), std::string::npos);

  ExtractOptions region;
  region.default_region = "ZZ";
  r = ExtractIdentifiers("x", region);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("default_region"), std::string::npos);
}

TEST(ContactsExtract, DefaultPatternsCompile) {
  auto x = Extractor::Create(ExtractOptions{});
  ASSERT_TRUE(x.ok()) << x.status().ToString();
  EXPECT_FALSE(DefaultOrderPatterns().empty());
  EXPECT_FALSE(DefaultCustomerPatterns().empty());
}

TEST(ContactsNameKey, FoldsAndRequiresEnough) {
  EXPECT_EQ(NameKey("Jean Dupont"), "jean dupont");
  EXPECT_EQ(NameKey("  JEAN   DUPONT "), "jean dupont");
  EXPECT_EQ(NameKey("Jéan-Dupont !"), "jean dupont");
  EXPECT_EQ(NameKey("Élodie"), "elodie");
  EXPECT_EQ(NameKey("Jo Li"), "jo li");
  EXPECT_EQ(NameKey("Jo"), "");
  EXPECT_EQ(NameKey("Bob"), "");
  EXPECT_EQ(NameKey("jean@example.fr"), "");
  EXPECT_EQ(NameKey("+33 6 12 34 56 78"), "");
  EXPECT_EQ(NameKey(""), "");
}

}  // namespace
}  // namespace ecoute::contacts
