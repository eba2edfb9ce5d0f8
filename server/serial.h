// A session's single writer: runs the functions given to it one at a time,
// in the order given, like an Asio strand, but may run them on the thread
// that gives them.
//
// Why not a strand: a request arrives on one of gRPC's threads, and a strand
// would hand it to one of the io_context's; the views it pushes and the
// answer are then started from a thread that is not gRPC's, which costs the
// stack about 100 us of CPU per action on the machine of README "Measured
// load" (tests/bench/fanout_floor --hand-off against the same without). With
// Run, a request finds its session idle and runs at once where it arrived,
// with everything it queues meanwhile (its commit's continuation, the next
// request); a session busy elsewhere, or a thread already inside a session,
// queues it as Post does.
//
// Post never runs the function on the caller's stack: from inside this
// serial it runs after the current function; from outside, on an io_context
// thread. A thread runs at most kBudget functions of one serial in a row
// before handing the rest to the io_context, so that one busy session
// cannot hold a gRPC thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>

namespace mf::server {

class Serial {
 public:
  static constexpr int kBudget = 64;

  explicit Serial(boost::asio::io_context& io) : impl_(std::make_shared<Impl>(io)) {}

  // Runs `f` after everything given before it; never on this call's stack.
  void Post(std::function<void()> f) const { Add(impl_, std::move(f), false); }
  // As Post, but at once on this thread when the serial is idle and the
  // thread is running no serial's functions (else as Post).
  void Run(std::function<void()> f) const { Add(impl_, std::move(f), true); }
  // A completion handler (a timer's) that runs `h` as Run does.
  template <class Handler>
  auto Wrap(Handler h) const {
    return [impl = impl_, h = std::move(h)](auto&&... args) mutable {
      Add(
          impl, [h, args...]() mutable { h(args...); }, true);
    };
  }
  bool running_in_this_thread() const { return Current() == impl_.get(); }

 private:
  struct Impl {
    explicit Impl(boost::asio::io_context& context) : io(context) {}
    boost::asio::io_context& io;
    std::mutex mu;
    std::deque<std::function<void()>> queue;
    bool active = false;  // A thread is running the queue, or one is asked to.
  };

  static Impl*& Current() {
    thread_local Impl* current = nullptr;
    return current;
  }

  static void Add(const std::shared_ptr<Impl>& impl, std::function<void()> f, bool here) {
    std::unique_lock<std::mutex> lock(impl->mu);
    impl->queue.push_back(std::move(f));
    if (impl->active) return;  // Whoever runs the queue takes it in turn.
    impl->active = true;
    lock.unlock();
    if (here && Current() == nullptr)
      Drain(impl);
    else
      boost::asio::post(impl->io, [impl] { Drain(impl); });
  }

  // Runs the queue until it is empty (or the budget is spent: the rest goes
  // to the io_context). `active` is set.
  static void Drain(const std::shared_ptr<Impl>& impl) {
    Impl* const outer = Current();
    Current() = impl.get();
    std::unique_lock<std::mutex> lock(impl->mu);
    for (int budget = kBudget; !impl->queue.empty(); --budget) {
      if (budget == 0) {
        lock.unlock();
        Current() = outer;
        boost::asio::post(impl->io, [impl] { Drain(impl); });
        return;
      }
      std::function<void()> f = std::move(impl->queue.front());
      impl->queue.pop_front();
      lock.unlock();
      f();
      f = nullptr;  // What it holds (the session itself) goes before the lock.
      lock.lock();
    }
    impl->active = false;
    lock.unlock();
    Current() = outer;
  }

  std::shared_ptr<Impl> impl_;
};

}  // namespace mf::server
