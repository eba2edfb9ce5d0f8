// Helpers of the fault and security tests: a forumd child process (with extra
// flags, a file-size limit, its stderr kept), the test scale, acknowledged
// actions and their check against a record, a network player that keeps
// acting with the light policy and remembers what the server acknowledged,
// and a raw stream on a narrow connection of its own, read only when asked.
#pragma once

#include <grp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <google/protobuf/util/message_differencer.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "server_util.h"
#include "test_scale.h"

namespace mf::testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

#ifdef MF_FORUMD
// A forumd child process; the address is read from its first line, its
// stderr goes to a file.
struct ForumdProcessOptions {
  std::vector<std::string> flags;          // Extra command-line flags.
  rlim_t file_size_limit = RLIM_INFINITY;  // RLIMIT_FSIZE (soft), SIGXFSZ ignored.
  std::string err_path;                    // stderr (default: next to DATA).
  // Run forumd as user and group "nobody" (65534) when the test runs as root,
  // so that file permissions bind it (root ignores them).
  bool as_nobody = false;
};
constexpr uid_t kNobody = 65534;

class ForumdProcess {
 public:
  using Options = ForumdProcessOptions;
  explicit ForumdProcess(const std::string& data_dir, Options o = Options()) {
    static std::atomic<int> counter{0};
    err_path_ = o.err_path.empty() ? data_dir + ".forumd." + std::to_string(getpid()) + "." +
                                         std::to_string(counter++) + ".err"
                                   : o.err_path;
    std::vector<std::string> args = {MF_FORUMD, "--listen", "127.0.0.1:0", "--data", data_dir,
                                     "--rate",  "100000",   "--burst",     "100000"};
    for (const std::string& f : o.flags) args.push_back(f);
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);
      close(out[0]);
      close(out[1]);
      FILE* err = std::fopen(err_path_.c_str(), "w");
      if (err) dup2(fileno(err), 2);
      if (o.file_size_limit != RLIM_INFINITY) {
        signal(SIGXFSZ, SIG_IGN);  // A write past the limit fails with EFBIG instead.
        rlimit lim{o.file_size_limit, RLIM_INFINITY};
        setrlimit(RLIMIT_FSIZE, &lim);
      }
      if (o.as_nobody && geteuid() == 0 &&
          (setgroups(0, nullptr) != 0 || setgid(kNobody) != 0 || setuid(kNobody) != 0)) {
        std::perror("dropping to nobody");
        _exit(126);
      }
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(MF_FORUMD, argv.data());
      _exit(127);
    }
    close(out[1]);
    FILE* f = fdopen(out[0], "r");
    char line[256];
    if (f && fgets(line, sizeof line, f)) {
      const std::string s = line;
      const std::string prefix = "forumd listening on ";
      if (s.rfind(prefix, 0) == 0) address_ = s.substr(prefix.size(), s.find('\n') - prefix.size());
    }
    out_ = f;
  }
  ~ForumdProcess() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_) fclose(out_);
  }
  ForumdProcess(const ForumdProcess&) = delete;
  ForumdProcess& operator=(const ForumdProcess&) = delete;

  const std::string& address() const { return address_; }
  pid_t pid() const { return pid_; }
  std::string Stderr() const { return ReadFile(err_path_); }
  // Sends `sig` and returns the exit code (-signal when killed by one).
  int Stop(int sig) {
    if (reaped_) return exit_;
    kill(pid_, sig);
    return Wait();
  }
  // Waits for the process to end (it exits by itself, e.g. on a start error).
  int Wait() {
    if (reaped_) return exit_;
    int status = 0;
    waitpid(pid_, &status, 0);
    reaped_ = true;
    exit_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    return exit_;
  }
  // The real user id the process runs as (from /proc; -1 when unknown).
  int Uid() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(in, line))
      if (line.rfind("Uid:", 0) == 0) return std::atoi(line.c_str() + 4);
    return -1;
  }
  // Changes the running process's RLIMIT_FSIZE (the space "returns").
  bool SetFileSizeLimit(rlim_t soft) {
    rlimit lim{soft, RLIM_INFINITY};
    return prlimit(pid_, RLIMIT_FSIZE, &lim, nullptr) == 0;
  }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  bool reaped_ = false;
  int exit_ = 0;
  std::string address_, err_path_;
};
#endif  // MF_FORUMD

// An action the server answered OK.
struct Ack {
  int seat;
  mf::Action action;
  uint64_t version;  // The game's version after it: its place (seq) in the record.
};

// Every acknowledged action is in the record at its place, by its seat.
inline ::testing::AssertionResult AcksInRecord(const std::vector<Ack>& acks,
                                               const mf::GetRecordResponse& rec) {
  for (const Ack& a : acks) {
    if (a.version == 0 || a.version > static_cast<uint64_t>(rec.entries_size()))
      return ::testing::AssertionFailure()
             << "acknowledged action lost: version " << a.version << " but the record has "
             << rec.entries_size() << " entries";
    const mf::RecordEntry& e = rec.entries(static_cast<int>(a.version - 1));
    if (e.seq() != a.version || !e.entry().actor().has_seat() ||
        e.entry().actor().seat() != a.seat ||
        !google::protobuf::util::MessageDifferencer::Equivalent(e.entry().action(), a.action))
      return ::testing::AssertionFailure()
             << "record entry " << a.version << " is " << e.ShortDebugString() << ", but seat "
             << a.seat << " was acknowledged " << a.action.ShortDebugString();
  }
  return ::testing::AssertionSuccess();
}

// `before` is a prefix of `after` (nothing acknowledged was rewritten).
inline ::testing::AssertionResult IsPrefix(const mf::GetRecordResponse& before,
                                           const mf::GetRecordResponse& after) {
  if (before.entries_size() > after.entries_size())
    return ::testing::AssertionFailure() << "the record shrank from " << before.entries_size()
                                         << " to " << after.entries_size() << " entries";
  for (int i = 0; i < before.entries_size(); ++i)
    if (!google::protobuf::util::MessageDifferencer::Equals(before.entries(i), after.entries(i)))
      return ::testing::AssertionFailure() << "entry " << i + 1 << " changed";
  return ::testing::AssertionSuccess();
}

// The record replays in-process to the server's state hash.
inline ::testing::AssertionResult Replays(const mf::GetRecordResponse& rec) {
  const uint64_t h = ReplayHash(rec);
  if (h != 0 && h == rec.state_hash()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "the record (" << rec.entries_size() << " entries) replays to " << h
         << ", the server has " << rec.state_hash();
}

// Network seats of one session acting with the light policy on a thread,
// remembering every acknowledged action. Errors (a server being killed) are
// counted, never fatal.
class Players {
 public:
  Players(const std::string& address, const std::string& session,
          const std::vector<std::pair<int, std::string>>& seats)
      : client_(address), session_(session), seats_(seats) {
    for (const auto& [seat, token] : seats_)
      watchers_.push_back(std::make_unique<Watcher>(client_.stub(), session_, token));
    thread_ = std::thread([this] { Run(); });
  }
  ~Players() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  size_t acks() {
    std::lock_guard<std::mutex> lock(mu_);
    return acks_.size();
  }
  std::vector<Ack> TakeAcks() {
    std::lock_guard<std::mutex> lock(mu_);
    return acks_;
  }
  int errors() const { return errors_; }
  bool game_over() const { return game_over_; }

 private:
  void Run() {
    while (!stop_) {
      bool acted = false, over = true;
      for (size_t i = 0; i < seats_.size() && !stop_; ++i) {
        auto v = watchers_[i]->Latest();
        if (!v || v->phase() != mf::GAME_OVER) over = false;
        mf::Action a;
        if (!v || !bots::LightPolicy(*v, &a)) continue;
        mf::ActResponse resp;
        const grpc::Status st = client_.Act(session_, seats_[i].second, a, v->version(), &resp);
        if (st.ok()) {
          std::lock_guard<std::mutex> lock(mu_);
          acks_.push_back({seats_[i].first, a, resp.version()});
          acted = true;
        } else if (st.error_code() != grpc::StatusCode::FAILED_PRECONDITION) {
          ++errors_;
        }
      }
      game_over_ = over;
      if (!acted) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  Client client_;
  std::string session_;
  std::vector<std::pair<int, std::string>> seats_;
  std::vector<std::unique_ptr<Watcher>> watchers_;
  std::thread thread_;
  std::atomic<bool> stop_{false}, game_over_{false};
  std::atomic<int> errors_{0};
  std::mutex mu_;
  std::vector<Ack> acks_;
};

// A connection whose client buffers little (as a laptop gone to sleep or a
// phone on a bad network: the server's writes stall once the small HTTP/2
// window is full, instead of the client library absorbing megabytes).
inline std::shared_ptr<grpc::Channel> NarrowChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 8 * 1024);
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

// A raw stream on a connection of its own, read only when asked.
struct RawStream {
  RawStream(const std::string& address, const std::string& session, const std::string& token,
            const std::string& code = "", int backlog = 0)
      : stub(mf::Forum::NewStub(NarrowChannel(address))) {
    if (!token.empty()) net::Authorize(&ctx, token);
    mf::SubscribeRequest req;
    req.set_session(session);
    req.set_spectator_code(code);
    req.set_chat_backlog(backlog);
    reader = stub->Subscribe(&ctx, req);
  }
  std::unique_ptr<mf::Forum::Stub> stub;
  grpc::ClientContext ctx;
  std::unique_ptr<grpc::ClientReader<mf::ServerEvent>> reader;
};

// Polls the record until `pred` holds (at most `tries` x 20 ms).
inline mf::GetRecordResponse RecordWhen(Client& c, const std::string& session,
                                        const std::string& token,
                                        std::function<bool(const mf::GetRecordResponse&)> pred,
                                        int tries = 1500) {
  mf::GetRecordResponse rec;
  for (int i = 0; i < tries; ++i) {
    rec = c.Record(session, token);
    if (pred(rec)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return rec;
}

}  // namespace mf::testing
