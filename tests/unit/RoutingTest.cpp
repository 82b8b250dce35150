//===- RoutingTest.cpp - the runtime's capacity and dispatch steps --------===//
//
// Hand-worked examples of limitCapacity (GShard's priority: choice rank,
// then token) and dispatchRoutes (routes grouped by expert, tokens
// ascending, zero-weight routes skipped).
//
//===----------------------------------------------------------------------===//

#include "runtime/engine/Routing.h"

#include <gtest/gtest.h>

namespace {

using namespace mgc;

TEST(Routing, CapacityKeepsFirstChoicesBeforeSecondOnes) {
  // 4 tokens, top-2 of 2 experts, factor 0.5: capacity ceil(0.5 * 8 / 2) = 2.
  // First choices: 0,0,0,1 -> expert 0 keeps tokens 0 and 1, drops token 2's.
  // Second choices: 1,1,1,0 -> expert 1 (1 taken by token 3) keeps token 0's
  // only; expert 0 is full, so token 3's second choice is dropped too.
  const int32_t indices[] = {0, 1, 0, 1, 0, 1, 1, 0};
  float weights[] = {.6f, .4f, .7f, .3f, .8f, .2f, .9f, .1f};
  EXPECT_EQ(limitCapacity(indices, weights, 4, 2, 2, 0.5), 4);
  const float want[] = {.6f, .4f, .7f, 0, 0, 0, .9f, 0};
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(weights[i], want[i]) << "route " << i;
}

TEST(Routing, CapacityRejectsOutOfRangeExperts) {
  const int32_t indices[] = {0, 3};
  float weights[] = {1, 1};
  EXPECT_EQ(limitCapacity(indices, weights, 2, 1, 3, 1.0), -1);
}

TEST(Routing, DispatchGroupsRoutesByExpert) {
  // 3 tokens, top-2 of 4 experts; token 1's second route has weight 0.
  const int32_t indices[] = {2, 0, 0, 3, 2, 1};
  const float weights[] = {.5f, .5f, 1, 0, .3f, .7f};
  int32_t rows[6] = {}, slots[6] = {}, offsets[5] = {};
  uint64_t load[4] = {10, 10, 10, 10};
  ASSERT_TRUE(dispatchRoutes(indices, weights, 3, 2, 4, rows, slots, offsets,
                             load));
  // Expert 0: tokens 0, 1; expert 1: token 2; expert 2: tokens 0, 2.
  const int32_t wantOffsets[] = {0, 2, 3, 5, 5};
  const int32_t wantRows[] = {0, 1, 2, 0, 2};
  const int32_t wantSlots[] = {3, 0, 1, -1, 4, 2};
  for (int e = 0; e < 5; ++e)
    EXPECT_EQ(offsets[e], wantOffsets[e]) << "offset " << e;
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(rows[i], wantRows[i]) << "row " << i;
  for (int r = 0; r < 6; ++r)
    EXPECT_EQ(slots[r], wantSlots[r]) << "route " << r;
  const uint64_t wantLoad[] = {12, 11, 12, 10};
  for (int e = 0; e < 4; ++e)
    EXPECT_EQ(load[e], wantLoad[e]) << "expert " << e;
}

TEST(Routing, DispatchRejectsOutOfRangeExperts) {
  const int32_t indices[] = {-1};
  const float weights[] = {1};
  int32_t rows[1], slots[1], offsets[3];
  EXPECT_FALSE(
      dispatchRoutes(indices, weights, 1, 1, 2, rows, slots, offsets, nullptr));
}

} // namespace
