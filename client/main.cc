// forum-client: the window, the render loop, screenshots and the benchmark.
//
// The loop never waits on the network: each turn it drains the window's
// events, asks the App whether anything changed (a new view from the
// connection thread, an animation, the clock's next second) and draws only
// then. With nothing to do it sleeps 20 ms between checks, so an idle client
// costs next to no CPU; while animating it draws at up to 60 frames a second.
#include <google/protobuf/text_format.h>
#include <sys/resource.h>

#include <SFML/Graphics.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "client/app.h"
#include "client/assets.h"
#include "client/cli.h"
#include "client/connection.h"
#include "client/net.h"
#include "client/offline.h"
#include "client/record_file.h"
#include "client/replay.h"

namespace mf::client {
namespace {

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

bool LoadView(const std::string& path, mf::View* view, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot read " + path;
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  if (!google::protobuf::TextFormat::ParseFromString(ss.str(), view)) {
    *error = path + " is not an mf.View in protobuf text format";
    return false;
  }
  return true;
}

std::unique_ptr<Connection> Connect(const ConnectRequest& r, std::string* error) {
  if (r.offline) {
    OfflineOptions o;
    o.scenario = r.scenario;
    o.viewer = r.seat >= 0 ? r.seat : 0;
    if (!r.name.empty()) o.player_name = r.name;
    std::unique_ptr<OfflineConnection> c = OfflineConnection::Start(o, error);
    return c;
  }
  return MakeNetworkConnection(r, error);
}

void SetIcon(sf::RenderWindow& window, const Assets& assets) {
  if (const sf::Texture* t = assets.icon("app_icon")) {
    static sf::Image image;  // setIcon keeps no copy on some platforms.
    image = t->copyToImage();
    window.setIcon(image.getSize().x, image.getSize().y, image.getPixelsPtr());
  }
}

// Runs the window until it is closed (or the screenshot is taken).
int RunWindow(App& app, const Assets& assets, const CliOptions& cli) {
  // No multisampling: on Mesa's software renderer it costs more than the whole UI.
  sf::ContextSettings settings;
  sf::RenderWindow window(
      sf::VideoMode(static_cast<unsigned>(cli.width), static_cast<unsigned>(cli.height)),
      app.WindowTitle(), sf::Style::Default, settings);
  window.setPosition({0, 0});  // No window manager under Xvfb: place it ourselves.
  window.setVerticalSyncEnabled(false);
  window.setKeyRepeatEnabled(true);
  SetIcon(window, assets);
  std::string title = app.WindowTitle();
  const double start = MonotonicSeconds();
  bool first = true;
  while (window.isOpen()) {
    bool any = false;
    sf::Event e;
    while (window.pollEvent(e)) {
      if (e.type == sf::Event::Resized)
        window.setView(sf::View(sf::FloatRect(0, 0, static_cast<float>(e.size.width),
                                              static_cast<float>(e.size.height))));
      any |= app.HandleEvent(e);
    }
    if (app.quit_requested()) break;
    const double now = MonotonicSeconds();
    const bool shot_due = !cli.screenshot.empty() && (now - start) * 1000 >= cli.after_ms;
    const bool need = app.Tick(now) || any || first;
    if (need || shot_due) {
      app.Draw(window, now);
      if (shot_due) {
        sf::Texture texture;
        texture.create(window.getSize().x, window.getSize().y);
        texture.update(window);
        if (!texture.copyToImage().saveToFile(cli.screenshot)) {
          std::fprintf(stderr, "forum-client: cannot write %s\n", cli.screenshot.c_str());
          return 1;
        }
        // Which assets drew it (an installed client must use its installed ones).
        std::printf("wrote %s (%ux%u); icons from %s, font %s\n", cli.screenshot.c_str(),
                    window.getSize().x, window.getSize().y,
                    assets.dir().empty() ? "(none)" : assets.dir().c_str(),
                    assets.font_path().c_str());
        return 0;
      }
      window.display();
      first = false;
      if (app.WindowTitle() != title) {
        title = app.WindowTitle();
        window.setTitle(title);
      }
    }
    if (app.Animating(MonotonicSeconds())) {
      // Up to 60 frames a second while something moves.
      const double spent = MonotonicSeconds() - now;
      if (spent < 1.0 / 60)
        std::this_thread::sleep_for(std::chrono::duration<double>(1.0 / 60 - spent));
    } else if (!need) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  return 0;
}

// FPS and CPU at 1920x1080 with 30 seats: drawing every frame while the
// tally animates, then the normal loop with nothing changing.
int RunBench(const Assets& assets, const CliOptions& cli) {
  OfflineOptions o;
  o.scenario = "workshop-30";
  o.viewer = 0;
  o.bot_pace_ms = 200;
  o.phase_seconds = 0;
  o.until = mf::DECISION;
  std::string error;
  std::unique_ptr<OfflineConnection> conn = OfflineConnection::Start(o, &error);
  if (!conn) {
    std::fprintf(stderr, "forum-client: %s\n", error.c_str());
    return 1;
  }
  OfflineConnection* offline = conn.get();
  AppOptions ao;
  App app(assets, ao);
  app.SetConnection(std::move(conn));
  sf::RenderWindow window(sf::VideoMode(1920, 1080), "forum-client bench", sf::Style::Default);
  window.setPosition({0, 0});
  window.setVerticalSyncEnabled(false);
  const double seconds = cli.bench_seconds;
  struct Result {
    const char* scene;
    int frames;
    double wall, cpu;
  };
  std::vector<Result> results;
  // 1. Animating, every frame drawn, for each busy scene.
  for (Scene s : {Scene::kTable, Scene::kDecide}) {
    app.SetScene(s);
    int frames = 0, calls = 0;
    double draw_s = 0;
    const double t0 = MonotonicSeconds(), c0 = CpuSeconds();
    while (MonotonicSeconds() - t0 < seconds / 2) {
      sf::Event e;
      while (window.pollEvent(e)) app.HandleEvent(e);
      const double now = MonotonicSeconds();
      app.Tick(now);
      app.Draw(window, now);
      draw_s += MonotonicSeconds() - now;
      calls += app.last_draw_calls();
      window.display();
      ++frames;
    }
    std::printf(
        "  (%s: %d draw calls a frame; %.2f ms building the picture, %.2f ms presenting it)\n",
        SceneName(s), calls / std::max(1, frames), draw_s / frames * 1000,
        ((MonotonicSeconds() - t0) - draw_s) / frames * 1000);
    results.push_back({s == Scene::kTable ? "animating, roundtable" : "animating, vote", frames,
                       MonotonicSeconds() - t0, CpuSeconds() - c0});
  }
  // 2. Idle: the session paused, nothing changes; the normal loop.
  offline->WithState([](rules::State& st) {
    rules::Action pause = rules::Action::Make(rules::ActionType::kPause);
    st.Apply(rules::kFacilitator, pause);
  });
  app.SetScene(Scene::kTable);
  int frames = 0;
  {
    // Let the pause arrive and the last animations settle.
    const double t0 = MonotonicSeconds();
    while (MonotonicSeconds() - t0 < 1.5) {
      sf::Event e;
      while (window.pollEvent(e)) app.HandleEvent(e);
      const double now = MonotonicSeconds();
      if (app.Tick(now)) {
        app.Draw(window, now);
        window.display();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  const double t0 = MonotonicSeconds(), c0 = CpuSeconds();
  while (MonotonicSeconds() - t0 < seconds) {
    bool any = false;
    sf::Event e;
    while (window.pollEvent(e)) any |= app.HandleEvent(e);
    const double now = MonotonicSeconds();
    const bool need = app.Tick(now) || any;
    if (need) {
      app.Draw(window, now);
      window.display();
      ++frames;
    }
    if (app.Animating(MonotonicSeconds())) continue;
    if (!need) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  results.push_back({"idle, paused session", frames, MonotonicSeconds() - t0, CpuSeconds() - c0});
  std::printf("forum-client benchmark: 1920x1080, workshop-30 (30 seats), Xvfb + Mesa\n");
  for (const Result& r : results) {
    std::printf(
        "  %-24s %6d frames in %5.2f s = %7.1f FPS   CPU %6.1f ms per s (%5.1f%% of a core)",
        r.scene, r.frames, r.wall, r.frames / r.wall, r.cpu / r.wall * 1000, r.cpu / r.wall * 100);
    if (r.frames > 0) std::printf("   %.1f ms CPU per frame", r.cpu / r.frames * 1000);
    std::printf("\n");
  }
  return 0;
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  CliOptions cli;
  std::string error;
  if (!ParseCli(args, &cli, &error)) {
    std::fprintf(stderr, "forum-client: %s\n\n%s", error.c_str(), CliUsage());
    return 2;
  }
  if (cli.help) {
    std::printf("%s", CliUsage());
    return 0;
  }
  if (cli.version) {
    std::printf("forum-client %s\n", MF_VERSION);
    return 0;
  }
  // A replay's record is read (and replayed) before the window opens, so
  // that a bad file or a refused token is reported even without a display.
  std::unique_ptr<ReplayConnection> replay;
  if (cli.replay) {
    ReplayRecord record;
    const bool ok = cli.replay_file.empty()
                        ? FetchRecord(cli.connect.server, cli.connect.session, cli.token,
                                      cli.connect.tls, &record, &error)
                        : LoadRecordFile(cli.replay_file, &record, &error);
    if (!ok) {
      std::fprintf(stderr, "forum-client: %s\n", error.c_str());
      return 1;
    }
    const std::string source = record.source;
    replay = ReplayConnection::Open(std::move(record), cli.replay_seat, &error);
    if (!replay) {
      std::fprintf(stderr, "forum-client: %s: %s\n", source.c_str(), error.c_str());
      return 1;
    }
    if (cli.replay_at > replay->size()) {
      std::fprintf(stderr, "forum-client: --replay-at %d: the record has %d actions\n",
                   cli.replay_at, replay->size());
      return 1;
    }
    replay->Seek(cli.replay_at_end ? replay->size() : cli.replay_at);
    int decisions = 0;
    for (const ReplayMark& m : replay->marks())
      decisions += m.kind == ReplayMark::Kind::kAdopted || m.kind == ReplayMark::Kind::kRejected;
    std::printf("replay of %s: %d actions, %zu phases, %d decisions; at %s\n", source.c_str(),
                replay->size(), replay->phase_starts().size(), decisions,
                replay->Label(replay->position()).c_str());
    std::fflush(stdout);
  }
  // SFML aborts without an X display (even off-screen): say so instead.
  const char* display = std::getenv("DISPLAY");
  if (!display || !*display) {
    std::fprintf(stderr,
                 "forum-client: no display (DISPLAY is not set); run it on a desktop, or under "
                 "`xvfb-run -a` for --screenshot and --bench\n");
    return 1;
  }
  Assets assets;
  if (!assets.Load(&error)) {
    std::fprintf(stderr, "forum-client: %s\n", error.c_str());
    return 1;
  }
  if (cli.bench) return RunBench(assets, cli);
  AppOptions ao;
  ao.projector = cli.projector || cli.connect.spectate;
  ao.animate = !cli.no_animation;
  ao.defaults = cli.connect;
  App app(assets, ao);
  app.SetConnectFn(Connect);
  if (!cli.view_file.empty()) {
    auto view = std::make_shared<mf::View>();
    if (!LoadView(cli.view_file, view.get(), &error)) {
      std::fprintf(stderr, "forum-client: %s\n", error.c_str());
      return 1;
    }
    Snapshot s;
    s.view = view;
    s.link = Link::kLive;
    app.SetSnapshot(s, MonotonicSeconds());
  } else if (replay) {
    app.SetConnection(std::move(replay));
    if (cli.replay_play) app.SetReplayPlaying(true);
  } else if (cli.offline) {
    std::unique_ptr<OfflineConnection> c = OfflineConnection::Start(cli.offline_opts, &error);
    if (!c) {
      std::fprintf(stderr, "forum-client: %s\n", error.c_str());
      return 1;
    }
    app.SetConnection(std::move(c));
  } else if (cli.network) {
    std::unique_ptr<Connection> c = MakeNetworkConnection(cli.connect, &error);
    if (!c) {
      std::fprintf(stderr, "forum-client: %s\n", error.c_str());
      return 1;
    }
    app.SetConnection(std::move(c));
  }
  if (!cli.scene.empty()) {
    Scene s;
    ParseScene(cli.scene, &s);
    // Applied once the first view is in: the scene wins over the phase's.
    const double t0 = MonotonicSeconds();
    while (!app.snapshot().view && app.connection() && MonotonicSeconds() - t0 < 5) {
      app.Tick(MonotonicSeconds());
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    app.SetScene(s);
  }
  return RunWindow(app, assets, cli);
}

}  // namespace
}  // namespace mf::client

int main(int argc, char** argv) {
  return mf::client::Main(argc, argv);
}
