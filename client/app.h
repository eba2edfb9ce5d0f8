// The client application: draws the latest view as scenes and turns clicks
// and keys into actions. It owns no thread and never waits: each frame it
// takes the newest snapshot from its Connection (if it changed), steps the
// animations and draws. Windows, screenshots and the benchmark live in
// main.cc; the tests drive an App on an off-screen texture.
#pragma once

#include <SFML/Graphics/RenderTarget.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "client/assets.h"
#include "client/connection.h"
#include "client/timeline.h"
#include "client/ui.h"
#include "game.pb.h"

namespace mf::client {

enum class Scene { kConnect, kLobby, kBrief, kTable, kTalk, kDecide, kOutcome, kFinal, kControl };
const char* SceneName(Scene s);
// "lobby", "brief", "table", "talk", "decide", "outcome", "final", "control", "connect".
bool ParseScene(const std::string& name, Scene* out);

// Makes a connection (returns nullptr with a message on a bad request). It
// must not block: a network connection connects on its own thread.
using ConnectFn =
    std::function<std::unique_ptr<Connection>(const ConnectRequest&, std::string* error)>;

struct AppOptions {
  bool projector = false;   // Large type, public scenes only (spectators).
  bool animate = true;      // False: values jump to their targets (tests).
  ConnectRequest defaults;  // Prefills the connect screen.
};

// A seat's badge: its role's icon, or for an organisation a disc with its
// mandate's short name (scene_table.cc).
void DrawSeatBadge(Ui& ui, const mf::SeatPublic& s, Rect badge);

class App {
 public:
  App(const Assets& assets, AppOptions options);
  ~App();

  void SetConnection(std::unique_ptr<Connection> connection);
  void SetConnectFn(ConnectFn fn) { connect_ = std::move(fn); }
  // Shows a fixed snapshot with no connection (tests, --view).
  void SetSnapshot(const Snapshot& snapshot, double now);

  // Folds in one window event; true when it may change the picture.
  bool HandleEvent(const sf::Event& e);
  // Takes new data from the connection and steps the animations. True when
  // the picture needs drawing (new data, animation, clock tick, toast).
  bool Tick(double now);
  bool Animating(double now) const;
  void Draw(sf::RenderTarget& target, double now);

  Scene scene() const { return scene_; }
  void SetScene(Scene s) { scene_ = s; }
  const Regions& regions() const { return regions_; }
  const Snapshot& snapshot() const { return snap_; }
  Connection* connection() { return connection_.get(); }
  bool quit_requested() const { return quit_; }
  std::string WindowTitle() const;
  // Draw calls of the last frame (the benchmark reports them).
  int last_draw_calls() const { return last_draw_calls_; }
  // The seat hovered or selected (for details), -1 none.
  int selected_seat() const { return selected_seat_; }
  void SelectSeat(int seat) { selected_seat_ = seat; }

  // --- Replay (scene_timeline.cc) -------------------------------------------
  // The replay being shown, nullptr in live play.
  ReplayConnection* replay() const { return replay_; }
  bool replay_playing() const { return replay_playing_; }
  void SetReplayPlaying(bool on);
  int replay_speed() const { return kReplaySpeeds[replay_speed_index_]; }  // Actions per second.
  // The timeline's track as last drawn (tests map pixels to positions with it).
  const TimelineGeometry& timeline_geometry() const { return timeline_geo_; }

 private:
  // --- Frame --------------------------------------------------------------
  void OnNewSnapshot(double now, bool first_view);
  void StepAnimations(double now);
  void DrawTopBar(Rect r);
  void DrawTabs(Rect r);
  void DrawTicker(Rect r);
  void DrawBanners(Rect main);
  void DrawWaiting(Rect r);
  std::vector<Scene> Tabs() const;
  Scene SceneForPhase() const;
  int SecondsLeft() const;

  // --- Scenes (one file each) ---------------------------------------------
  void DrawConnect(Rect r);                                                // scene_info.cc
  void DrawLobby(Rect r);                                                  // scene_info.cc
  void DrawJoinLink(Rect r);                                               // scene_info.cc
  void DrawBrief(Rect r);                                                  // scene_info.cc
  void DrawControl(Rect r);                                                // scene_info.cc
  void DrawTableScene(Rect r);                                             // scene_table.cc
  void DrawTable(Rect r, bool big);                                        // scene_table.cc
  void DrawSeat(int seat, Rect card, bool compact, float size, int pass);  // scene_table.cc
  void DrawDraftCard(Rect r, bool big);                                    // scene_table.cc
  void DrawAxis(Rect r, const mf::Theme* theme, bool big);                 // scene_table.cc
  void DrawCentre(Rect r, bool big);                                       // scene_table.cc
  void DrawActionPanel(Rect r);                                            // panel_actions.cc
  float DrawHint(Rect r);                                                  // panel_actions.cc
  void DrawPhaseControls(Rect r);                                          // panel_actions.cc
  void DrawTalk(Rect r);                                                   // scene_talk.cc
  void DrawChat(Rect r);                                                   // scene_talk.cc
  void DrawDeals(Rect r);                                                  // scene_talk.cc
  void DrawDecide(Rect r);                                                 // scene_decide.cc
  void DrawTally(Rect r, bool big);                                        // scene_decide.cc
  void DrawVoteGrid(Rect r, bool big);                                     // scene_decide.cc
  void DrawRatification(Rect r, bool big);                                 // scene_decide.cc
  void DrawOutcome(Rect r);                                                // scene_outcome.cc
  void DrawFinal(Rect r);                                                  // scene_outcome.cc
  void DrawTimeline(Rect r);                                               // scene_timeline.cc
  void ReplayKeys();                                                       // scene_timeline.cc
  bool StepReplay(double now);                                             // scene_timeline.cc

  // --- Acting ---------------------------------------------------------------
  // Why `a` is not possible now ("" when it is), from the connection's exact
  // check when it has one, else from the view.
  std::string WhyNot(const mf::Action& a) const;
  void Send(const mf::Action& a, const std::string& bot_strategy = "");
  bool ActionButton(Rect r, const std::string& label, const mf::Action& a,
                    ButtonKind kind = ButtonKind::kNormal,
                    sf::Keyboard::Key key = sf::Keyboard::Unknown, const std::string& tip = "");
  void Toast(const std::string& text, bool error);
  // Regional texts (the action panel): the viewer's caucuses, tabling a
  // regional draft in Drafting and voting on one in Decision.
  std::vector<int> MyCaucuses() const;
  void DrawRegionalTabling(Rect& r);
  void DrawRegionalVotes(Rect& r);
  // Press desks (panel_press.cc): the press panel (a state, praise or
  // criticism, an adopted text, the report's words, Publish) and the list
  // of recent reports everyone reads.
  void DrawPressPanel(Rect r);
  void DrawPressReports(Rect r);
  // Decision: a destination's walk-out of the vote (kind 28).
  void DrawWalkOut(Rect& r);

  // --- Helpers over the current view --------------------------------------
  const mf::View& view() const { return *snap_.view; }
  bool HaveView() const { return snap_.view != nullptr; }
  float S() const;                               // Scale of the current frame.
  Rect Panel(Rect r, const std::string& title);  // Draws a panel; returns its inside.

  const Assets& assets_;
  AppOptions options_;
  std::unique_ptr<Connection> connection_;
  ConnectFn connect_;
  Snapshot snap_;
  uint64_t seen_generation_ = 0;
  bool quit_ = false;

  Scene scene_ = Scene::kConnect;
  bool user_chose_scene_ = false;
  int last_phase_serial_ = -1;
  int last_cycle_ = -1;
  uint64_t last_error_serial_ = 0, last_notice_serial_ = 0;
  int selected_seat_ = -1;

  // Replay: the connection's timeline, playing and its speed.
  ReplayConnection* replay_ = nullptr;
  bool replay_playing_ = false;
  int replay_speed_index_ = 2;
  double replay_next_ = 0;  // When playing: the time of the next step.
  TimelineGeometry timeline_geo_;

  Input input_;
  WidgetMemory memory_;
  Regions regions_;
  Ui* ui_ = nullptr;  // Valid during Draw.
  bool redraw_ = true;
  int last_draw_calls_ = 0;
  double last_draw_ = 0;
  int last_clock_shown_ = -1;

  // Animation: displayed values move toward the view's.
  double last_step_ = 0;
  float tally_shown_[4] = {0, 0, 0, 0};
  float tally_target_[4] = {0, 0, 0, 0};
  std::vector<float> approval_shown_;
  std::vector<double> vote_flash_;  // When each seat's vote last changed.
  std::vector<int> last_votes_;

  std::string toast_;
  bool toast_error_ = false;
  double toast_until_ = 0;

  // What the player is composing (reset at each new phase).
  struct Compose {
    int serial = -1;
    int statement_pos = 50;
    sf::String statement_text;
    int draft_pos = 50;
    mf::Form draft_form = mf::GUIDING_PRINCIPLES;
    std::vector<int> draft_commitments;
    int draft_corridor = 0;
    bool amend_move = true;
    int amend_pos = 50;
    mf::Form amend_form = mf::FORM_UNSPECIFIED;
    std::vector<int> amend_add, amend_remove;
    int deal_to = -1;
    mf::DealTerms give, ask;
    Channel channel;
    sf::String chat_text;
    bool chat_all = false;  // Facilitator: every channel at once.
    int enforce = 30;
    int inject_kind = 1;
    int inject_seat = -1;
    int brief_seat = 0;  // Facilitator: whose brief is shown.
    int extend_seconds = 60;
    int press_about = -1;  // The state a report is about; -1: the first state.
    bool press_praise = false;
    int press_text_id = 0;  // An adopted text; 0: the state's record.
    sf::String press_text;
  } compose_;
  void ResetCompose();

  // The connect screen's fields.
  struct ConnectForm {
    sf::String server, code, name, seat;
    std::string error;
  } form_;
};

}  // namespace mf::client
