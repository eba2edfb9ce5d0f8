// server/serial.h: a session's single writer. One function at a time, in the
// order given; Run on the caller's thread when the serial is idle; Post
// never on the caller's stack; a thread inside one serial queues another's
// work instead of nesting it; a busy serial hands its rest to the io_context
// after its budget.
#include "server/serial.h"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace mf::server {
namespace {

// An io_context with two threads, as forumd runs it.
class Io {
 public:
  Io() : work_(io.get_executor()) {
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io.run(); });
  }
  ~Io() {
    work_.reset();
    for (std::thread& t : threads_) t.join();
  }
  boost::asio::io_context io;

 private:
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
};

// Waits until `n` reaches `want` (up to 10 s).
bool WaitFor(const std::atomic<int>& n, int want) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (n.load() < want) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

TEST(Serial, RunIsInlineWhenIdleAndPostIsNot) {
  Io io;
  Serial serial(io.io);
  const std::thread::id here = std::this_thread::get_id();
  std::thread::id ran_run, ran_post;
  bool inside = false;
  serial.Run([&] {
    ran_run = std::this_thread::get_id();
    inside = serial.running_in_this_thread();
  });
  EXPECT_EQ(ran_run, here) << "an idle serial runs Run's function on the caller's thread";
  EXPECT_TRUE(inside);
  EXPECT_FALSE(serial.running_in_this_thread());

  std::atomic<int> done{0};
  serial.Post([&] {
    ran_post = std::this_thread::get_id();
    ++done;
  });
  ASSERT_TRUE(WaitFor(done, 1));
  EXPECT_NE(ran_post, here) << "Post goes to the io_context";
}

TEST(Serial, WorkGivenFromInsideRunsAfterTheCurrentFunctionOnTheSameThread) {
  Io io;
  Serial serial(io.io);
  std::vector<int> order;
  std::thread::id first, second;
  serial.Run([&] {
    first = std::this_thread::get_id();
    serial.Post([&] {
      second = std::this_thread::get_id();
      order.push_back(2);
    });
    serial.Run([&] { order.push_back(3); });  // Busy (here): queued, not nested.
    order.push_back(1);
  });
  // Both ran before Run returned, after the first, in order, on this thread.
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(first, second);
}

TEST(Serial, AThreadInsideOneSerialDoesNotRunAnothersWorkNested) {
  Io io;
  Serial a(io.io), b(io.io);
  std::atomic<int> done{0};
  std::thread::id a_thread, b_thread;
  bool inside_a = true;
  a.Run([&] {
    a_thread = std::this_thread::get_id();
    b.Run([&] {
      b_thread = std::this_thread::get_id();
      inside_a = a.running_in_this_thread();
      ++done;
    });
  });
  ASSERT_TRUE(WaitFor(done, 1));
  EXPECT_NE(b_thread, a_thread) << "b's work went to the io_context, not nested in a's";
  EXPECT_FALSE(inside_a);
}

TEST(Serial, OneAtATimeInOrderFromManyThreads) {
  Io io;
  Serial serial(io.io);
  constexpr int kThreads = 4, kEach = 2000;
  std::atomic<int> inside{0}, overlaps{0}, done{0};
  std::vector<std::vector<int>> seen(kThreads);  // Touched on the serial only.
  std::vector<std::thread> givers;
  for (int t = 0; t < kThreads; ++t)
    givers.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto f = [&, t, i] {
          if (inside.fetch_add(1) != 0) ++overlaps;
          seen[static_cast<size_t>(t)].push_back(i);
          inside.fetch_sub(1);
          ++done;
        };
        if (i % 2)
          serial.Run(f);
        else
          serial.Post(f);
      }
    });
  for (std::thread& g : givers) g.join();
  ASSERT_TRUE(WaitFor(done, kThreads * kEach));
  EXPECT_EQ(overlaps.load(), 0) << "two functions of one serial ran at once";
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(seen[static_cast<size_t>(t)].size(), static_cast<size_t>(kEach));
    for (int i = 0; i < kEach; ++i)
      ASSERT_EQ(seen[static_cast<size_t>(t)][static_cast<size_t>(i)], i)
          << "thread " << t << "'s functions ran out of order";
  }
}

TEST(Serial, ABusySerialHandsTheRestToTheIoContextAfterItsBudget) {
  Io io;
  Serial serial(io.io);
  const std::thread::id here = std::this_thread::get_id();
  std::atomic<int> done{0};
  std::mutex mu;
  int on_caller = 0;
  serial.Run([&] {
    // Queued from inside: run by this drain, up to the budget.
    for (int i = 0; i < 3 * Serial::kBudget; ++i)
      serial.Post([&] {
        std::lock_guard<std::mutex> lock(mu);
        if (std::this_thread::get_id() == here) ++on_caller;
        ++done;
      });
  });
  ASSERT_TRUE(WaitFor(done, 3 * Serial::kBudget));
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(on_caller, Serial::kBudget - 1) << "the caller's thread ran its budget (the first "
                                               "function included), the io_context the rest";
}

TEST(Serial, ATimerHandlerRunsOnTheSerial) {
  Io io;
  Serial serial(io.io);
  std::atomic<int> done{0};
  bool inside = false;
  boost::asio::steady_timer timer(io.io, std::chrono::milliseconds(1));
  timer.async_wait(serial.Wrap([&](const boost::system::error_code& ec) {
    inside = serial.running_in_this_thread() && !ec;
    ++done;
  }));
  ASSERT_TRUE(WaitFor(done, 1));
  EXPECT_TRUE(inside);
}

}  // namespace
}  // namespace mf::server
