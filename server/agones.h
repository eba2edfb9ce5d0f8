// The Agones profile of forumd, kept thin: the SDK sidecar's REST interface
// (https://agones.dev/site/docs/guides/client-sdks/rest/) on
// localhost:$AGONES_SDK_HTTP_PORT (9358 by default), spoken with a plain
// HTTP/1.1 request per call: no SDK library.
//
//   Ready     POST /ready {}       once forumd listens
//   Health    POST /health {}      every 2 s while it runs
//   sessions  PUT /metadata/label {"key":"sessions","value":"N"} when the
//             number of sessions held here changes (the label
//             agones.dev/sdk-sessions on the GameServer)
//   Shutdown  POST /shutdown {}    after draining on SIGTERM
//
// Failures are logged, never fatal: the sidecar restarting must not stop a
// running classroom.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace mf::server {

class Agones {
 public:
  // The profile when `forced` (--agones on) or when AGONES_SDK_HTTP_PORT is
  // set; nullptr otherwise.
  static std::unique_ptr<Agones> FromEnvironment(bool forced);
  explicit Agones(int port) : port_(port) {}
  ~Agones();
  Agones(const Agones&) = delete;
  Agones& operator=(const Agones&) = delete;

  // Marks the game server Ready, then pings /health and reports the count
  // `sessions()` gives (polled with the pings) until Shutdown().
  void Ready(std::function<size_t()> sessions);
  // Stops the pings and asks the sidecar to shut the game server down.
  void Shutdown();

 private:
  // One request; false with `error` unless the answer is 2xx.
  bool Call(const char* method, const char* path, const std::string& body, std::string* error);
  void Loop();

  const int port_;
  std::function<size_t()> sessions_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace mf::server
