// The replay's timeline bar: where positions fall on the track and back,
// and the playing speeds. Pure arithmetic (the drawing is scene_timeline.cc).
#pragma once

#include <algorithm>
#include <cmath>

namespace mf::client {

// Playing speeds, in actions per second (+ and - step through them).
inline constexpr int kReplaySpeeds[] = {1, 2, 4, 8, 16, 32};
inline constexpr int kReplaySpeedCount = 6;

// The track of a timeline of `total` actions: position 0 (nothing applied)
// at `x`, position `total` (the whole session) at `x + w`.
struct TimelineGeometry {
  float x = 0, w = 0;
  int total = 0;

  float XFor(int pos) const {
    if (total <= 0) return x;
    return x + w * static_cast<float>(std::clamp(pos, 0, total)) / static_cast<float>(total);
  }
  // The position nearest to the pixel column `px` (clamped to the track).
  int PosAt(float px) const {
    if (total <= 0 || w <= 0) return 0;
    const float t = std::clamp((px - x) / w, 0.0f, 1.0f);
    return std::clamp(static_cast<int>(std::lround(t * static_cast<float>(total))), 0, total);
  }
};

}  // namespace mf::client
