// What the security suites share (security_test.cc, security_input_test.cc,
// security_limits_test.cc): a few raw calls and the SecurityTest fixture, two
// sessions on an in-process forumd with seats joined, whose record an attack
// must leave as it was.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "fault_util.h"

namespace mf::testing {

using grpc::StatusCode;

inline mf::Action SetBot(int seat, bool bot) {
  mf::Action a;
  a.mutable_set_bot()->set_seat(seat);
  a.mutable_set_bot()->set_bot(bot);
  return a;
}

inline grpc::Status CreateRequest(Client& c, const mf::CreateSessionRequest& req,
                                  mf::CreateSessionResponse* out = nullptr) {
  grpc::ClientContext ctx;
  mf::CreateSessionResponse resp;
  return c.stub()->CreateSession(&ctx, req, out ? out : &resp);
}

class SecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = StartServer(TestOptions(dir_.path()));
    ASSERT_TRUE(server_);
    c_ = std::make_unique<Client>(server_->address());
    a_ = c_->Create("classroom-8");
    b_ = c_->Create("classroom-8");
    for (int seat = 0; seat < 3; ++seat) ta_.push_back(c_->JoinOk(a_.join_code(), seat));
    tb_ = c_->JoinOk(b_.join_code(), 0);
    before_ = c_->Record(a_.session(), a_.facilitator_token());
  }
  // Session A's record is exactly as it was before the attack.
  void ExpectUnchanged() {
    const mf::GetRecordResponse now = c_->Record(a_.session(), a_.facilitator_token());
    EXPECT_EQ(now.entries_size(), before_.entries_size());
    EXPECT_EQ(now.state_hash(), before_.state_hash());
    EXPECT_EQ(now.chat_size(), before_.chat_size());
  }

  ScratchDir dir_;
  std::unique_ptr<server::Forumd> server_;
  std::unique_ptr<Client> c_;
  mf::CreateSessionResponse a_, b_;
  std::vector<std::string> ta_;
  std::string tb_;
  mf::GetRecordResponse before_;
};

}  // namespace mf::testing
