#include "app/care_wiring.h"

#include <gtest/gtest.h>

#include <fstream>

#include "config/config.h"

namespace ecoute::app {
namespace {

// The commented care: example of ecoute.example.yaml is valid once
// uncommented (its calendars, policies, connectors and identity options).
TEST(CareWiring, TheExampleCareSectionParses) {
  std::ifstream in(std::string(ECOUTE_SOURCE_DIR) + "/ecoute.example.yaml");
  ASSERT_TRUE(in);
  std::string line, block;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line == "care:") {
      inside = true;
      block += line + "\n";
      continue;
    }
    if (!inside) continue;
    if (line.rfind("# ", 0) == 0) {
      block += "  " + line.substr(2) + "\n";  // "# key: ..." is a commented key of care:
    } else if (line.rfind("  ", 0) == 0) {
      block += line + "\n";
    } else {
      break;
    }
  }
  ASSERT_NE(block.find("routing:"), std::string::npos) << block;
  ::setenv("ECOUTE_SMTP_PASSWORD", "x", 1);
  ::setenv("ECOUTE_BRIDGE_SECRET", "y", 1);
  auto c = config::Parse(block, "example");
  ASSERT_TRUE(c.ok()) << c.status().ToString() << "\n" << block;
  auto s = CareSectionFrom(*c);
  ASSERT_TRUE(s.ok()) << s.status().ToString() << "\n" << block;
  EXPECT_EQ(s->settings.default_team, "care");
  EXPECT_EQ(s->settings.routing.size(), 2u);
  EXPECT_EQ(s->settings.calendars.size(), 1u);
  EXPECT_EQ(s->settings.sla_policies.size(), 1u);
  EXPECT_EQ(s->connectors.size(), 2u);
  EXPECT_TRUE(s->identity.suggest);
}

// A care error names its line and column in the file.
TEST(CareWiring, ErrorsNameTheirPlaceInTheFile) {
  auto c = config::Parse("store: {path: ':memory:'}\ncare:\n  routing:\n    - name: r\n      when: 'colis AND'\n"
                         "      team: care\n",
                         "ecoute.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  auto s = CareSectionFrom(*c);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message().rfind("ecoute.yaml:5:13: care.routing[0].when: col ", 0), 0u) << s.status().message();
  auto bad = config::Parse("care:\n  reopen_days: -1\n", "ecoute.yaml");
  ASSERT_TRUE(bad.ok());
  auto s2 = CareSectionFrom(*bad);
  ASSERT_FALSE(s2.ok());
  EXPECT_EQ(s2.status().message(), "ecoute.yaml:2:16: care.reopen_days: must be a whole number from 0 to 365");
}

}  // namespace
}  // namespace ecoute::app
