#include "bots/light.h"

#include <cstdlib>
#include <memory>

#include "bots/bot.h"
#include "rules/catalogue.h"

namespace mf::bots {
namespace {

int Ideal(const mf::Brief& b, const std::string& theme) {
  for (const mf::Stance& s : b.stances())
    if (s.theme() == theme) return s.ideal();
  return 50;
}

bool CrossesRedLine(const mf::Brief& b, const std::string& theme, int position, mf::Form form) {
  for (const mf::RedLine& r : b.red_lines()) {
    if (r.theme() != theme) continue;
    if (r.max_form() != mf::FORM_UNSPECIFIED && form > r.max_form()) return true;
    if (r.max_position() > 0 && r.max_position() < 100 && position > r.max_position()) return true;
    if (r.min_position() > 0 && position < r.min_position()) return true;
  }
  return false;
}

class LightBot : public Bot {
 public:
  const std::string& name() const override { return name_; }
  rules::Action Decide(const rules::SeatView& view, rules::Rng& rng) override {
    if (view.organisation(view.viewer())) return OrganisationDecide(view, rng);
    view_.Clear();
    rules::MakeView(view, &view_);
    mf::Action wire;
    rules::Action a = rules::Action::Make(rules::ActionType::kReady);
    std::string error;
    if (LightPolicy(view_, view_.brief(), &wire) && !view.FromWire(wire, &a, &error))
      a = rules::Action::Make(rules::ActionType::kReady);
    return a;
  }

 private:
  std::string name_ = "light";
  mf::View view_;
};

}  // namespace

bool LightPolicy(const mf::View& v, const mf::Brief& brief, mf::Action* out) {
  out->Clear();
  const int me = v.viewer();
  if (me < 0 || me >= v.seats_size() || v.seats(me).bot()) return false;
  if (!rules::Offers(v, mf::Action::kReady)) return false;
  const mf::SeatPublic& seat = v.seats(me);
  if (rules::Offers(v, mf::Action::kEndorse)) {
    for (const mf::Recommendation& r : v.recommendations()) {
      if (rules::Offers(v, mf::Action::kEndorse, r.id()) &&
          std::abs(r.position() - Ideal(brief, r.theme())) <= 15) {
        out->mutable_endorse()->set_recommendation(r.id());
        return true;
      }
    }
  }
  if (rules::Offers(v, mf::Action::kStatement) && seat.statement_position() < 0 &&
      !v.current_theme().empty()) {
    const int ideal = Ideal(brief, v.current_theme());
    out->mutable_statement()->set_position(ideal);
    out->mutable_statement()->set_text(seat.name() + " would settle at " + std::to_string(ideal) +
                                       ".");
    return true;
  }
  if (rules::Offers(v, mf::Action::kVote) && v.draft().id() != 0) {
    const mf::Text& d = v.draft();
    const int dist = std::abs(d.position() - Ideal(brief, d.theme()));
    const mf::VoteChoice choice =
        dist <= 20 && !CrossesRedLine(brief, d.theme(), d.position(), d.form()) ? mf::SUPPORT
        : dist <= 35                                                            ? mf::STAND_ASIDE
                                                                                : mf::OBJECT;
    if (seat.vote() != choice) {
      out->mutable_vote()->set_choice(choice);
      return true;
    }
  }
  if (rules::Offers(v, mf::Action::kRatify)) {
    for (const mf::Text& t : v.texts()) {
      if (!rules::Offers(v, mf::Action::kRatify, t.id())) continue;
      out->mutable_ratify()->set_text(t.id());
      out->mutable_ratify()->set_ratify(std::abs(t.position() - Ideal(brief, t.theme())) <= 20 &&
                                        !CrossesRedLine(brief, t.theme(), t.position(), t.form()));
      return true;
    }
  }
  if (rules::Offers(v, mf::Action::kPledge)) {
    // Carry out in full the adopted texts near one's ideal, the others not at all.
    for (const mf::Text& t : v.texts()) {
      if (!rules::Offers(v, mf::Action::kPledge, t.id())) continue;
      const int want = std::abs(t.position() - Ideal(brief, t.theme())) <= 20 ? 100 : 0;
      int now = -1;
      for (const mf::PledgeRecord& p : t.pledges())
        if (p.seat() == me) now = p.level();
      if (now == want) continue;
      out->mutable_pledge()->set_text(t.id());
      out->mutable_pledge()->set_level(want);
      return true;
    }
  }
  out->mutable_ready();
  return true;
}

std::unique_ptr<Bot> MakeLightBot() {
  return std::make_unique<LightBot>();
}

}  // namespace mf::bots
