// The client's assets (fonts, icons) loaded once for a test program; a load
// failure fails the test that asked first.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "client/assets.h"

namespace mf::client {

inline const Assets& TestAssets() {
  static Assets* assets = [] {
    auto* a = new Assets;
    std::string error;
    if (!a->Load(&error)) ADD_FAILURE() << error;
    return a;
  }();
  return *assets;
}

}  // namespace mf::client
