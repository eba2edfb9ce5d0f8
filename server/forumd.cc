#include "server/forumd.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/codegen/service_type.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <future>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "server/agones.h"
#include "server/registry.h"
#include "server/service.h"
#include "server/store.h"
#include "server/tokens.h"
#include "server/web.h"

namespace mf::server {

namespace {

const char* kServiceName = "mf.Forum";

// The address to advertise for `host_port` as bound: the host name for a
// wildcard host.
std::string Advertised(const std::string& host_port) {
  const size_t colon = host_port.rfind(':');
  const std::string host = colon == std::string::npos ? host_port : host_port.substr(0, colon);
  const std::string port = colon == std::string::npos ? "" : host_port.substr(colon + 1);
  if (host == "0.0.0.0" || host == "[::]" || host == "::" || host.empty()) {
    char name[256] = {0};
    gethostname(name, sizeof name - 1);
    return std::string(name) + ":" + port;
  }
  return host_port;
}

bool ReadAll(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

}  // namespace

struct Forumd::Impl {
  ServerOptions options;
  boost::asio::io_context io;
  std::unique_ptr<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  std::unique_ptr<Store> store;
  std::unique_ptr<Registry> registry;
  std::unique_ptr<grpc::Service> service;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<Agones> agones;
  std::unique_ptr<WebGateway> web;  // --web-listen: gRPC-Web into `server`, in-process.
  // The web port's number once bound, for ListScenarios (the gRPC port
  // answers before the web port is bound).
  std::atomic<int> web_port{0};
  std::string address;
  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false, stopped = false;

  void StopThreads() {
    work.reset();
    io.stop();
    for (std::thread& t : threads)
      if (t.joinable()) t.join();
    threads.clear();
  }
};

Forumd::Forumd() : impl_(std::make_unique<Impl>()) {}

Forumd::~Forumd() {
  Shutdown();
  // Sessions hold timers of the io_context: drop them before it goes.
  impl_->web.reset();
  impl_->server.reset();
  impl_->service.reset();
  impl_->registry.reset();
  impl_->store.reset();
}

std::unique_ptr<Forumd> Forumd::Start(const ServerOptions& options, std::string* error) {
  std::unique_ptr<Forumd> f(new Forumd());
  Impl& d = *f->impl_;
  d.options = options;
  // The web port's calls name their browser's address with this secret (server/web.h).
  d.options.web_peer_secret = d.options.web_listen.empty() ? "" : RandomHex(32);
  if (d.options.tls_cert.empty() != d.options.tls_key.empty()) {
    *error = "--tls-cert and --tls-key go together";
    return nullptr;
  }
  if (IsPostgresStore(d.options.store) && d.options.node_id.empty()) {
    // The node's name in the leases: its address when that is known before
    // listening (a fixed port), else one of its own for this run.
    const std::string& listen = d.options.listen;
    if (!d.options.advertise.empty())
      d.options.node_id = d.options.advertise;
    else if (listen.size() > 2 && listen.compare(listen.size() - 2, 2, ":0") != 0)
      d.options.node_id = Advertised(listen);
    else
      d.options.node_id = Advertised("0.0.0.0:0") + "-" + std::to_string(getpid());
  }
  d.store = OpenStore(d.options, error);
  if (!d.store) return nullptr;
  d.work =
      std::make_unique<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>(
          d.io.get_executor());
  for (int i = 0; i < std::max(1, d.options.threads); ++i)
    d.threads.emplace_back([&d] { d.io.run(); });
  d.registry = std::make_unique<Registry>(d.io, d.store.get(), d.options);
  if (!d.registry->Init(error)) {
    d.StopThreads();
    return nullptr;
  }

  std::shared_ptr<grpc::ServerCredentials> creds;
  if (!d.options.tls_cert.empty()) {
    grpc::SslServerCredentialsOptions ssl;
    grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
    if (!ReadAll(d.options.tls_key, &pair.private_key) ||
        !ReadAll(d.options.tls_cert, &pair.cert_chain)) {
      *error = "cannot read the TLS key or certificate";
      d.StopThreads();
      return nullptr;
    }
    ssl.pem_key_cert_pairs.push_back(pair);
    creds = grpc::SslServerCredentials(ssl);
  } else {
    creds = grpc::InsecureServerCredentials();
  }

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  d.service = MakeForumService(d.registry.get(), d.options, &d.web_port);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(d.options.listen, creds, &port);
  builder.RegisterService(d.service.get());
  builder.SetMaxReceiveMessageSize(d.options.max_message_bytes);
  // A stale server on the same port must not silently share connections.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // Notice dead peers (a laptop that went to sleep) within a minute.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  d.server = builder.BuildAndStart();
  if (!d.server || port == 0) {
    *error = "cannot listen on " + d.options.listen + " (in use, or not a valid ADDR:PORT)";
    d.server.reset();
    d.StopThreads();
    return nullptr;
  }
  const std::string& listen = d.options.listen;
  const size_t colon = listen.rfind(':');
  d.address =
      (colon == std::string::npos ? listen : listen.substr(0, colon)) + ":" + std::to_string(port);
  if (!d.options.web_listen.empty()) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(-1);
    d.web = WebGateway::Start(d.options, d.server->InProcessChannel(args), error);
    if (!d.web) {
      d.server->Shutdown();
      d.server.reset();
      d.StopThreads();
      return nullptr;
    }
    const std::string& web = d.web->address();
    d.web_port.store(std::atoi(web.c_str() + web.rfind(':') + 1), std::memory_order_release);
  }
  if (auto* health = d.server->GetHealthCheckService()) {
    health->SetServingStatus(kServiceName, true);
    health->SetServingStatus("", true);
  }
  d.registry->StartCluster(d.options.advertise.empty() ? Advertised(d.address)
                                                       : d.options.advertise);
  d.agones = Agones::FromEnvironment(d.options.agones);
  if (d.agones) d.agones->Ready([r = d.registry.get()] { return r->live_sessions(); });
  return f;
}

const std::string& Forumd::address() const {
  return impl_->address;
}

const std::string& Forumd::web_address() const {
  static const std::string none;
  return impl_->web ? impl_->web->address() : none;
}

const std::string& Forumd::web_root() const {
  static const std::string none;
  return impl_->web ? impl_->web->web_root() : none;
}

Store* Forumd::store_for_testing() {
  return impl_->store.get();
}

size_t Forumd::scenario_objects_for_testing() const {
  return impl_->registry ? impl_->registry->scenario_objects() : 0;
}

void Forumd::Shutdown() {
  Impl& d = *impl_;
  {
    std::lock_guard<std::mutex> lock(d.mu);
    if (d.stopping) return;
    d.stopping = true;
  }
  if (d.web) d.web->StopAccepting();
  if (d.server) {
    if (auto* health = d.server->GetHealthCheckService()) {
      health->SetServingStatus(kServiceName, false);
      health->SetServingStatus("", false);
    }
    // Sessions finish their queued actions, tell their streams and close them.
    auto all = std::make_shared<std::promise<void>>();
    auto future = all->get_future();
    d.registry->Shutdown([all] { all->set_value(); });
    future.wait_for(std::chrono::milliseconds(d.options.shutdown_grace_ms));
    // No new calls. The sessions have answered what they had queued, so the
    // calls still open are only being finished: a short deadline, after
    // which gRPC cancels them (it may otherwise wait on idle connections).
    d.server->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
  }
  // Drained: the Agones sidecar may stop the game server now.
  if (d.agones) d.agones->Shutdown();
  if (d.web) d.web->Shutdown();   // After the calls: their last words reach the browsers.
  if (d.store) d.store->Close();  // Completions post to the strands: threads still run.
  d.StopThreads();
  {
    std::lock_guard<std::mutex> lock(d.mu);
    d.stopped = true;
  }
  d.cv.notify_all();
}

void Forumd::Wait() {
  std::unique_lock<std::mutex> lock(impl_->mu);
  impl_->cv.wait(lock, [this] { return impl_->stopped; });
}

}  // namespace mf::server
