#include "server/registry.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <google/protobuf/text_format.h>

#include "rules/action.h"
#include "rules/campaign.h"
#include "rules/playout.h"
#include "server/chat.h"
#include "server/text.h"
#include "server/tokens.h"

namespace mf::server {

using grpc::StatusCode;

namespace {

// ListSessions' answer while the live sessions give their summaries.
struct ListGather {
  std::mutex mu;
  std::vector<mf::SessionSummary> archived, got;
  size_t left = 0;
};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string Registry::FreeSessionIdLocked() const {
  std::string id;
  do {
    id = NewSessionId();
  } while (sessions_.count(id) || archived_.count(id));
  return id;
}

std::string Registry::ReserveJoinCodeLocked() {
  std::string code;
  do {
    code = NewJoinCode();
  } while (by_code_.count(NormaliseJoinCode(code)));
  by_code_[NormaliseJoinCode(code)] = "";  // Reserved until stored.
  return code;
}

Registry::Registry(boost::asio::io_context& io, Store* store, const ServerOptions& options)
    : io_(io), store_(store), options_(options) {}

std::shared_ptr<const rules::Scenario> Registry::Share(
    std::shared_ptr<const rules::Scenario> scenario) {
  std::lock_guard<std::mutex> lock(parsed_mu_);
  auto [it, fresh] = parsed_.emplace(Sha256(scenario->text()), scenario);
  return it->second;
}

std::shared_ptr<const rules::Scenario> Registry::Parsed(const std::string& text,
                                                        const std::string& label, bool keep,
                                                        std::string* error) {
  {
    std::lock_guard<std::mutex> lock(parsed_mu_);
    auto it = parsed_.find(Sha256(text));
    if (it != parsed_.end()) return it->second;
  }
  rules::LoadResult r = rules::LoadScenario(text, label);
  if (!r.ok()) {
    *error = r.errors.empty() ? std::string("empty") : r.errors.front();
    return nullptr;
  }
  return keep ? Share(r.scenario) : r.scenario;
}

bool Registry::Init(std::string* error) {
  for (const rules::EmbeddedScenario& e : rules::EmbeddedScenarios()) {
    rules::LoadResult r = rules::LoadEmbeddedScenario(e.name);
    if (r.ok()) scenarios_[e.name] = Share(r.scenario);
  }
  if (!options_.scenarios_dir.empty()) {
    namespace fs = std::filesystem;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(options_.scenarios_dir, ec)) {
      if (entry.path().extension() != ".textproto") continue;
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      rules::LoadResult r = rules::LoadScenario(text.str(), entry.path().string());
      if (!r.ok()) {
        *error = r.errors.empty() ? entry.path().string() + ": invalid" : r.errors.front();
        return false;
      }
      scenarios_[entry.path().stem().string()] = Share(r.scenario);
    }
    if (ec) {
      *error = "cannot read " + options_.scenarios_dir + ": " + ec.message();
      return false;
    }
  }

  cluster_ = store_->cluster();
  if (cluster_) {
    // A write refused because another node holds the session now: the
    // session leaves this node at once.
    cluster_->OnFenced([this](const std::string& id) { Evict(id); });
    // This node's own sessions from an earlier run and every session whose
    // lease lapsed: taken over and replayed. Finished ones stay in the
    // store (read on demand); the live ones of other nodes stay theirs.
    std::vector<std::string> orphans;
    if (!cluster_->Orphans(&orphans, error)) return false;
    for (const std::string& id : orphans) {
      const Outcome o = Resolve(id);
      if (!o.ok()) std::fprintf(stderr, "forumd: session %s: %s\n", id.c_str(), o.message.c_str());
    }
    return true;
  }
  // One stored session at a time (its rows and scenario text freed before
  // the next is read), each playing a scenario shared with the others of
  // the same text: a restart needs no more memory than the running server.
  return store_->ForEachSession([&](StoredSession& s) { Adopt(s); }, error);
}

void Registry::Adopt(StoredSession& s) {
  // A broken record stops only its own session.
  auto broken = [&](const std::string& why) {
    const std::string text = "session " + s.id + " cannot be served: " + why +
                             "; the server's other sessions are not affected";
    std::fprintf(stderr, "forumd: %s\n", text.c_str());
    std::lock_guard<std::mutex> lock(mu_);
    broken_[s.id] = text;
  };
  if (!s.load_error.empty()) {
    broken("its record cannot be read (" + s.load_error + ")");
    return;
  }
  {
    mf::CreateSessionRequest options;
    options.ParseFromString(s.options);
    LinkCampaign(s.id, options);
  }
  if (s.finished_ms != 0) {
    auto a = std::make_unique<ArchivedSession>();
    mf::CreateSessionRequest options;
    options.ParseFromString(s.options);
    a->summary.set_session(s.id);
    a->summary.set_scenario(s.scenario);
    a->summary.set_title(options.title());
    a->summary.set_created_unix_ms(s.created_ms);
    a->summary.set_finished(true);
    a->summary.set_finished_unix_ms(s.finished_ms);
    a->summary.set_phase(mf::GAME_OVER);
    a->summary.set_actions(s.action_count);
    a->summary.set_campaign(options.campaign());
    a->summary.set_campaign_stage(options.campaign_stage());
    a->summary.set_previous_session(options.previous_session());
    a->facilitator_hash = s.facilitator_hash;
    for (const StoredSeat& seat : s.seats) {
      if (seat.seat < 0) continue;  // A press desk's token: not kept once the game is over.
      if (seat.seat >= static_cast<int>(a->seat_hashes.size()))
        a->seat_hashes.resize(static_cast<size_t>(seat.seat) + 1);
      a->seat_hashes[static_cast<size_t>(seat.seat)] = seat.token_hash;
      if (!seat.player.empty()) a->summary.set_humans(a->summary.humans() + 1);
    }
    std::lock_guard<std::mutex> lock(mu_);
    archived_[s.id] = std::move(a);
    return;
  }
  std::string why_not;
  auto scenario = Parsed(s.scenario_text, s.scenario, true, &why_not);
  if (!scenario) {
    broken("its scenario no longer loads (" + why_not + ")");
    return;
  }
  Session::Init init;
  init.id = s.id;
  init.join_code = s.join_code;
  init.scenario = scenario;
  init.seed = s.seed;
  init.options.ParseFromString(s.options);
  init.facilitator_hash = s.facilitator_hash;
  init.created_ms = s.created_ms;
  auto session = std::make_shared<Session>(io_, store_, options_, std::move(init));
  HookCampaign(session);
  std::string why;
  if (!session->Restore(s, &why)) {
    broken(why.rfind("session " + s.id + ": ", 0) == 0 ? why.substr(s.id.size() + 10) : why);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    by_code_[NormaliseJoinCode(s.join_code)] = s.id;
    sessions_[s.id] = session;
  }
  session->Start();
}

Outcome Registry::Resolve(const std::string& id) {
  if (!cluster_) return Outcome::Ok();
  auto known = [&] {
    std::lock_guard<std::mutex> lock(mu_);
    return sessions_.count(id) || archived_.count(id) || broken_.count(id);
  };
  if (known()) return Outcome::Ok();
  const auto unreachable = [&](const std::string& e) {
    return Outcome::Error(StatusCode::UNAVAILABLE,
                          "the session store cannot be reached (" + e + "); try again");
  };
  std::lock_guard<std::mutex> take(take_mu_);
  if (known()) return Outcome::Ok();  // Taken over meanwhile by another call.
  SessionPlace place;
  std::string error;
  if (!cluster_->Locate(id, &place, &error)) return unreachable(error);
  if (!place.exists) return Outcome::Ok();  // NOT_FOUND, said by the caller.
  if (!place.finished && !place.lapsed && place.owner != cluster_->node_id()) {
    Outcome o =
        Outcome::Error(StatusCode::UNAVAILABLE,
                       place.owner_address.empty()
                           ? "session " + id + " is served by forumd node " + place.owner +
                                 ", whose address is not known yet; try again"
                           : "session " + id + " is served by another forumd (" + place.owner +
                                 " at " + place.owner_address + "); connect there");
    o.owner = place.owner_address;
    o.session = id;
    return o;
  }
  StoredSession s;
  if (!place.finished) {
    switch (cluster_->TakeOver(id, &s, &place, &error)) {
      case Cluster::Take::kTaken:
        Adopt(s);
        return Outcome::Ok();
      case Cluster::Take::kHeldElsewhere: {
        if (!error.empty()) return unreachable(error);
        Outcome o = Outcome::Error(StatusCode::UNAVAILABLE,
                                   "session " + id + " was just taken over by another forumd (" +
                                       place.owner + "); connect there");
        o.owner = place.owner_address;
        o.session = id;
        return o;
      }
      case Cluster::Take::kGone:
        if (!place.exists) return Outcome::Ok();
        break;  // It finished meanwhile.
    }
  }
  s = StoredSession();
  if (!cluster_->LoadFinished(id, &s, &error)) return unreachable(error);
  Adopt(s);
  return Outcome::Ok();
}

Outcome Registry::Locate(const std::string& id, std::shared_ptr<Session>* out) {
  *out = Find(id);
  if (*out || !cluster_) return Outcome::Ok();
  const Outcome o = Resolve(id);
  if (!o.ok()) return o;
  *out = Find(id);
  return Outcome::Ok();
}

Outcome Registry::LocateByCode(const std::string& code, std::shared_ptr<Session>* out) {
  *out = FindByCode(code);
  if (*out || !cluster_) return Outcome::Ok();
  std::string id, error;
  if (!cluster_->FindByCode(NormaliseJoinCode(code), &id, &error))
    return Outcome::Error(StatusCode::UNAVAILABLE,
                          "the session store cannot be reached (" + error + "); try again");
  if (id.empty()) return Outcome::Ok();
  return Locate(id, out);
}

void Registry::Evict(const std::string& id) {
  std::shared_ptr<Session> s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return;
    s = it->second;
    by_code_.erase(NormaliseJoinCode(s->join_code()));
    sessions_.erase(it);
  }
  if (cluster_) cluster_->Forget(id);
  std::fprintf(stderr, "forumd: session %s moved to another node\n", id.c_str());
  s->BeginShutdown([] {},
                   "this session moved to another server; reconnect: your seat and token stay "
                   "the same");
}

void Registry::StartCluster(const std::string& address) {
  if (!cluster_) return;
  cluster_->SetAddress(address);
  std::vector<std::string> lost;
  std::string error;
  if (!cluster_->Renew(&lost, &error))  // Publishes the address at once.
    std::fprintf(stderr, "forumd: renewing the leases: %s\n", error.c_str());
  for (const std::string& id : lost) Evict(id);
  lease_thread_ = std::thread([this] { LeaseLoop(); });
}

void Registry::StopCluster() {
  {
    std::lock_guard<std::mutex> lock(lease_mu_);
    lease_stop_ = true;
  }
  lease_cv_.notify_all();
  if (lease_thread_.joinable()) lease_thread_.join();
}

Registry::~Registry() {
  StopCluster();
}

void Registry::LeaseLoop() {
  using Clock = std::chrono::steady_clock;
  const auto period = std::chrono::milliseconds(std::max(100, options_.lease_ttl_seconds * 333));
  const auto ttl = std::chrono::seconds(options_.lease_ttl_seconds);
  auto renewed = Clock::now();
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(lease_mu_);
      if (lease_cv_.wait_for(lock, period, [this] { return lease_stop_; })) return;
    }
    std::vector<std::string> lost;
    std::string error;
    if (cluster_->Renew(&lost, &error)) {
      renewed = Clock::now();
    } else {
      std::fprintf(stderr, "forumd: renewing the leases: %s\n", error.c_str());
      if (Clock::now() - renewed > ttl) {
        // Not renewed for a whole lease: another node may hold these
        // sessions now. Their writes would be refused anyway; let them go.
        std::lock_guard<std::mutex> lock(mu_);
        for (const auto& [id, s] : sessions_)
          if (!s->finished()) lost.push_back(id);
      }
    }
    for (const std::string& id : lost) Evict(id);
    SaveSummaries();
    std::vector<std::string> orphans;
    if (!cluster_->Orphans(&orphans, &error)) continue;
    for (const std::string& id : orphans) {
      {
        std::lock_guard<std::mutex> lock(lease_mu_);
        if (lease_stop_) return;
      }
      const Outcome o = Resolve(id);
      if (!o.ok() && o.owner.empty())
        std::fprintf(stderr, "forumd: session %s: %s\n", id.c_str(), o.message.c_str());
    }
  }
}

void Registry::SaveSummaries() {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, s] : sessions_)
      if (!s->finished()) live.push_back(s);
  }
  struct Gather {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<mf::SessionSummary> got;
  };
  auto g = std::make_shared<Gather>();
  for (const auto& s : live)
    s->Summary(false, [g](mf::SessionSummary sum) {
      std::lock_guard<std::mutex> lock(g->mu);
      g->got.push_back(std::move(sum));
      g->cv.notify_all();
    });
  std::vector<mf::SessionSummary> got;
  {
    std::unique_lock<std::mutex> lock(g->mu);
    g->cv.wait_for(lock, std::chrono::seconds(2), [&] { return g->got.size() == live.size(); });
    got = g->got;
  }
  std::vector<std::pair<std::string, std::string>> changed;
  for (const mf::SessionSummary& sum : got) {
    std::string bytes = sum.SerializeAsString();
    std::string& last = summaries_written_[sum.session()];
    if (last == bytes) continue;
    last = bytes;
    changed.emplace_back(sum.session(), std::move(bytes));
  }
  std::string error;
  if (!cluster_->SaveSummaries(changed, &error)) {
    std::fprintf(stderr, "forumd: writing the sessions' summaries: %s\n", error.c_str());
    for (const auto& [id, bytes] : changed) summaries_written_.erase(id);
  }
  if (summaries_written_.size() > 2 * live.size() + 64) {  // Forget sessions gone from here.
    std::set<std::string> keep;
    for (const auto& s : live) keep.insert(s->id());
    for (auto it = summaries_written_.begin(); it != summaries_written_.end();)
      it = keep.count(it->first) ? std::next(it) : summaries_written_.erase(it);
  }
}

void Registry::ArchiveFinished() {
  const int64_t cutoff = NowMs() - int64_t{options_.archive_after_seconds} * 1000;
  std::vector<std::shared_ptr<Session>> old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, s] : sessions_)
      if (s->finished() && s->finished_at_ms() <= cutoff && archiving_.insert(id).second)
        old.push_back(s);
  }
  for (const auto& s : old) {
    // The summary is read on the session's strand; the record is in the store.
    s->Summary(false, [this, s](mf::SessionSummary summary) {
      auto a = std::make_unique<ArchivedSession>();
      a->summary = std::move(summary);
      a->summary.set_finished(true);
      a->summary.set_finished_unix_ms(s->finished_at_ms());
      a->facilitator_hash = s->facilitator_hash();
      a->seat_hashes = s->SeatHashes();
      std::lock_guard<std::mutex> lock(mu_);
      archiving_.erase(s->id());
      auto it = sessions_.find(s->id());
      if (it == sessions_.end() || it->second != s) return;  // Deleted meanwhile.
      by_code_.erase(NormaliseJoinCode(s->join_code()));
      sessions_.erase(it);
      archived_[s->id()] = std::move(a);
    });
  }
}

namespace {

// A session id as NewSessionId makes them: 16 lower-case hex digits.
bool IsSessionId(const std::string& id) {
  if (id.size() != 16) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

void Registry::Create(const mf::CreateSessionRequest& asked, const std::string& proposed_id,
                      std::function<void(Outcome, const mf::CreateSessionResponse&)> done) {
  ArchiveFinished();
  auto fail = [&](StatusCode c, const std::string& m) { done(Outcome::Error(c, m), {}); };
  // A campaign starts with its first session's scenario (rules/campaign.h).
  mf::CreateSessionRequest request = asked;
  if (asked.campaign_stage() != 0 || !asked.previous_session().empty() ||
      asked.carried_from_size() > 0)
    return fail(StatusCode::INVALID_ARGUMENT,
                "campaign_stage, previous_session and carried_from are set by forumd on a "
                "campaign's later sessions; leave them unset");
  if (!asked.campaign().empty()) {
    if (!asked.scenario().empty())
      return fail(StatusCode::INVALID_ARGUMENT,
                  "give a scenario or a campaign, not both: a campaign names its scenarios");
    rules::CampaignLoad c = rules::LoadEmbeddedCampaign(asked.campaign());
    if (!c.ok())
      return fail(StatusCode::NOT_FOUND,
                  c.errors.empty() ? "no campaign '" + Echo(asked.campaign()) + "'" : c.errors[0]);
    request.set_scenario(c.campaign->sessions(0).scenario());
  }
  // Everything in the request is checked here, before anything is stored:
  // a request that can never succeed is INVALID_ARGUMENT (or NOT_FOUND), never
  // a store error to retry.
  auto it = scenarios_.find(request.scenario());
  if (it == scenarios_.end()) {
    std::string names;
    for (const auto& [name, sc] : scenarios_) names += (names.empty() ? "" : ", ") + name;
    return fail(StatusCode::NOT_FOUND,
                "no scenario '" + Echo(request.scenario()) + "'; this server has: " + names);
  }
  const auto& scenario = it->second;
  PhaseClock clock;
  std::string why;
  if (!ResolveTimers(request, &clock, &why)) return fail(StatusCode::INVALID_ARGUMENT, why);
  std::set<int> bot_seats;
  for (const mf::BotSeat& b : request.bots()) {
    if (b.seat() < 0 || b.seat() >= scenario->num_seats())
      return fail(StatusCode::INVALID_ARGUMENT,
                  "no seat " + std::to_string(b.seat()) + " for a bot: " + request.scenario() +
                      " has seats 0.." + std::to_string(scenario->num_seats() - 1));
    if (!bot_seats.insert(b.seat()).second)
      return fail(
          StatusCode::INVALID_ARGUMENT,
          "seat " + std::to_string(b.seat()) + " is listed twice in bots: give each seat once");
    std::string strategy;
    if (!ResolveStrategy(b.strategy(), &strategy))
      return fail(StatusCode::INVALID_ARGUMENT, "unknown bot strategy '" + Echo(b.strategy()) +
                                                    "': use easy, normal, hard or a strategy name");
  }
  if (request.bot_pace_ms() < 0 || request.bot_pace_ms() > 600000)
    return fail(StatusCode::INVALID_ARGUMENT, "bot_pace_ms is 0..600000");
  if (request.idle_handover_seconds() < 0)
    return fail(StatusCode::INVALID_ARGUMENT, "idle_handover_seconds must not be negative");
  if (request.title().size() > 200 || !rules::IsCleanUtf8(request.title()))
    return fail(StatusCode::INVALID_ARGUMENT,
                "the title is at most 200 bytes of text without control characters");
  if (request.press_desks() < 0 || request.press_desks() > rules::State::kMaxPressDesks)
    return fail(StatusCode::INVALID_ARGUMENT,
                "press_desks is 0.." + std::to_string(rules::State::kMaxPressDesks));
  if (!mf::DecisionRule_IsValid(request.decision_rule()))
    return fail(StatusCode::INVALID_ARGUMENT,
                "decision_rule " + std::to_string(request.decision_rule()) +
                    " is not a DecisionRule: use CONSENSUS (1), MAJORITY (2) or "
                    "WEIGHTED_MAJORITY (3), or leave it unset for the scenario's own");
  auto decided = scenario;
  if (request.decision_rule() != mf::DECISION_RULE_UNSPECIFIED &&
      request.decision_rule() != scenario->decision_rule()) {
    // The scenario with another rule: a text of its own, parsed once.
    mf::Scenario copy = scenario->proto();
    copy.set_decision_rule(request.decision_rule());
    std::string text;
    google::protobuf::TextFormat::PrintToString(copy, &text);
    std::string error;
    decided = Parsed(text, request.scenario(), true, &error);
    if (!decided)
      return fail(StatusCode::INVALID_ARGUMENT,
                  "that decision rule does not fit the scenario: " + error);
  }

  Session::Init init;
  init.scenario = decided;
  init.seed = request.seed();
  if (init.seed == 0) {
    const std::string h = RandomHex(6);
    init.seed = std::stoull(h, nullptr, 16);
  }
  init.options = request;
  init.options.set_seed(init.seed);
  init.created_ms = NowMs();
  // The id a router hashes on, when the caller proposed one that is free.
  bool proposal_free = IsSessionId(proposed_id);
  if (proposal_free && cluster_) {
    SessionPlace place;
    std::string error;
    proposal_free = cluster_->Locate(proposed_id, &place, &error) && !place.exists;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    const size_t held = sessions_.size() + static_cast<size_t>(creating_);
    if (options_.max_sessions > 0 && held >= static_cast<size_t>(options_.max_sessions))
      return fail(StatusCode::RESOURCE_EXHAUSTED,
                  "this server holds " + std::to_string(held) +
                      " sessions, its most (forumd --max-sessions); try again when a game has "
                      "finished");
    ++creating_;
    init.id = proposed_id;
    if (!proposal_free || sessions_.count(init.id) || archived_.count(init.id) ||
        broken_.count(init.id))
      init.id = FreeSessionIdLocked();
    init.join_code = ReserveJoinCodeLocked();
  }
  const std::string token = NewToken(init.id, kFacilitatorSlot);
  init.facilitator_hash = TokenHash(token);
  mf::CreateSessionResponse resp;
  resp.set_session(init.id);
  resp.set_join_code(init.join_code);
  resp.set_facilitator_token(token);
  resp.set_seats(decided->num_seats());
  resp.set_campaign(request.campaign());
  auto session = std::make_shared<Session>(io_, store_, options_, std::move(init));
  HookCampaign(session);
  session->Create([this, session, resp, done](Outcome o) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      --creating_;
      if (!o.ok()) {
        by_code_.erase(NormaliseJoinCode(resp.join_code()));
      } else {
        by_code_[NormaliseJoinCode(resp.join_code())] = resp.session();
        sessions_[resp.session()] = session;
      }
    }
    if (o.ok()) session->Start();
    done(o, o.ok() ? resp : mf::CreateSessionResponse());
  });
}

void Registry::LinkCampaign(const std::string& id, const mf::CreateSessionRequest& options) {
  if (options.previous_session().empty()) return;
  CampaignLink link;
  link.next = id;
  for (int i = 0; i < options.carried_from_size(); ++i) {
    const int f = options.carried_from(i);
    if (f < 0 || f >= rules::kMaxSeats) continue;
    if (f >= static_cast<int>(link.slots.size())) link.slots.resize(static_cast<size_t>(f) + 1, -1);
    link.slots[static_cast<size_t>(f)] = i;
  }
  std::lock_guard<std::mutex> lock(mu_);
  campaign_links_[options.previous_session()] = std::move(link);
}

void Registry::HookCampaign(const std::shared_ptr<Session>& session) {
  const mf::CreateSessionRequest& o = session->config();
  if (o.campaign().empty()) return;
  rules::CampaignLoad c = rules::LoadEmbeddedCampaign(o.campaign());
  if (!c.ok() || o.campaign_stage() + 1 >= c.campaign->sessions_size()) return;
  const std::string id = session->id(), facilitator = session->facilitator_hash();
  const mf::CreateSessionRequest options = o;
  session->SetCampaignHook(
      [this, id, facilitator, options](const rules::State& ended,
                                       const std::vector<Session::FinishedSeat>& seats) {
        return CreateNext(id, options, facilitator, ended, seats);
      });
}

std::string Registry::CreateNext(const std::string& prev_id,
                                 const mf::CreateSessionRequest& prev_options,
                                 const std::string& facilitator_hash, const rules::State& ended,
                                 const std::vector<Session::FinishedSeat>& seats) {
  auto complain = [&](const std::string& why) {
    std::fprintf(stderr, "forumd: session %s: the campaign's next session was not made: %s\n",
                 prev_id.c_str(), why.c_str());
    return std::string();
  };
  rules::CampaignLoad c = rules::LoadEmbeddedCampaign(prev_options.campaign());
  const int stage = prev_options.campaign_stage() + 1;
  if (!c.ok() || stage >= c.campaign->sessions_size()) return "";
  const mf::CampaignSession& cs = c.campaign->sessions(stage);
  auto it = scenarios_.find(cs.scenario());
  if (it == scenarios_.end()) return complain("no scenario " + cs.scenario());
  const mf::Carry carry =
      rules::CarryOver(ended, *it->second, c.campaign->id(), stage, cs.own_rules());
  rules::LoadResult r = rules::WithCarry(*it->second, carry, cs.scenario() + " (campaign)");
  if (!r.ok()) return complain(r.errors.empty() ? "its scenario does not load" : r.errors[0]);
  auto scenario = Share(r.scenario);
  const std::vector<int> from = rules::SeatMap(ended.scenario(), *scenario);
  Session::Init init;
  init.scenario = scenario;
  init.seed = prev_options.seed() + 1;
  init.options = prev_options;
  init.options.set_scenario(cs.scenario());
  init.options.set_seed(init.seed);
  init.options.set_campaign_stage(stage);
  init.options.set_previous_session(prev_id);
  init.options.clear_decision_rule();  // The carried forum's, or the scenario's own.
  init.options.clear_carried_from();
  init.options.clear_bots();
  std::string normal;
  ResolveStrategy("normal", &normal);
  for (int i = 0; i < scenario->num_seats(); ++i) {
    const int f = from[static_cast<size_t>(i)];
    init.options.add_carried_from(f);
    if (f < 0 || f >= static_cast<int>(seats.size())) {
      // A state new in this session: a bot until someone joins.
      mf::BotSeat* b = init.options.add_bots();
      b->set_seat(i);
      b->set_strategy(normal);
      continue;
    }
    const Session::FinishedSeat& s = seats[static_cast<size_t>(f)];
    if (!s.token_hash.empty())
      init.claimed.push_back({i, s.player, s.token_hash, s.strategy, false});
    if (s.bot) {
      mf::BotSeat* b = init.options.add_bots();
      b->set_seat(i);
      b->set_strategy(s.strategy.empty() ? normal : s.strategy);
    }
  }
  init.facilitator_hash = facilitator_hash;
  init.created_ms = NowMs();
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++creating_;
    init.id = FreeSessionIdLocked();
    init.join_code = ReserveJoinCodeLocked();
  }
  const std::string id = init.id, code = init.join_code;
  const mf::CreateSessionRequest options = init.options;
  auto session = std::make_shared<Session>(io_, store_, options_, std::move(init));
  HookCampaign(session);
  LinkCampaign(id, options);
  session->Create([this, session, id, code, prev_id](Outcome o) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      --creating_;
      if (!o.ok()) {
        by_code_.erase(NormaliseJoinCode(code));
        campaign_links_.erase(prev_id);
      } else {
        by_code_[NormaliseJoinCode(code)] = id;
        sessions_[id] = session;
      }
    }
    if (o.ok())
      session->Start();
    else
      std::fprintf(stderr, "forumd: session %s: the campaign's next session was not stored: %s\n",
                   prev_id.c_str(), o.message.c_str());
  });
  return id;
}

std::shared_ptr<Session> Registry::FindByCode(const std::string& code) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_code_.find(NormaliseJoinCode(code));
  if (it == by_code_.end()) return nullptr;
  auto s = sessions_.find(it->second);
  return s == sessions_.end() ? nullptr : s->second;
}

std::shared_ptr<Session> Registry::Find(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto s = sessions_.find(id);
  return s == sessions_.end() ? nullptr : s->second;
}

size_t Registry::live_sessions() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sessions_.size();
}

size_t Registry::scenario_objects() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::set<const rules::Scenario*> distinct;
  for (const auto& [id, s] : sessions_) distinct.insert(s->scenario().get());
  return distinct.size();
}

Outcome Registry::Authorize(const std::string& bearer, const std::string& session_id, Caller* out) {
  if (bearer.empty())
    return Outcome::Error(StatusCode::UNAUTHENTICATED,
                          "no token: send 'authorization: Bearer <token>' (the token from "
                          "CreateSession or JoinSession)");
  TokenParts parts;
  if (!ParseToken(bearer, &parts))
    return Outcome::Error(StatusCode::UNAUTHENTICATED,
                          "that is not a forum token; use the token from CreateSession or "
                          "JoinSession");
  if (!session_id.empty() && session_id != parts.session) {
    // A campaign: a token of an earlier session acts in the later ones, for
    // the same state (or the facilitator).
    bool linked = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      std::string at = parts.session;
      int slot = parts.slot;
      for (int hop = 0; hop < rules::kMaxCampaignSessions && !linked; ++hop) {
        auto it = campaign_links_.find(at);
        if (it == campaign_links_.end()) break;
        if (slot != kFacilitator) {
          const std::vector<int>& m = it->second.slots;
          slot = slot >= 0 && slot < static_cast<int>(m.size()) ? m[static_cast<size_t>(slot)] : -2;
          if (slot < 0) break;  // The state has no seat there.
        }
        at = it->second.next;
        linked = at == session_id;
      }
      if (linked) {
        parts.session = at;
        parts.slot = slot;
      }
    }
    if (!linked)
      return Outcome::Error(StatusCode::PERMISSION_DENIED,
                            "this token belongs to another session (" + parts.session + ")");
  }
  out->session_id = parts.session;
  out->slot = parts.slot;
  // In a cluster, the session is brought here first (or the caller is told
  // where it is).
  const Outcome where = Resolve(parts.session);
  if (!where.ok()) return where;
  // A finished session's tokens expire --token-expiry seconds after the end.
  auto expired = [&](int64_t finished_ms) {
    return options_.token_expiry_seconds > 0 && finished_ms > 0 &&
           NowMs() - finished_ms >= options_.token_expiry_seconds * 1000;
  };
  const Outcome expiry_error = Outcome::Error(
      StatusCode::UNAUTHENTICATED, "this token expired: the game of session " + parts.session +
                                       " ended more than " +
                                       std::to_string(options_.token_expiry_seconds) + " s ago");
  std::shared_ptr<Session> session;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = sessions_.find(parts.session);
    if (it != sessions_.end()) {
      session = it->second;
    } else if (auto a = archived_.find(parts.session); a != archived_.end()) {
      // Checked under the lock: a concurrent DeleteSession may drop the entry.
      const ArchivedSession& archived = *a->second;
      const std::string hash = TokenHash(bearer);
      bool match = false;
      if (parts.slot == kFacilitator)
        match = SecureEquals(hash, archived.facilitator_hash);
      else if (parts.slot >= 0 && parts.slot < static_cast<int>(archived.seat_hashes.size()))
        match = SecureEquals(hash, archived.seat_hashes[static_cast<size_t>(parts.slot)]);
      if (!match)
        return Outcome::Error(StatusCode::UNAUTHENTICATED,
                              "this token is not valid for session " + parts.session);
      if (expired(archived.summary.finished_unix_ms())) return expiry_error;
      if (!a->second->limiter.Take(options_.rate_per_second, options_.rate_burst))
        return Outcome::Error(StatusCode::RESOURCE_EXHAUSTED,
                              "too many requests with this token; slow down (limit " +
                                  std::to_string(static_cast<int>(options_.rate_per_second)) +
                                  " per second)");
      out->archived = true;
      return Outcome::Ok();
    } else if (auto b = broken_.find(parts.session); b != broken_.end()) {
      return Outcome::Error(StatusCode::DATA_LOSS, b->second);
    }
  }
  if (session) {
    if (parts.slot != kFacilitator && parts.slot >= session->num_seats())
      return Outcome::Error(StatusCode::UNAUTHENTICATED,
                            "this token names no seat of session " + parts.session);
    Outcome o = session->Authenticate(parts.slot, bearer);
    if (!o.ok()) return o;
    if (expired(session->finished_at_ms())) return expiry_error;
    out->session = session;
    return o;
  }
  return Outcome::Error(StatusCode::NOT_FOUND,
                        "no session " + parts.session + " on this server (was it created here?)");
}

void Registry::ListSessions(const Caller& caller, bool include_finished,
                            std::function<void(const mf::ListSessionsResponse&)> done) const {
  std::vector<std::shared_ptr<Session>> live;
  auto g = std::make_shared<ListGather>();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, s] : sessions_) live.push_back(s);
    if (include_finished && !cluster_)
      for (const auto& [id, a] : archived_) g->archived.push_back(a->summary);
  }
  if (cluster_) {
    // The other nodes' sessions, as their owners last wrote them (every
    // lease renewal), and every finished one: from the shared store.
    std::set<std::string> here;
    for (const auto& s : live) here.insert(s->id());
    std::vector<StoredSummary> rows;
    std::string error;
    if (!cluster_->ListSummaries(include_finished, &rows, &error))
      std::fprintf(stderr, "forumd: listing the sessions of the cluster: %s\n", error.c_str());
    for (const StoredSummary& r : rows) {
      if (here.count(r.id)) continue;
      mf::SessionSummary sum;
      if (!r.summary.empty()) sum.ParseFromString(r.summary);
      mf::CreateSessionRequest options;
      options.ParseFromString(r.options);
      sum.set_session(r.id);
      sum.set_scenario(r.scenario);
      if (sum.title().empty()) sum.set_title(options.title());
      sum.set_created_unix_ms(r.created_ms);
      sum.clear_join_code();
      if (r.finished_ms != 0) {
        sum.set_finished(true);
        sum.set_finished_unix_ms(r.finished_ms);
        sum.set_phase(mf::GAME_OVER);
        sum.set_actions(r.action_count);
      }
      g->got.push_back(std::move(sum));
    }
  }
  g->left = live.size();
  auto finish = [this, g, done] {
    std::sort(g->got.begin(), g->got.end(),
              [](const mf::SessionSummary& a, const mf::SessionSummary& b) {
                return a.created_unix_ms() < b.created_unix_ms();
              });
    mf::ListSessionsResponse resp;
    for (auto& x : g->archived) *resp.add_sessions() = std::move(x);
    for (auto& x : g->got) *resp.add_sessions() = std::move(x);
    {
      // A campaign's sessions name the one after them.
      std::lock_guard<std::mutex> lock(mu_);
      for (mf::SessionSummary& x : *resp.mutable_sessions())
        if (auto it = campaign_links_.find(x.session()); it != campaign_links_.end())
          x.set_next_session(it->second.next);
    }
    done(resp);
  };
  if (live.empty()) {
    finish();
    return;
  }
  // Each live session answers on its strand; the last one answers the call.
  for (const auto& s : live) {
    const bool own = caller.slot == kFacilitator && s->id() == caller.session_id;
    s->Summary(own, [g, include_finished, finish](mf::SessionSummary sum) {
      {
        std::lock_guard<std::mutex> lock(g->mu);
        if (include_finished || !sum.finished()) g->got.push_back(std::move(sum));
        if (--g->left > 0) return;
      }
      finish();
    });
  }
}

void Registry::ArchivedRecord(
    const std::string& id, int slot,
    std::function<void(Outcome, std::shared_ptr<mf::GetRecordResponse>)> done) {
  store_->LoadSession(
      id, [this, slot, done](std::unique_ptr<StoredSession> s, const std::string& e) {
        if (!e.empty() || !s) {
          done(Outcome::Error(StatusCode::UNAVAILABLE, "could not read the record: " + e), nullptr);
          return;
        }
        auto r = std::make_shared<mf::GetRecordResponse>();
        mf::GameLog* log = r->mutable_log();
        log->set_scenario(s->scenario);
        log->set_seed(s->seed);
        log->set_scenario_text(s->scenario_text);
        {
          mf::CreateSessionRequest stored_options;
          if (stored_options.ParseFromString(s->options))
            log->set_press_desks(
                std::clamp(stored_options.press_desks(), 0, rules::State::kMaxPressDesks));
        }
        for (const StoredAction& a : s->actions) {
          mf::RecordEntry* entry = r->add_entries();
          entry->set_seq(a.seq);
          entry->set_at_unix_ms(a.at_ms);
          mf::Actor* actor = entry->mutable_entry()->mutable_actor();
          if (a.actor >= 0)
            actor->set_seat(a.actor);
          else if (rules::IsPressActor(a.actor))
            actor->set_press(rules::PressDesk(a.actor));
          else if (a.actor == kFacilitator)
            actor->set_facilitator(true);
          else
            actor->set_clock(true);
          entry->mutable_entry()->mutable_action()->ParseFromString(a.action);
          *log->add_entries() = entry->entry();
        }
        r->set_finished(s->finished_ms != 0);
        r->set_state_hash(s->final_hash);
        std::string why;
        auto scenario = Parsed(s->scenario_text, s->scenario, false, &why);
        // A seat's copy holds only what that seat could read (without the
        // scenario, which names the caucuses' members: only public messages).
        for (const StoredMessage& stored : s->messages) {
          mf::ChatMessage m;
          if (!m.ParseFromString(stored.message)) continue;
          const bool visible = scenario ? CanSee(*scenario, slot, m)
                                        : slot == kFacilitator || m.channel().has_everyone();
          if (visible) *r->add_chat() = std::move(m);
        }
        if (scenario && scenario->proto().has_carry())
          *log->mutable_carry() = scenario->proto().carry();
        if (scenario) {
          std::vector<rules::LoggedAction> actions;
          rules::State st(scenario, s->seed, log->press_desks());
          if (rules::FromGameLog(*log, *scenario, &actions, &why) &&
              rules::Replay(&st, actions, &why)) {
            r->set_state_hash(st.Hash());
            r->set_version(st.version());
          }
        }
        done(Outcome::Ok(), r);
      });
}

void Registry::Delete(const Caller& caller, std::function<void(Outcome)> done) {
  if (caller.slot != kFacilitator)
    return done(Outcome::Error(StatusCode::PERMISSION_DENIED,
                               "deleting a session needs its facilitator token"));
  if (caller.session && !caller.session->finished())
    return done(Outcome::Error(StatusCode::FAILED_PRECONDITION,
                               "session " + caller.session_id +
                                   " is still running; advance it to the end, then delete it"));
  const std::string id = caller.session_id;
  store_->DeleteSession(id, [this, id, done](const std::string& e) {
    if (!e.empty())
      return done(Outcome::Error(StatusCode::UNAVAILABLE, "could not delete the record: " + e));
    std::lock_guard<std::mutex> lock(mu_);
    auto it = sessions_.find(id);
    if (it != sessions_.end()) {
      by_code_.erase(NormaliseJoinCode(it->second->join_code()));
      sessions_.erase(it);
    }
    archived_.erase(id);
    done(Outcome::Ok());
  });
}

namespace {

bool OneLine(const std::string& s) {
  return rules::IsCleanUtf8(s) && s.find('\n') == std::string::npos;
}

// Why `record` (from outside: an export, maybe edited) cannot be stored as
// it is, "" when it can. Everything the server keeps of it is checked here:
// the log replays (checked by the caller), the timed entries are the log, and
// every chat message is one the session could have carried.
std::string RecordProblem(const mf::GetRecordResponse& record, const rules::Scenario& sc,
                          int max_chat_bytes) {
  const mf::GameLog& log = record.log();
  if (log.scenario().empty() || log.scenario().size() > 100 || !OneLine(log.scenario()))
    return "its scenario name must be 1 to 100 bytes of text on one line";
  if (record.entries_size() != 0) {
    if (record.entries_size() != log.entries_size())
      return "it has " + std::to_string(record.entries_size()) + " timed entries for " +
             std::to_string(log.entries_size()) + " log entries";
    for (int i = 0; i < record.entries_size(); ++i) {
      const mf::RecordEntry& e = record.entries(i);
      const std::string at = "entry " + std::to_string(i + 1);
      if (e.seq() != static_cast<uint64_t>(i) + 1)
        return at + " has sequence number " + std::to_string(e.seq());
      if (e.at_unix_ms() < 0) return at + " has a time before 1970";
      if (e.entry().SerializeAsString() != log.entries(i).SerializeAsString())
        return at + " is not the log's entry " + std::to_string(i + 1);
    }
  }
  const std::string seats = sc.id() + " has seats 0.." + std::to_string(sc.num_seats() - 1);
  uint64_t serial = 0;
  for (int i = 0; i < record.chat_size(); ++i) {
    const mf::ChatMessage& m = record.chat(i);
    const std::string at = "chat message " + std::to_string(i + 1);
    if (m.serial() <= serial)
      return at + " is out of order (serial " + std::to_string(m.serial()) + ")";
    serial = m.serial();
    if (m.from() < -1 || m.from() >= sc.num_seats())
      return at + " is from seat " + std::to_string(m.from()) + ", and " + seats +
             " (-1: the facilitator)";
    const Outcome channel = CheckChannel(sc, m.from(), m.channel());
    if (!channel.ok()) return at + ": " + channel.message;
    if (m.text().empty() || static_cast<int>(m.text().size()) > max_chat_bytes ||
        !rules::IsCleanUtf8(m.text()))
      return at + " must be 1 to " + std::to_string(max_chat_bytes) +
             " bytes of text without control characters";
    if (m.from_name().size() > 200 || !OneLine(m.from_name()))
      return at + ": the sender's name must be at most 200 bytes of text on one line";
    if (m.sent_unix_ms() < 0) return at + " has a time before 1970";
  }
  return "";
}

}  // namespace

void Registry::Import(const mf::GetRecordResponse& record, const std::string& title,
                      std::function<void(Outcome, const mf::CreateSessionResponse&)> done) {
  auto fail = [&](const std::string& m) {
    done(Outcome::Error(StatusCode::INVALID_ARGUMENT, "this record cannot be imported: " + m), {});
  };
  if (title.size() > 200 || !OneLine(title))
    return fail("the title is at most 200 bytes of text on one line");
  const mf::GameLog& log = record.log();
  std::string why;
  auto scenario = Parsed(log.scenario_text(), Echo(log.scenario()) + " (imported)", false, &why);
  if (!scenario) return fail("its scenario does not load (" + why + ")");
  std::vector<rules::LoggedAction> actions;
  rules::State st(scenario, log.seed(), log.press_desks());
  if (!rules::FromGameLog(log, *scenario, &actions, &why) || !rules::Replay(&st, actions, &why))
    return fail(why);
  if (record.state_hash() != 0 && record.state_hash() != st.Hash())
    return fail("it does not replay to its own state hash (was it edited?)");
  why = RecordProblem(record, *scenario, options_.max_chat_bytes);
  if (!why.empty()) return fail(why);

  StoredSession s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    s.id = FreeSessionIdLocked();
    do {
      s.join_code = NewJoinCode();
    } while (by_code_.count(NormaliseJoinCode(s.join_code)));
  }
  mf::CreateSessionRequest options;
  options.set_scenario(log.scenario());
  options.set_seed(log.seed());
  options.set_press_desks(log.press_desks());
  options.set_title(title.empty() ? "imported " + log.scenario() : title);
  s.scenario = log.scenario();
  s.scenario_text = log.scenario_text();
  s.seed = log.seed();
  s.options = options.SerializeAsString();
  const std::string token = NewToken(s.id, kFacilitatorSlot);
  s.facilitator_hash = TokenHash(token);
  s.created_ms = NowMs();
  s.finished_ms = s.created_ms;
  s.final_hash = st.Hash();
  s.action_count = actions.size();
  for (int seat = 0; seat < scenario->num_seats(); ++seat)
    s.seats.push_back({seat, "", "", "", false});
  std::string chain;
  for (int i = 0; i < log.entries_size(); ++i) {
    const mf::LogEntry& e = log.entries(i);
    const int actor = e.actor().who_case() == mf::Actor::kSeat ? e.actor().seat()
                      : e.actor().who_case() == mf::Actor::kPress
                          ? rules::PressActor(e.actor().press())
                      : e.actor().who_case() == mf::Actor::kFacilitator ? kFacilitator
                                                                        : rules::kClock;
    StoredAction a{static_cast<uint64_t>(i) + 1, actor, e.action().SerializeAsString(),
                   i < record.entries_size() ? record.entries(i).at_unix_ms() : s.created_ms, ""};
    a.chain = chain = ChainNext(chain, a.seq, a.actor, a.action);
    s.actions.push_back(std::move(a));
  }
  for (int i = 0; i < record.chat_size(); ++i)
    s.messages.push_back({static_cast<uint64_t>(i) + 1, record.chat(i).SerializeAsString()});

  auto archived = std::make_shared<ArchivedSession>();
  archived->summary.set_session(s.id);
  archived->summary.set_scenario(s.scenario);
  archived->summary.set_title(options.title());
  archived->summary.set_created_unix_ms(s.created_ms);
  archived->summary.set_finished(true);
  archived->summary.set_finished_unix_ms(s.finished_ms);
  archived->summary.set_phase(mf::GAME_OVER);
  archived->summary.set_seats(scenario->num_seats());
  archived->summary.set_actions(s.action_count);
  archived->facilitator_hash = s.facilitator_hash;
  archived->seat_hashes.assign(static_cast<size_t>(scenario->num_seats()), "");
  mf::CreateSessionResponse resp;
  resp.set_session(s.id);
  resp.set_facilitator_token(token);
  resp.set_seats(scenario->num_seats());
  store_->CreateSession(s, [this, archived, resp, done](const std::string& e) {
    if (!e.empty())
      return done(Outcome::Error(StatusCode::UNAVAILABLE, "could not store the record: " + e), {});
    {
      std::lock_guard<std::mutex> lock(mu_);
      archived_[resp.session()] = std::make_unique<ArchivedSession>(*archived);
    }
    done(Outcome::Ok(), resp);
  });
}

void Registry::Shutdown(std::function<void()> done) {
  StopCluster();
  // In a cluster, this node's leases lapse at once once its sessions have
  // finished what they had queued: another node takes them over.
  auto release = [this, done] {
    if (cluster_) {
      std::string error;
      if (!cluster_->ReleaseAll(&error))
        std::fprintf(stderr, "forumd: releasing the leases: %s\n", error.c_str());
    }
    done();
  };
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, s] : sessions_) live.push_back(s);
  }
  if (live.empty()) {
    release();
    return;
  }
  auto left = std::make_shared<std::atomic<size_t>>(live.size());
  for (const auto& s : live)
    s->BeginShutdown([left, release] {
      if (--*left == 0) release();
    });
}

}  // namespace mf::server
