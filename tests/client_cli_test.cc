// forum-client as a process: --view and --offline with --screenshot write a
// PNG of the window of the right size and exit; bad command lines are
// refused. Needs an X display: ctest runs it under xvfb-run.
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <SFML/Graphics/Image.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "client/demo.h"
#include "run_command.h"

namespace mf::client {
namespace {

namespace fs = std::filesystem;

using Result = mf::testing::CommandResult;

Result Client(const std::string& args) {
  return mf::testing::RunCommand(std::string(MF_FORUM_CLIENT) + " " + args + " 2>&1");
}

fs::path Tmp(const std::string& name) {
  fs::path dir = fs::path(MF_TEST_TMP_DIR);
  fs::create_directories(dir);
  return dir / name;
}

bool Png(const fs::path& path, unsigned w, unsigned h, sf::Image* out) {
  if (!out->loadFromFile(path.string())) return false;
  return out->getSize().x == w && out->getSize().y == h;
}

// More than a handful of colours: something was drawn.
int Colours(const sf::Image& img) {
  std::vector<bool> seen(1 << 15);
  int n = 0;
  for (unsigned y = 0; y < img.getSize().y; y += 3)
    for (unsigned x = 0; x < img.getSize().x; x += 3) {
      const sf::Color c = img.getPixel(x, y);
      const int k = (c.r >> 3) << 10 | (c.g >> 3) << 5 | (c.b >> 3);
      if (!seen[k]) seen[k] = true, ++n;
    }
  return n;
}

TEST(ClientCli, RecordedViewToScreenshot) {
  std::string error;
  std::unique_ptr<DemoGame> g = DemoGame::Make("workshop-30", 9, &error);
  ASSERT_TRUE(g) << error;
  ASSERT_TRUE(g->RunUntil([](const rules::State& s) { return s.phase() == mf::DECISION; }));
  for (int k = 0; k < 12; ++k) g->Step();
  std::string text;
  ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(g->View(4), &text));
  const fs::path view = Tmp("decision.textproto");
  std::ofstream(view) << text;
  const fs::path png = Tmp("decision.png");
  fs::remove(png);
  const Result r = Client("--view " + view.string() +
                          " --scene decide --size 1920x1080 --no-animation --screenshot " +
                          png.string() + " --after-ms 300");
  ASSERT_EQ(r.code, 0) << r.out;
  sf::Image img;
  ASSERT_TRUE(Png(png, 1920, 1080, &img)) << r.out;
  EXPECT_GT(Colours(img), 40);
}

TEST(ClientCli, OfflineGameToScreenshot) {
  const fs::path png = Tmp("offline.png");
  fs::remove(png);
  const Result r = Client(
      "--offline --scenario classroom-8 --seat 2 --until statements --pace 50 --screenshot " +
      png.string() + " --after-ms 800");
  ASSERT_EQ(r.code, 0) << r.out;
  sf::Image img;
  ASSERT_TRUE(Png(png, 1280, 720, &img)) << r.out;
  EXPECT_GT(Colours(img), 40);
}

TEST(ClientCli, HelpAndBadCommandLines) {
  Result r = Client("--help");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("--screenshot FILE --after-ms N"), std::string::npos);
  r = Client("--server localhost:1");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("--join"), std::string::npos);
  r = Client("--offline --scenario no-such-scenario --screenshot /dev/null --after-ms 1");
  EXPECT_EQ(r.code, 1);
  r = Client("--view /nonexistent.textproto --screenshot /dev/null");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("cannot read"), std::string::npos);
}

}  // namespace
}  // namespace mf::client
