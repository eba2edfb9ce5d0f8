// A gRPC-Web client for the tests of forumd's web port (--web-listen): a
// real HTTP/1.1 connection over TCP (Boost.Beast), gRPC-Web's framing, the
// status from the trailer frame or the headers (web_test.cc and the security
// suites through security_util.h).
#pragma once

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <google/protobuf/message.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace mf::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

inline std::string Frame(uint8_t flags, const std::string& payload) {
  std::string out(5, '\0');
  out[0] = static_cast<char>(flags);
  const uint32_t n = static_cast<uint32_t>(payload.size());
  out[1] = static_cast<char>(n >> 24);
  out[2] = static_cast<char>(n >> 16);
  out[3] = static_cast<char>(n >> 8);
  out[4] = static_cast<char>(n);
  return out + payload;
}

inline std::string Framed(const google::protobuf::Message& m) {
  return Frame(0, m.SerializeAsString());
}

inline std::string PercentDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// One gRPC-Web response, read whole.
struct WebReply {
  int http_status = 0;
  std::map<std::string, std::string> headers;  // Lower-case names.
  std::vector<std::string> messages;           // The data frames' payloads.
  int grpc_status = -1;                        // From the trailer frame, else the headers.
  std::string grpc_message;
  bool malformed = false;  // The body was not a sequence of whole frames.
  std::string body;        // As it came.
};

// Reads the frames of `body` from `*at`: data frames into `reply`, the
// trailer frame's fields too; stops at an incomplete frame.
inline void TakeFrames(const std::string& body, size_t* at, WebReply* reply) {
  while (body.size() - *at >= 5) {
    const auto* p = reinterpret_cast<const unsigned char*>(body.data() + *at);
    const size_t n = (size_t(p[1]) << 24) | (size_t(p[2]) << 16) | (size_t(p[3]) << 8) | p[4];
    if (body.size() - *at - 5 < n) return;
    const std::string payload = body.substr(*at + 5, n);
    *at += 5 + n;
    if (p[0] == 0) {
      reply->messages.push_back(payload);
    } else if (p[0] == 0x80) {
      std::istringstream lines(payload);
      std::string line;
      while (std::getline(lines, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const size_t colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string key = line.substr(0, colon);
        for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        if (key == "grpc-status") reply->grpc_status = std::stoi(value);
        if (key == "grpc-message") reply->grpc_message = PercentDecode(value);
      }
    } else {
      reply->malformed = true;
      return;
    }
  }
}

// A connection to the web port (30 s receive timeout: a hang fails the test).
class WebConnection {
 public:
  explicit WebConnection(const std::string& address) : socket_(io_) {
    const size_t colon = address.rfind(':');
    std::string host = address.substr(0, colon);
    if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);  // [::1]
    tcp::resolver resolver(io_);
    asio::connect(socket_, resolver.resolve(host, address.substr(colon + 1)));
    timeval tv{30, 0};
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    host_ = address;
  }
  // Sends one request.
  void Send(http::verb verb, const std::string& path, const std::string& body,
            const std::map<std::string, std::string>& headers) {
    http::request<http::string_body> req(verb, path, 11);
    req.set(http::field::host, host_);
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    http::write(socket_, req);
  }
  // Reads one whole response.
  WebReply Read() {
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    beast::error_code ec;
    http::read(socket_, buffer_, parser, ec);
    WebReply r;
    if (ec) {
      ADD_FAILURE() << "reading the response: " << ec.message();
      return r;
    }
    Fill(parser.get(), &r);
    r.body = parser.get().body();
    size_t at = 0;
    TakeFrames(parser.get().body(), &at, &r);
    if (at != parser.get().body().size() && r.headers["content-type"].find("grpc-web") == 0)
      r.malformed = true;
    return r;
  }
  // Starts reading a streamed response: its headers.
  WebReply ReadHeaders() {
    stream_.emplace();
    stream_->body_limit(64 * 1024 * 1024);
    beast::error_code ec;
    http::read_header(socket_, buffer_, *stream_, ec);
    WebReply r;
    EXPECT_FALSE(ec) << ec.message();
    if (!ec) Fill(stream_->get(), &r);
    return r;
  }
  // The next data frame of a stream (nullopt at its end, the trailer then in `end`).
  std::optional<std::string> NextMessage(WebReply* end) {
    while (true) {
      if (!pending_.empty()) {
        std::string m = pending_.front();
        pending_.erase(pending_.begin());
        return m;
      }
      if (ended_) return std::nullopt;
      WebReply got;
      TakeFrames(stream_->get().body(), &stream_at_, &got);
      for (std::string& m : got.messages) pending_.push_back(std::move(m));
      if (got.grpc_status >= 0) {
        ended_ = true;
        end->grpc_status = got.grpc_status;
        end->grpc_message = got.grpc_message;
      }
      if (!pending_.empty() || ended_) continue;
      if (stream_->is_done()) {
        ended_ = true;
        continue;
      }
      beast::error_code ec;
      http::read_some(socket_, buffer_, *stream_, ec);
      if (ec) {
        ADD_FAILURE() << "reading the stream: " << ec.message();
        ended_ = true;
      }
    }
  }
  void Close() {
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

 private:
  template <class Response>
  static void Fill(const Response& res, WebReply* r) {
    r->http_status = static_cast<int>(res.result_int());
    for (const auto& f : res) {
      std::string key(f.name_string());
      for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r->headers[key] = std::string(f.value());
    }
    if (r->headers.count("grpc-status")) r->grpc_status = std::stoi(r->headers["grpc-status"]);
    if (r->headers.count("grpc-message"))
      r->grpc_message = PercentDecode(r->headers["grpc-message"]);
  }

  asio::io_context io_;
  tcp::socket socket_;
  std::string host_;
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::string_body>> stream_;
  size_t stream_at_ = 0;
  std::vector<std::string> pending_;
  bool ended_ = false;
};

inline std::map<std::string, std::string> GrpcWebHeaders(const std::string& token = "") {
  std::map<std::string, std::string> h = {{"content-type", "application/grpc-web+proto"},
                                          {"x-grpc-web", "1"}};
  if (!token.empty()) h["authorization"] = "Bearer " + token;
  return h;
}

}  // namespace mf::testing
