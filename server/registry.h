// The sessions of one forumd: creation, lookup by id, join code and token,
// recovery from the store at start-up, and shutdown.
#pragma once

#include <boost/asio/io_context.hpp>

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "forum.pb.h"
#include "server/options.h"
#include "server/session.h"
#include "server/status.h"
#include "server/store.h"

namespace mf::server {

// A finished session from an earlier run: its record stays in the store.
struct ArchivedSession {
  mf::SessionSummary summary;
  std::string facilitator_hash;
  std::vector<std::string> seat_hashes;
  // Its calls are rate-limited like a live session's (a GetRecord replays the
  // whole game from the store). Guarded by Registry::mu_.
  RateLimiter limiter;
};

// Who is calling, once the bearer token checked out.
struct Caller {
  std::shared_ptr<Session> session;  // A live (or finished this run) session...
  bool archived = false;             // ...or an archived one.
  std::string session_id;
  int slot = kSpectator;  // A seat index or kFacilitator.
};

class Registry {
 public:
  Registry(boost::asio::io_context& io, Store* store, const ServerOptions& options);
  ~Registry();

  // Loads the scenarios (built-in, then --scenarios DIR) and rebuilds every
  // session from the store; unfinished ones resume. False with a message when
  // a scenario file is broken or the store cannot be read. A session whose
  // record is broken (unreadable, hash chain mismatch, does not replay) does
  // not stop the others: it is reported on stderr and every call naming it is
  // answered DATA_LOSS with the reason.
  bool Init(std::string* error);
  const std::map<std::string, std::shared_ptr<const rules::Scenario>>& scenarios() const {
    return scenarios_;
  }

  // `proposed_id`: the id the new session takes when it is a well-formed
  // session id (16 hex digits) that no session has; a router hashing on it
  // then sends the session's later calls to this node. Otherwise a fresh one.
  void Create(const mf::CreateSessionRequest& request,
              std::function<void(Outcome, const mf::CreateSessionResponse&)> done) {
    Create(request, "", std::move(done));
  }
  void Create(const mf::CreateSessionRequest& request, const std::string& proposed_id,
              std::function<void(Outcome, const mf::CreateSessionResponse&)> done);
  // The live sessions held here.
  std::shared_ptr<Session> FindByCode(const std::string& code) const;
  std::shared_ptr<Session> Find(const std::string& id) const;
  // The same in a cluster too: a session whose lease lapsed is taken over
  // here first; one that another node holds is UNAVAILABLE with its owner
  // (Outcome::owner). OK with a null session when there is none.
  Outcome LocateByCode(const std::string& code, std::shared_ptr<Session>* out);
  Outcome Locate(const std::string& id, std::shared_ptr<Session>* out);

  // Checks `bearer` (the token from the metadata) for `session_id` (empty:
  // the token's session). UNAUTHENTICATED, PERMISSION_DENIED or NOT_FOUND
  // with a message on failure; RESOURCE_EXHAUSTED past the rate limit; in a
  // cluster, UNAVAILABLE with the owner when another node holds the session.
  Outcome Authorize(const std::string& bearer, const std::string& session_id, Caller* out);

  // A cluster (PostgreSQL store): starts the lease keeper once this node
  // listens at `address`: it renews this node's leases every third of
  // --lease-ttl, drops the sessions another node took over, writes their
  // summaries and takes over the sessions whose lease lapsed. No-op otherwise.
  void StartCluster(const std::string& address);

  void ListSessions(const Caller& caller, bool include_finished,
                    std::function<void(const mf::ListSessionsResponse&)> done) const;
  // The record of an archived session, read from the store and replayed; a
  // seat's copy holds only the messages that seat could read.
  void ArchivedRecord(const std::string& id, int slot,
                      std::function<void(Outcome, std::shared_ptr<mf::GetRecordResponse>)> done);
  // The facilitator's copy (every channel).
  void ArchivedRecord(const std::string& id,
                      std::function<void(Outcome, std::shared_ptr<mf::GetRecordResponse>)> done) {
    ArchivedRecord(id, kFacilitator, std::move(done));
  }

  // Removes a finished session (live or archived) and its record; the
  // caller must hold its facilitator token.
  void Delete(const Caller& caller, std::function<void(Outcome)> done);
  // Stores an exported record as a finished, read-only session.
  void Import(const mf::GetRecordResponse& record, const std::string& title,
              std::function<void(Outcome, const mf::CreateSessionResponse&)> done);

  // Tells every session to shut down; `done` runs when all have. In a
  // cluster, this node's leases are then released (others take over at once).
  void Shutdown(std::function<void()> done);
  size_t live_sessions() const;
  // How many parsed scenarios the sessions in memory hold between them (one
  // per distinct scenario text when they share them).
  size_t scenario_objects() const;

 private:
  // With mu_ held: a session id no session, live or archived, has; and a
  // join code no session has, reserved in by_code_ until it is stored.
  std::string FreeSessionIdLocked() const;
  std::string ReserveJoinCodeLocked();

  boost::asio::io_context& io_;
  Store* store_;
  const ServerOptions& options_;
  std::map<std::string, std::shared_ptr<const rules::Scenario>> scenarios_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Session>> sessions_;
  std::map<std::string, std::string> by_code_;  // Normalised code -> id.
  std::map<std::string, std::unique_ptr<ArchivedSession>> archived_;
  std::map<std::string, std::string> broken_;  // Session id -> why it cannot be served.
  std::set<std::string> archiving_;            // Finished sessions being moved to archived_.
  // Campaigns: each session that has a next one -> that session and, for
  // each of its slots, the slot the same state has there (-1: not seated).
  // A token of an earlier session acts in a later one through these links.
  struct CampaignLink {
    std::string next;
    std::vector<int> slots;
  };
  std::map<std::string, CampaignLink> campaign_links_;
  // A campaign session with a later one to play: when its game ends, the
  // next session starts with what carried over (rules/campaign.h).
  void HookCampaign(const std::shared_ptr<Session>& session);
  // Makes and stores the next session of `prev`'s campaign; its id, or ""
  // when the campaign has no more sessions or it could not be made.
  std::string CreateNext(const std::string& prev_id, const mf::CreateSessionRequest& prev_options,
                         const std::string& facilitator_hash, const rules::State& ended,
                         const std::vector<Session::FinishedSeat>& seats);
  // Records `options`' link to its previous session (a campaign session).
  void LinkCampaign(const std::string& id, const mf::CreateSessionRequest& options);

  // Moves the sessions finished for --archive-after seconds out of memory.
  void ArchiveFinished();
  // The scenario of `text`, parsed once: every session that plays the same
  // text shares one (a restart must not multiply memory by the sessions).
  // `keep`: remember it for the next session (live sessions; not the
  // records of archived or imported ones, whose texts may be many).
  // nullptr with `error` when the text does not load.
  std::shared_ptr<const rules::Scenario> Parsed(const std::string& text, const std::string& label,
                                                bool keep, std::string* error);
  // `scenario` itself, or the one already held for its text.
  std::shared_ptr<const rules::Scenario> Share(std::shared_ptr<const rules::Scenario> scenario);

  // Rebuilds a stored session here: an unfinished one resumes (its log
  // replayed), a finished one is archived; a broken record stops only its
  // own session (broken_).
  void Adopt(StoredSession& s);
  // Cluster: brings session `id` into this node's maps when the store has
  // it (a live one by taking its lapsed lease over, a finished one as
  // archived); UNAVAILABLE with the owner when another node holds it.
  Outcome Resolve(const std::string& id);
  // The session left this node (another took it over): its streams are told
  // and closed, its queued requests refused.
  void Evict(const std::string& id);
  void LeaseLoop();
  void SaveSummaries();
  void StopCluster();

  Cluster* cluster_ = nullptr;
  std::mutex take_mu_;  // One take-over at a time on this node.
  std::thread lease_thread_;
  std::mutex lease_mu_;
  std::condition_variable lease_cv_;
  bool lease_stop_ = false;
  std::map<std::string, std::string> summaries_written_;  // Lease thread only.

  // SHA-256 of a scenario's text -> the parsed scenario (a few entries: the
  // scenarios offered, with the decision rules sessions chose). Own lock:
  // parsing happens outside mu_.
  std::mutex parsed_mu_;
  std::map<std::string, std::shared_ptr<const rules::Scenario>> parsed_;
  int creating_ = 0;  // Sessions being created (counted against --max-sessions). Guarded by mu_.
};

}  // namespace mf::server
