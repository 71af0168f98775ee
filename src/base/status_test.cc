#include "base/status.h"

#include <gtest/gtest.h>

namespace ecoute::base {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("odd: " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  ECOUTE_ASSIGN_OR_RETURN(int h, Half(x));
  ECOUTE_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status Check(int x) {
  ECOUTE_RETURN_IF_ERROR(Quarter(x).status());
  return Status::Ok();
}

TEST(Status, OkAndErrors) {
  EXPECT_TRUE(Status::Ok().ok());
  Status s = Status::NotFound("no such file");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString(), "not_found: no such file");
  EXPECT_EQ(s.WithPrefix("a.csv").message(), "a.csv: no such file");
}

TEST(Result, PropagatesThroughMacros) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "odd: 3");
  EXPECT_TRUE(Check(4).ok());
  EXPECT_EQ(Check(2).code(), StatusCode::kInvalidArgument);
}

TEST(ResultDeathTest, ValueOfErrorAborts) {
  Result<int> r = Status::Internal("boom");
  EXPECT_DEATH((void)r.value(), "boom");
}

}  // namespace
}  // namespace ecoute::base
