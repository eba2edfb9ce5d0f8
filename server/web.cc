#include "server/web.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <limits>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "forum.pb.h"

namespace mf::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

constexpr size_t kHeaderLimit = 16 * 1024;        // Request line and headers.
constexpr size_t kImportLimit = 9 * 1024 * 1024;  // ImportSession: 8 MiB of record, framed.
constexpr size_t kDrainLimit = 16 * 1024 * 1024;  // Read and dropped after an oversized body.
constexpr auto kIdle = std::chrono::seconds(60);  // A kept-alive connection with no request.
constexpr auto kHandshake = std::chrono::seconds(15);
constexpr int kMaxConnections = 20000;

// ---------------------------------------------------------------------------
// The web client's files, read once at start.
// ---------------------------------------------------------------------------

struct StaticFile {
  std::string body;
  std::string gzip;  // The same file compressed (FILE.gz beside it), when there is one.
  std::string type;
  bool immutable = false;  // Its name carries its content's hash: cache it for good.
};

std::string ContentType(const std::string& path) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [ext, type] : kTypes) {
    const std::string e = ext;
    if (path.size() > e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0)
      return type;
  }
  return "application/octet-stream";
}

bool ReadWhole(const std::filesystem::path& p, std::string* out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

// Every regular file under `root` (at most 2,000 files of 8 MiB), by its URL path.
std::unordered_map<std::string, StaticFile> LoadFiles(const std::string& root) {
  std::unordered_map<std::string, StaticFile> files;
  if (root.empty()) return files;
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<fs::path> gz;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator() && files.size() < 2000; it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->file_size(ec) > 8 * 1024 * 1024) continue;
    const fs::path rel = fs::relative(it->path(), root, ec);
    if (ec) continue;
    if (it->path().extension() == ".gz") {
      gz.push_back(it->path());
      continue;
    }
    StaticFile f;
    if (!ReadWhole(it->path(), &f.body)) continue;
    const std::string url = "/" + rel.generic_string();
    f.type = ContentType(url);
    f.immutable = url.rfind("/assets/", 0) == 0;
    files[url] = std::move(f);
  }
  for (const fs::path& p : gz) {
    const fs::path rel = fs::relative(p, root, ec);
    std::string url = "/" + rel.generic_string();
    url.resize(url.size() - 3);
    auto it = files.find(url);
    if (it != files.end()) ReadWhole(p, &it->second.gzip);
  }
  return files;
}

const char kNotBuilt[] =
    "<!doctype html><html lang=en><meta charset=utf-8><title>Migration Forum</title>"
    "<p>This forumd serves gRPC-Web on this port; it was given no folder of web pages to "
    "serve (<code>forumd --web-root DIR</code>).</p></html>";

// ---------------------------------------------------------------------------
// gRPC-Web framing (https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-WEB.md)
// ---------------------------------------------------------------------------

std::string Frame(uint8_t flags, const std::string& payload) {
  std::string out;
  out.reserve(payload.size() + 5);
  out.push_back(static_cast<char>(flags));
  const uint32_t n = static_cast<uint32_t>(payload.size());
  out.push_back(static_cast<char>(n >> 24));
  out.push_back(static_cast<char>(n >> 16));
  out.push_back(static_cast<char>(n >> 8));
  out.push_back(static_cast<char>(n));
  out += payload;
  return out;
}

// grpc-message is percent-encoded: bytes outside printable ASCII, and '%'.
std::string PercentEncode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7e || c == '%') {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

using Metadata = std::vector<std::pair<std::string, std::string>>;

// The status, and the service's own trailing metadata (a cluster node's
// redirect: server/service.cc), as the trailer frame.
std::string TrailerFrame(const grpc::Status& st, const Metadata& trailers = {}) {
  std::string t = "grpc-status:" + std::to_string(static_cast<int>(st.error_code())) + "\r\n";
  if (!st.error_message().empty())
    t += "grpc-message:" + PercentEncode(st.error_message()) + "\r\n";
  for (const auto& [k, v] : trailers) t += k + ":" + PercentEncode(v) + "\r\n";
  return Frame(0x80, t);
}

// application/grpc-web-text: the frames in base64. A response encodes each
// chunk on its own (with its padding); a request may be such a concatenation.
std::string Base64(const std::string& in) {
  static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  for (size_t i = 0; i < in.size(); i += 3) {
    const size_t n = std::min<size_t>(3, in.size() - i);
    uint32_t v = uint32_t(static_cast<unsigned char>(in[i])) << 16;
    if (n > 1) v |= uint32_t(static_cast<unsigned char>(in[i + 1])) << 8;
    if (n > 2) v |= static_cast<unsigned char>(in[i + 2]);
    out += abc[(v >> 18) & 63];
    out += abc[(v >> 12) & 63];
    out += n > 1 ? abc[(v >> 6) & 63] : '=';
    out += n > 2 ? abc[v & 63] : '=';
  }
  return out;
}

// Groups of four characters, each group padded or not; false when it is not base64.
bool Unbase64(const std::string& in, std::string* out) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (in.size() % 4 != 0) return false;
  out->clear();
  out->reserve(in.size() / 4 * 3);
  for (size_t i = 0; i < in.size(); i += 4) {
    int pad = 0;
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = in[i + k];
      if (c == '=' && k >= 2) {
        ++pad;
        v <<= 6;
        continue;
      }
      const int d = value(c);
      if (d < 0 || pad > 0) return false;
      v = (v << 6) | static_cast<uint32_t>(d);
    }
    out->push_back(static_cast<char>(v >> 16));
    if (pad < 2) out->push_back(static_cast<char>((v >> 8) & 255));
    if (pad < 1) out->push_back(static_cast<char>(v & 255));
  }
  return true;
}

// The data frames of a request body; false with a status when it is not one.
bool ParseFrames(const std::string& body, size_t max_message, std::vector<std::string>* out,
                 grpc::Status* error) {
  size_t at = 0;
  while (at < body.size()) {
    if (body.size() - at < 5) {
      *error = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                            "the gRPC-Web body ends inside a frame header");
      return false;
    }
    const auto* p = reinterpret_cast<const unsigned char*>(body.data() + at);
    const size_t n = (size_t(p[1]) << 24) | (size_t(p[2]) << 16) | (size_t(p[3]) << 8) | p[4];
    if (p[0] != 0) {
      *error = grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                            p[0] & 1 ? "compressed gRPC-Web messages are not accepted"
                                     : "a gRPC-Web request carries only message frames");
      return false;
    }
    if (n > max_message) {
      // The gRPC port's own words for the same request.
      *error = grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                            "Received message larger than max (" + std::to_string(n) + " vs. " +
                                std::to_string(max_message) + ")");
      return false;
    }
    if (body.size() - at - 5 < n) {
      *error = grpc::Status(
          grpc::StatusCode::INVALID_ARGUMENT,
          "the gRPC-Web body ends inside a message (" + std::to_string(n) + " bytes announced)");
      return false;
    }
    out->push_back(body.substr(at + 5, n));
    at += 5 + n;
  }
  return true;
}

std::string ToLower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s + ",") {
    if (c == ',' || c == ' ') {
      if (!cur.empty()) out.push_back(ToLower(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

// "ipv4:A:PORT" or "ipv6:[A]:PORT", as gRPC names a peer.
std::string PeerName(const tcp::endpoint& ep) {
  const asio::ip::address a = ep.address();
  if (a.is_v4()) return "ipv4:" + a.to_string() + ":" + std::to_string(ep.port());
  return "ipv6:[" + a.to_string() + "]:" + std::to_string(ep.port());
}

struct Method {
  std::string path;  // "/mf.Forum/Act"
  bool client_streaming = false;
  bool server_streaming = false;
};

// ---------------------------------------------------------------------------
// One call carried into the gRPC server in-process.
// ---------------------------------------------------------------------------

// What a call tells its connection (always on the connection's executor).
class CallSink {
 public:
  virtual ~CallSink() = default;
  virtual void OnMessage(std::string bytes) = 0;
  virtual void OnFinished(grpc::Status status, Metadata trailers) = 0;
};

class WebCall final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  // The call keeps its connection alive until it is done (a unary call has
  // no read or write of the connection pending meanwhile).
  WebCall(asio::any_io_executor executor, std::shared_ptr<CallSink> sink)
      : executor_(std::move(executor)), sink_(std::move(sink)) {}

  static void Start(const std::shared_ptr<WebCall>& call, grpc::GenericStub* stub,
                    const std::string& method, std::vector<std::string> requests,
                    const std::vector<std::pair<std::string, std::string>>& metadata) {
    // Under the call's lock: gRPC's callbacks (OnWriteDone on its threads)
    // read what is set up here.
    std::lock_guard<std::recursive_mutex> lock(call->mu_);
    call->self_ = call;  // Alive until OnDone.
    for (const auto& [k, v] : metadata) call->ctx_.AddMetadata(k, v);
    for (std::string& r : requests) {
      grpc::Slice slice(r);
      call->requests_.emplace_back(&slice, 1);
    }
    stub->PrepareBidiStreamingCall(&call->ctx_, method, grpc::StubOptions(), call.get());
    // A hold keeps gRPC's call object alive between reads: ReadNext starts
    // a read from the connection's thread, and without the hold the call
    // could complete (and gRPC free its object, before OnDone) in between.
    // The hold goes when a read finds the end, or on Cancel.
    call->AddHold();
    call->held_ = true;
    if (call->requests_.empty())
      call->StartWritesDone();
    else
      call->StartWrite(&call->requests_[0]);
    call->StartRead(&call->in_);
    call->StartCall();
  }
  // The connection has written the last message: the next one may come.
  void ReadNext() {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    if (held_) StartRead(&in_);
  }
  void Cancel() {
    ctx_.TryCancel();
    Release();
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    if (ok && ++next_ < requests_.size())
      StartWrite(&requests_[next_]);
    else
      StartWritesDone();
  }
  void OnReadDone(bool ok) override {
    if (!ok) {  // The end: OnDone follows with the status.
      Release();
      return;
    }
    std::vector<grpc::Slice> slices;
    std::string bytes;
    if (in_.Dump(&slices).ok())
      for (const grpc::Slice& s : slices)
        bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    in_.Clear();
    asio::post(executor_, [sink = sink_, bytes = std::move(bytes)]() mutable {
      sink->OnMessage(std::move(bytes));
    });
  }
  void OnDone(const grpc::Status& status) override {
    std::shared_ptr<WebCall> self;
    std::shared_ptr<CallSink> sink;
    {
      std::lock_guard<std::recursive_mutex> lock(mu_);
      done_ = true;
      self = std::move(self_);
      sink = std::move(sink_);  // Nothing follows OnDone: the connection is let go.
    }
    Metadata trailers;
    for (const auto& [k, v] : ctx_.GetServerTrailingMetadata()) {
      const std::string key(k.data(), k.size());
      if (key.rfind("grpc-", 0) != 0 && key.size() < 64 &&
          key.find_first_of(":\r\n") == std::string::npos)
        trailers.emplace_back(key, std::string(v.data(), v.size()));
    }
    asio::post(executor_, [sink, status, self, trailers = std::move(trailers)]() mutable {
      sink->OnFinished(status, std::move(trailers));
    });
  }

 private:
  asio::any_io_executor executor_;
  std::shared_ptr<CallSink> sink_;
  grpc::ClientContext ctx_;
  std::vector<grpc::ByteBuffer> requests_;
  size_t next_ = 0;
  grpc::ByteBuffer in_;
  // Lets gRPC finish the call once (the end was read, or the connection
  // cancelled it); no read starts after it.
  void Release() {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    if (!held_) return;
    held_ = false;
    RemoveHold();
  }
  std::recursive_mutex mu_;
  bool done_ = false;
  bool held_ = false;  // The hold of Start, until Release.
  std::shared_ptr<WebCall> self_;
};

}  // namespace

// ---------------------------------------------------------------------------
// The gateway: acceptor, connections, files.
// ---------------------------------------------------------------------------

struct WebGateway::Impl : std::enable_shared_from_this<WebGateway::Impl> {
  ServerOptions options;
  asio::io_context io{1};
  std::unique_ptr<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::thread thread;
  std::optional<tcp::acceptor> acceptor;
  std::optional<ssl::context> tls;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<grpc::GenericStub> stub;
  std::unordered_map<std::string, Method> methods;
  std::unordered_map<std::string, StaticFile> files;
  std::vector<std::string> origins;
  std::string address, root;
  // Open connections (their close functions), touched on the io thread only.
  std::unordered_map<uint64_t, std::function<void()>> open;
  uint64_t next_id = 0;
  std::atomic<int> active_calls{0};
  bool stopping = false;  // io thread.
  std::mutex mu;
  bool shut = false;

  void Accept();
  bool OriginAllowed(const std::string& origin, const std::string& host, bool secure) const {
    if (origin.empty()) return true;  // Not a cross-origin fetch (same origin, or not a browser).
    const std::string o = ToLower(origin);
    if (o == (secure ? "https://" : "http://") + ToLower(host)) return true;
    for (const std::string& allowed : origins)
      if (allowed == "*" || allowed == o) return true;
    return false;
  }
};

namespace {

using Impl = WebGateway::Impl;

template <class Stream>
class Connection final : public CallSink, public std::enable_shared_from_this<Connection<Stream>> {
 public:
  template <class... Args>
  Connection(std::shared_ptr<Impl> gw, std::string peer, bool secure, Args&&... args)
      : gw_(std::move(gw)),
        stream_(std::forward<Args>(args)...),
        peer_(std::move(peer)),
        secure_(secure) {}

  void Run() {
    id_ = ++gw_->next_id;
    std::weak_ptr<Connection> weak = this->shared_from_this();
    gw_->open[id_] = [weak] {
      if (auto c = weak.lock()) c->Close();
    };
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      ReadRequest();
    } else {
      beast::get_lowest_layer(stream_).expires_after(kHandshake);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->Close();
                                self->ReadRequest();
                              });
    }
  }
  ~Connection() override {
    if (call_) call_->Cancel();
  }

  void OnMessage(std::string bytes) override {
    if (closed_) return;
    Queue(Frame(0, bytes), [this] {
      if (call_) call_->ReadNext();
    });
  }
  void OnFinished(grpc::Status status, Metadata trailers) override {
    --gw_->active_calls;
    call_finished_ = true;
    if (closed_) return;
    Queue(TrailerFrame(status, trailers), nullptr);
    Queue("", [this] { AfterResponse(); });  // The last chunk.
  }

 private:
  auto& Lowest() { return beast::get_lowest_layer(stream_); }

  void Close() {
    if (closed_) return;
    closed_ = true;
    if (call_ && !call_finished_) call_->Cancel();
    beast::error_code ec;
    Lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
    Lowest().close();
    gw_->open.erase(id_);
  }

  void ReadRequest() {
    if (closed_) return;
    if (gw_->stopping) return Close();
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    // No limit on the body while the headers are read (Beast's default, 1 MiB,
    // would fail a larger Content-Length here, before the method is known, and
    // the connection would close without a status): OnHeader sets the
    // method's limit, and a body over it is refused with RESOURCE_EXHAUSTED.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    Lowest().expires_after(kIdle);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    text_ = false;
    if (ec == http::error::header_limit)
      return Refuse(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                 "the request's headers are larger than 16 KiB"),
                    true);
    if (ec) return Close();
    const auto& req = parser_->get();
    const std::string target(req.target());
    path_ = target.substr(0, target.find('?'));
    origin_ = std::string(req[http::field::origin]);
    host_ = std::string(req[http::field::host]);
    keep_alive_ = req.keep_alive();
    auto m = gw_->methods.find(path_);
    method_ = m == gw_->methods.end() ? nullptr : &m->second;
    size_t limit = 16 * 1024;
    text_ = ToLower(std::string(req[http::field::content_type]))
                .rfind("application/grpc-web-text", 0) == 0;
    if (req.method() == http::verb::post) {
      limit = method_ && method_->client_streaming
                  ? kImportLimit
                  : static_cast<size_t>(gw_->options.max_message_bytes) + 5;
      if (text_) limit = (limit + 2) / 3 * 4;  // Base64.
    }
    parser_->body_limit(limit);
    body_limit_ = limit;
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code e, size_t) { self->OnRequest(e); });
  }

  void OnRequest(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      const auto length = parser_->content_length();
      size_t n = length ? static_cast<size_t>(*length) : body_limit_ + 1;
      if (text_) n = n / 4 * 3;
      return Refuse(
          grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                       "Received message larger than max (" + std::to_string(n > 5 ? n - 5 : n) +
                           " vs. " + std::to_string(gw_->options.max_message_bytes) + ")"),
          true);
    }
    if (ec) return Close();
    auto& req = parser_->get();
    const bool allowed = gw_->OriginAllowed(origin_, host_, secure_);
    if (req.method() == http::verb::options) return Preflight(allowed);
    if (req.method() == http::verb::post) {
      if (!allowed)
        return Refuse(grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                                   "this server takes no calls from pages of " + origin_ +
                                       " (forumd --web-allow-origin names the origins allowed)"),
                      false);
      const std::string type = ToLower(std::string(req[http::field::content_type]));
      if (type.rfind("application/grpc-web", 0) != 0)
        return Plain(http::status::unsupported_media_type,
                     "forumd's web port takes gRPC-Web calls (application/grpc-web+proto or "
                     "application/grpc-web-text)\n");
      if (!method_)
        return Refuse(grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                                   "unknown method " + path_ + " (see proto/forum.proto)"),
                      false);
      return StartCall(req);
    }
    if (req.method() == http::verb::get || req.method() == http::verb::head) return File(req);
    return Plain(http::status::method_not_allowed, "forumd's web port serves GET and POST\n");
  }

  void StartCall(http::request<http::string_body>& req) {
    std::vector<std::string> frames;
    grpc::Status bad;
    if (text_) {
      std::string raw;
      if (!Unbase64(req.body(), &raw))
        return Refuse(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                   "the application/grpc-web-text body is not base64"),
                      false);
      req.body() = std::move(raw);
    }
    if (!ParseFrames(req.body(), static_cast<size_t>(gw_->options.max_message_bytes), &frames,
                     &bad))
      return Refuse(bad, false);
    if (!method_->client_streaming && frames.size() != 1)
      return Refuse(
          grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                       "a gRPC-Web call of " + path_ + " carries exactly one message, not " +
                           std::to_string(frames.size())),
          false);
    std::vector<std::pair<std::string, std::string>> md;
    const std::string auth(req[http::field::authorization]);
    if (!auth.empty()) md.emplace_back("authorization", auth);
    md.emplace_back(kWebPeerMetadata, peer_);
    md.emplace_back(kWebSecretMetadata, gw_->options.web_peer_secret);
    streaming_ = method_->server_streaming;
    if (streaming_) keep_alive_ = false;  // A stream ends its connection.
    headers_sent_ = false;
    call_finished_ = false;
    ++gw_->active_calls;
    call_ = std::make_shared<WebCall>(stream_.get_executor(), this->shared_from_this());
    WebCall::Start(call_, gw_->stub.get(), path_, std::move(frames), md);
    if (streaming_) WatchClient();
  }

  // While a stream runs the browser sends nothing: a read that ends means it
  // went away (or broke the protocol), and the call is cancelled.
  void WatchClient() {
    Lowest().expires_never();
    stream_.async_read_some(asio::buffer(watch_buf_),
                            [self = this->shared_from_this()](beast::error_code, size_t) {
                              if (!self->call_finished_ && self->call_) self->call_->Cancel();
                              if (!self->writing_)
                                self->Close();
                              else
                                self->close_after_write_ = true;
                            });
  }

  std::string CommonHeaders() {
    std::string h;
    if (!origin_.empty() && gw_->OriginAllowed(origin_, host_, secure_))
      h += "Access-Control-Allow-Origin: " + origin_ +
           "\r\nAccess-Control-Expose-Headers: grpc-status, grpc-message\r\nVary: Origin\r\n";
    h += "X-Content-Type-Options: nosniff\r\n";
    h += keep_alive_ ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    return h;
  }

  std::string ResponseType() const {
    return text_ ? "application/grpc-web-text+proto" : "application/grpc-web+proto";
  }

  // Chunks of a gRPC-Web response: the headers go with the first.
  void Queue(const std::string& frame, std::function<void()> after) {
    std::string out;
    if (!headers_sent_) {
      headers_sent_ = true;
      out = "HTTP/1.1 200 OK\r\nContent-Type: " + ResponseType() +
            "\r\nCache-Control: no-store\r\nTransfer-Encoding: chunked\r\n" + CommonHeaders() +
            "\r\n";
    }
    const std::string chunk = text_ ? Base64(frame) : frame;
    std::ostringstream size;
    size << std::hex << chunk.size();
    out += size.str() + "\r\n" + chunk + "\r\n";
    outbox_.push_back({std::move(out), std::move(after)});
    Pump();
  }

  struct Out {
    std::string bytes;
    std::function<void()> after;
  };

  void Pump() {
    if (writing_ || outbox_.empty() || closed_) return;
    writing_ = true;
    current_ = std::move(outbox_.front());
    outbox_.pop_front();
    Lowest().expires_after(std::chrono::seconds(std::max(1, gw_->options.slow_stream_seconds)));
    asio::async_write(stream_, asio::buffer(current_.bytes),
                      [self = this->shared_from_this()](beast::error_code ec, size_t) {
                        self->writing_ = false;
                        if (ec) return self->Close();
                        if (self->current_.after) self->current_.after();
                        if (self->close_after_write_) return self->Close();
                        self->Pump();
                      });
  }

  // After a whole response: the next request, or the end.
  void AfterResponse() {
    call_.reset();
    if (!keep_alive_ || gw_->stopping) return Close();
    ReadRequest();
  }

  // A refusal in gRPC-Web's words (the status in the headers: "trailers-only").
  void Refuse(const grpc::Status& st, bool drain) {
    if (drain) keep_alive_ = false;
    std::string out = "HTTP/1.1 200 OK\r\nContent-Type: " + ResponseType() +
                      "\r\nCache-Control: no-store\r\ngrpc-status: " +
                      std::to_string(static_cast<int>(st.error_code())) + "\r\n";
    if (!st.error_message().empty())
      out += "grpc-message: " + PercentEncode(st.error_message()) + "\r\n";
    out += CommonHeaders();
    // The trailer frame too, for clients that read the status from the body.
    const std::string body = text_ ? Base64(TrailerFrame(st)) : TrailerFrame(st);
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    Send(std::move(out), drain);
  }

  void Plain(http::status status, const std::string& text) {
    std::string out = "HTTP/1.1 " + std::to_string(static_cast<int>(status)) + " " +
                      std::string(http::obsolete_reason(status)) +
                      "\r\nContent-Type: text/plain; charset=utf-8\r\n" + CommonHeaders() +
                      "Content-Length: " + std::to_string(text.size()) + "\r\n\r\n" + text;
    Send(std::move(out), false);
  }

  void Preflight(bool allowed) {
    if (!allowed)
      return Plain(http::status::forbidden,
                   "this server takes no calls from pages of " + origin_ + "\n");
    std::string out =
        "HTTP/1.1 204 No Content\r\nAccess-Control-Allow-Methods: POST\r\n"
        "Access-Control-Allow-Headers: authorization, content-type, x-grpc-web, x-user-agent, "
        "grpc-timeout\r\nAccess-Control-Max-Age: 600\r\n" +
        CommonHeaders() + "Content-Length: 0\r\n\r\n";
    Send(std::move(out), false);
  }

  void File(const http::request<http::string_body>& req) {
    std::string path = path_;
    if (path == "/" || path.empty()) path = "/index.html";
    auto it = gw_->files.find(path);
    if (it == gw_->files.end()) {
      if (path == "/index.html" && gw_->files.empty()) {
        const std::string page = kNotBuilt;
        return Send("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n" +
                        CommonHeaders() + "Content-Length: " + std::to_string(page.size()) +
                        "\r\n\r\n" + (req.method() == http::verb::head ? "" : page),
                    false);
      }
      return Plain(http::status::not_found, "no such file\n");
    }
    const StaticFile& f = it->second;
    const std::string accept(req[http::field::accept_encoding]);
    const bool gz = !f.gzip.empty() && accept.find("gzip") != std::string::npos;
    const std::string& body = gz ? f.gzip : f.body;
    std::string out = "HTTP/1.1 200 OK\r\nContent-Type: " + f.type + "\r\n";
    if (gz) out += "Content-Encoding: gzip\r\n";
    if (!f.gzip.empty()) out += "Vary: Accept-Encoding\r\n";
    out += f.immutable ? "Cache-Control: public, max-age=31536000, immutable\r\n"
                       : "Cache-Control: no-cache\r\n";
    if (f.type.rfind("text/html", 0) == 0)
      out +=
          "Content-Security-Policy: default-src 'self'; img-src 'self' data:; "
          "object-src 'none'; base-uri 'none'; frame-ancestors 'none'\r\n"
          "Referrer-Policy: no-referrer\r\n";
    out += CommonHeaders() + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    if (req.method() != http::verb::head) out += body;
    Send(std::move(out), false);
  }

  // One whole response; then the next request, or (drain) the rest of an
  // oversized body is read and dropped so the client reads the answer.
  void Send(std::string bytes, bool drain) {
    outbox_.push_back({std::move(bytes), [this, drain] {
                         if (drain) return Drain();
                         AfterResponse();
                       }});
    Pump();
  }

  void Drain() {
    if (closed_) return;
    if (drained_ >= kDrainLimit) return Close();
    Lowest().expires_after(std::chrono::seconds(5));
    stream_.async_read_some(asio::buffer(watch_buf_),
                            [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec) return self->Close();
                              self->drained_ += n;
                              self->Drain();
                            });
  }

  std::shared_ptr<Impl> gw_;
  Stream stream_;
  std::string peer_;
  bool secure_;
  uint64_t id_ = 0;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string path_, origin_, host_;
  const Method* method_ = nullptr;
  size_t body_limit_ = 0;
  bool text_ = false;  // application/grpc-web-text: base64 both ways.
  bool keep_alive_ = true, streaming_ = false, headers_sent_ = false;
  bool call_finished_ = true, closed_ = false;
  bool writing_ = false, close_after_write_ = false;
  std::shared_ptr<WebCall> call_;
  std::deque<Out> outbox_;
  Out current_;
  char watch_buf_[4096];
  size_t drained_ = 0;
};

void SetKeepAlive(tcp::socket& s) {
  beast::error_code ec;
  s.set_option(asio::socket_base::keep_alive(true), ec);
  s.set_option(tcp::no_delay(true), ec);
  const int fd = s.native_handle();
  int idle = 30, interval = 10, count = 3;
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

}  // namespace

void WebGateway::Impl::Accept() {
  acceptor->async_accept(asio::make_strand(io), [self = shared_from_this()](beast::error_code ec,
                                                                            tcp::socket s) {
    if (self->stopping || !self->acceptor->is_open()) return;
    if (ec) {
      // Out of descriptors, most likely: wait a little, then go on.
      auto timer = std::make_shared<asio::steady_timer>(self->io, std::chrono::milliseconds(100));
      timer->async_wait([self, timer](beast::error_code) { self->Accept(); });
      return;
    }
    if (static_cast<int>(self->open.size()) >= kMaxConnections) {
      beast::error_code ignored;
      s.close(ignored);
      return self->Accept();
    }
    SetKeepAlive(s);
    beast::error_code pe;
    const tcp::endpoint remote = s.remote_endpoint(pe);
    const std::string peer = pe ? "unknown" : PeerName(remote);
    if (self->tls) {
      auto c = std::make_shared<Connection<beast::ssl_stream<beast::tcp_stream>>>(
          self, peer, true, std::move(s), *self->tls);
      c->Run();
    } else {
      auto c = std::make_shared<Connection<beast::tcp_stream>>(self, peer, false, std::move(s));
      c->Run();
    }
    self->Accept();
  });
}

std::string FindWebRoot(const std::string& flag) {
  namespace fs = std::filesystem;
  if (!flag.empty()) return flag;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  for (const fs::path& p : {exe.parent_path().parent_path() / "web",
                            exe.parent_path().parent_path() / "share" / "migration-forum" / "web"})
    if (fs::exists(p / "index.html", ec)) return p.string();
  return "";
}

WebGateway::WebGateway() : impl_(std::make_shared<Impl>()) {}

WebGateway::~WebGateway() {
  Shutdown();
}

std::unique_ptr<WebGateway> WebGateway::Start(const ServerOptions& options,
                                              std::shared_ptr<grpc::Channel> channel,
                                              std::string* error) {
  std::unique_ptr<WebGateway> g(new WebGateway());
  Impl& d = *g->impl_;
  d.options = options;
  d.channel = std::move(channel);
  d.stub = std::make_unique<grpc::GenericStub>(d.channel);
  d.origins = SplitList(options.web_origins);
  const auto* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName("mf.Forum");
  for (int i = 0; service && i < service->method_count(); ++i) {
    const auto* m = service->method(i);
    Method method{"/mf.Forum/" + m->name(), m->client_streaming(), m->server_streaming()};
    d.methods[method.path] = method;
  }
  d.root = FindWebRoot(options.web_root);
  if (!options.web_root.empty() &&
      !std::filesystem::exists(std::filesystem::path(options.web_root) / "index.html")) {
    *error = "--web-root " + options.web_root + " holds no index.html (the built web client)";
    return nullptr;
  }
  d.files = LoadFiles(d.root);

  if (!options.tls_cert.empty()) {
    d.tls.emplace(ssl::context::tls_server);
    d.tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    beast::error_code ec;
    d.tls->use_certificate_chain_file(options.tls_cert, ec);
    if (!ec) d.tls->use_private_key_file(options.tls_key, ssl::context::pem, ec);
    if (ec) {
      *error = "cannot read the TLS key or certificate for the web port: " + ec.message();
      return nullptr;
    }
  }

  const std::string& listen = options.web_listen;
  const size_t colon = listen.rfind(':');
  std::string host = colon == std::string::npos ? "" : listen.substr(0, colon);
  const std::string port_text = colon == std::string::npos ? "" : listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  char* end = nullptr;
  const long port = std::strtol(port_text.c_str(), &end, 10);
  beast::error_code ec;
  const asio::ip::address addr = host.empty() ? asio::ip::address(asio::ip::address_v4::any())
                                              : asio::ip::make_address(host, ec);
  if (colon == std::string::npos || port_text.empty() || *end != '\0' || port < 0 || port > 65535 ||
      ec) {
    *error = "--web-listen takes ADDR:PORT (e.g. 0.0.0.0:8080), not '" + listen + "'";
    return nullptr;
  }
  d.acceptor.emplace(d.io);
  const tcp::endpoint ep(addr, static_cast<unsigned short>(port));
  d.acceptor->open(ep.protocol(), ec);
  if (!ec) d.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) d.acceptor->bind(ep, ec);
  if (!ec) d.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    *error = "cannot listen on " + listen + " for the web port (" + ec.message() + ")";
    return nullptr;
  }
  const tcp::endpoint bound = d.acceptor->local_endpoint(ec);
  d.address = (addr.is_v6() ? "[" + host + "]" : (host.empty() ? "0.0.0.0" : host)) + ":" +
              std::to_string(bound.port());
  d.work = std::make_unique<asio::executor_work_guard<asio::io_context::executor_type>>(
      d.io.get_executor());
  d.Accept();
  d.thread = std::thread([&d] { d.io.run(); });
  return g;
}

const std::string& WebGateway::address() const {
  return impl_->address;
}

const std::string& WebGateway::web_root() const {
  return impl_->root;
}

void WebGateway::StopAccepting() {
  auto d = impl_;
  asio::post(d->io, [d] {
    beast::error_code ec;
    if (d->acceptor) d->acceptor->close(ec);
  });
}

void WebGateway::Shutdown() {
  auto d = impl_;
  {
    std::lock_guard<std::mutex> lock(d->mu);
    if (d->shut) return;
    d->shut = true;
  }
  // The calls are finished by now (the gRPC server shut down first): give
  // their last frames a moment to reach the browsers, then close everything.
  for (int i = 0; i < 50 && d->active_calls > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  // A gateway that never started (Start refused its flags) has no thread:
  // nothing to close, and a handler posted to its idle io_context would hold
  // the Impl that owns it (a cycle LeakSanitizer reports).
  if (!d->thread.joinable()) return;
  auto closed = std::make_shared<std::promise<void>>();
  auto done = closed->get_future();
  asio::post(d->io, [d, closed] {
    d->stopping = true;
    beast::error_code ec;
    if (d->acceptor) d->acceptor->close(ec);
    auto open = d->open;  // Closing erases from the map.
    for (auto& [id, close] : open) close();
    closed->set_value();
  });
  if (d->thread.joinable()) {
    done.wait_for(std::chrono::seconds(2));
    d->work.reset();
    d->io.stop();
    d->thread.join();
  }
}

}  // namespace mf::server
