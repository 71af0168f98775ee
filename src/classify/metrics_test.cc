#include "classify/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ecoute::classify {
namespace {

using ::testing::HasSubstr;

TEST(MetricsTest, HandComputed) {
  // gold:      pos pos pos neg neg neu neu neu
  // predicted: pos pos neg neg unknown neu pos neu
  std::vector<std::string> gold = {"pos", "pos", "pos", "neg", "neg", "neu", "neu", "neu"};
  std::vector<std::string> pred = {"pos", "pos", "neg", "neg", "unknown", "neu", "pos", "neu"};
  Scores s = Score(gold, pred, {}, {"neg", "neu", "pos"});
  EXPECT_EQ(s.n, 8);
  EXPECT_DOUBLE_EQ(s.accuracy, 5.0 / 8);
  ASSERT_EQ(s.classes.size(), 3u);
  // neg: tp 1, predicted 2, support 2 -> P .5 R .5 F1 .5
  EXPECT_EQ(s.classes[0].label, "neg");
  EXPECT_EQ(s.classes[0].support, 2);
  EXPECT_EQ(s.classes[0].predicted, 2);
  EXPECT_DOUBLE_EQ(s.classes[0].precision, 0.5);
  EXPECT_DOUBLE_EQ(s.classes[0].recall, 0.5);
  EXPECT_DOUBLE_EQ(s.classes[0].f1, 0.5);
  // neu: tp 2, predicted 2, support 3 -> P 1 R 2/3 F1 0.8
  EXPECT_DOUBLE_EQ(s.classes[1].precision, 1.0);
  EXPECT_DOUBLE_EQ(s.classes[1].recall, 2.0 / 3);
  EXPECT_NEAR(s.classes[1].f1, 0.8, 1e-12);
  // pos: tp 2, predicted 3, support 3 -> P R F1 2/3
  EXPECT_EQ(s.classes[2].predicted, 3);
  EXPECT_NEAR(s.classes[2].f1, 2.0 / 3, 1e-12);
  EXPECT_NEAR(s.macro_f1, (0.5 + 0.8 + 2.0 / 3) / 3, 1e-12);
  EXPECT_EQ(s.columns, (std::vector<std::string>{"neg", "neu", "pos", "unknown"}));
  EXPECT_EQ(s.confusion, (std::vector<std::vector<int>>{{1, 0, 0, 1}, {0, 2, 1, 0}, {1, 0, 2, 0}}));
  EXPECT_EQ(s.ece, 0.0);
}

TEST(MetricsTest, ZeroSupportLabelCountsInMacroF1AndGoldAppended) {
  std::vector<std::string> gold = {"a", "a", "c"};
  std::vector<std::string> pred = {"a", "b", "c"};
  Scores s = Score(gold, pred, {}, {"a", "b"});
  ASSERT_EQ(s.classes.size(), 3u);
  EXPECT_EQ(s.classes[0].label, "a");
  EXPECT_EQ(s.classes[1].label, "b");
  EXPECT_EQ(s.classes[2].label, "c");  // gold label missing from `labels`, appended
  EXPECT_EQ(s.classes[1].support, 0);
  EXPECT_EQ(s.classes[1].predicted, 1);
  EXPECT_EQ(s.classes[1].precision, 0.0);
  EXPECT_EQ(s.classes[1].recall, 0.0);
  EXPECT_EQ(s.classes[1].f1, 0.0);
  // a: P 1 R .5 F1 2/3; b: 0; c: 1.
  EXPECT_NEAR(s.macro_f1, (2.0 / 3 + 0 + 1) / 3, 1e-12);
  EXPECT_EQ(s.columns, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(MetricsTest, Ece) {
  // Bin 9 ([0.9,1]): conf .95, 1.0 both correct -> |2 - 1.95| = .05
  // Bin 6 ([0.6,0.7)): conf .6 wrong, .65 correct -> |1 - 1.25| = .25
  // Bin 1: conf .1 (edge goes to bin 1) wrong -> .1
  std::vector<std::string> gold = {"x", "x", "x", "x", "x"};
  std::vector<std::string> pred = {"x", "x", "y", "x", "y"};
  std::vector<double> conf = {0.95, 1.0, 0.6, 0.65, 0.1};
  Scores s = Score(gold, pred, conf, {"x", "y"});
  EXPECT_NEAR(s.ece, (0.05 + 0.25 + 0.1) / 5, 1e-12);
}

TEST(MetricsTest, EmptyInput) {
  Scores s = Score({}, {}, {}, {"a", "b"});
  EXPECT_EQ(s.n, 0);
  EXPECT_EQ(s.accuracy, 0.0);
  EXPECT_EQ(s.macro_f1, 0.0);
  EXPECT_EQ(s.classes.size(), 2u);
  EXPECT_FALSE(FormatScores("empty", s).empty());
}

TEST(MetricsTest, FormatIsAligned) {
  std::vector<std::string> gold = {"positive", "negative", "negative"};
  std::vector<std::string> pred = {"positive", "unknown", "negative"};
  Scores s = Score(gold, pred, {0.9, 0.4, 0.8}, {"negative", "positive"});
  std::string t = FormatScores("sentiment/en", s);
  EXPECT_THAT(t, HasSubstr("sentiment/en\n"));
  EXPECT_THAT(t, HasSubstr("label     precision  recall      f1  support  predicted\n"));
  EXPECT_THAT(t, HasSubstr("negative      1.000   0.500   0.667        2          1\n"));
  EXPECT_THAT(t, HasSubstr("positive      1.000   1.000   1.000        1          1\n"));
  EXPECT_THAT(t, HasSubstr("accuracy 0.667"));
  EXPECT_THAT(t, HasSubstr("macro-F1 0.833"));
  EXPECT_THAT(t, HasSubstr("          negative  positive  unknown\n"));
  EXPECT_THAT(t, HasSubstr("negative         1         0        1\n"));
  EXPECT_THAT(t, HasSubstr("positive         0         1        0\n"));
}

}  // namespace
}  // namespace ecoute::classify
