#include "server/agones.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace mf::server {

std::unique_ptr<Agones> Agones::FromEnvironment(bool forced) {
  const char* env = std::getenv("AGONES_SDK_HTTP_PORT");
  if (!forced && (!env || !*env)) return nullptr;
  int port = env && *env ? std::atoi(env) : 9358;
  if (port <= 0 || port > 65535) port = 9358;
  return std::make_unique<Agones>(port);
}

Agones::~Agones() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool Agones::Call(const char* method, const char* path, const std::string& body,
                  std::string* error) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error = std::strerror(errno);
    return false;
  }
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    *error = "cannot reach the Agones SDK sidecar on localhost:" + std::to_string(port_) + " (" +
             std::strerror(errno) + ")";
    close(fd);
    return false;
  }
  const std::string request = std::string(method) + " " + path +
                              " HTTP/1.1\r\nHost: localhost\r\n"
                              "Content-Type: application/json\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string answer;
  char buf[512];
  for (;;) {
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    answer.append(buf, static_cast<size_t>(n));
    if (answer.find("\r\n") != std::string::npos) break;  // The status line is enough.
  }
  close(fd);
  // "HTTP/1.1 200 OK"
  const size_t space = answer.find(' ');
  if (sent < request.size() || space == std::string::npos || answer.size() < space + 2 ||
      answer[space + 1] != '2') {
    *error = std::string(method) + " " + path + ": " +
             (answer.empty() ? std::string("no answer") : answer.substr(0, answer.find("\r\n")));
    return false;
  }
  return true;
}

void Agones::Ready(std::function<size_t()> sessions) {
  sessions_ = std::move(sessions);
  std::string error;
  if (!Call("POST", "/ready", "{}", &error))
    std::fprintf(stderr, "forumd: agones: %s\n", error.c_str());
  thread_ = std::thread([this] { Loop(); });
}

void Agones::Loop() {
  long long reported = -1;
  for (;;) {
    std::string error;
    if (!Call("POST", "/health", "{}", &error))
      std::fprintf(stderr, "forumd: agones: %s\n", error.c_str());
    const long long n = static_cast<long long>(sessions_ ? sessions_() : 0);
    if (n != reported) {
      const std::string body = "{\"key\":\"sessions\",\"value\":\"" + std::to_string(n) + "\"}";
      if (Call("PUT", "/metadata/label", body, &error))
        reported = n;
      else
        std::fprintf(stderr, "forumd: agones: %s\n", error.c_str());
    }
    std::unique_lock<std::mutex> lock(mu_);
    if (cv_.wait_for(lock, std::chrono::seconds(2), [this] { return stop_; })) return;
  }
}

void Agones::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::string error;
  if (!Call("POST", "/shutdown", "{}", &error))
    std::fprintf(stderr, "forumd: agones: %s\n", error.c_str());
}

}  // namespace mf::server
