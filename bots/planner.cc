// The planner: a search bot over sampled hidden information.
//
// At each decision that matters (statements, drafts, amendments, votes,
// ratification, implementation, deals) it lists a few candidate actions,
// samples `beliefs` guesses of the other seats' secret briefs from what is
// public (their roles and statements), builds for each guess a complete
// game consistent with its own view (SeatView::Determinize), plays every
// candidate to the end with heuristic bots in all seats, and keeps the
// candidate with the best mean final score of its own seat. Every candidate
// meets the same guesses and the same bots (common random numbers), so small
// differences between candidates are not noise. Elsewhere it plays like the
// dealmaker.
#include <algorithm>
#include <cmath>

#include "bots/bot.h"

namespace mf::bots {
namespace {

using rules::Action;
using rules::ActionType;
using rules::SeatView;

constexpr int kDefaultBeliefs = 6;

class PlannerBot : public Bot {
 public:
  explicit PlannerBot(int beliefs) : beliefs_(beliefs) {
    base_ = MakeBot("dealmaker");
    for (const char* name :
         {"cooperator", "cooperator", "reciprocator", "reciprocator", "dealmaker", "hardliner"})
      pool_.push_back(MakeBot(name));
  }
  const std::string& name() const override { return name_; }

  Action Decide(const SeatView& v, rules::Rng& rng) override {
    // An organisation plays its mandate's heuristic (bots/organisation.cc).
    if (v.organisation(v.viewer())) return base_->Decide(v, rng);
    const Action base = base_->Decide(v, rng);
    std::vector<Action> candidates = Candidates(v, base);
    if (candidates.size() < 2) return base;
    const int me = v.viewer();
    std::vector<double> total(candidates.size(), 0.0);
    std::vector<int> valid(candidates.size(), 0);
    std::vector<Bot*> seats(static_cast<size_t>(v.num_seats()));
    for (int b = 0; b < beliefs_; ++b) {
      const uint64_t seed = rng.Next();
      rules::Rng belief_rng(seed);
      const std::vector<SeatView::BriefGuess> guesses = Guess(v, belief_rng);
      for (int s = 0; s < v.num_seats(); ++s)
        seats[static_cast<size_t>(s)] =
            s == me ? base_.get()
                    : pool_[belief_rng.Below(static_cast<uint32_t>(pool_.size()))].get();
      const rules::State world = v.Determinize(guesses, seed);
      for (size_t c = 0; c < candidates.size(); ++c) {
        rules::State st = world;
        if (!st.Apply(me, candidates[c]).ok()) continue;
        MatchOptions options;
        options.bot_seed = seed;
        RunMatch(&st, seats, options);
        if (!st.IsTerminal()) continue;
        total[c] += st.final_scores()[static_cast<size_t>(me)].total;
        ++valid[c];
      }
    }
    size_t best = 0;
    double best_mean = -1e300;
    for (size_t c = 0; c < candidates.size(); ++c) {
      if (valid[c] == 0) continue;
      const double mean = total[c] / valid[c];
      if (mean > best_mean + 1e-9) {
        best_mean = mean;
        best = c;
      }
    }
    return valid[best] > 0 ? candidates[best] : base;
  }

 private:
  // Guesses of the other seats' briefs from public information: a prior by
  // role (by role weight), pulled towards what each seat has stated on the current item.
  static std::vector<SeatView::BriefGuess> Guess(const SeatView& v, rules::Rng& rng) {
    std::vector<SeatView::BriefGuess> out(static_cast<size_t>(v.num_seats()));
    const int current = v.current_theme();
    for (int j = 0; j < v.num_seats(); ++j) {
      if (j == v.viewer()) continue;
      auto& g = out[static_cast<size_t>(j)];
      // A state of mixed roles: the roles' priors by its (public) weights.
      const double prior = 72 * v.role_weight(j, mf::SOURCE) + 50 * v.role_weight(j, mf::TRANSIT) +
                           30 * v.role_weight(j, mf::DESTINATION);
      for (int t = 0; t < v.num_themes(); ++t) {
        double ideal = prior + (rng.Uniform() - 0.5) * 40.0;
        if (t == current && v.statement(j) >= 0) ideal = 0.7 * v.statement(j) + 0.3 * ideal;
        g.ideal.push_back(std::clamp(ideal, 0.0, 100.0));
        g.priority.push_back(0.5 + 2.0 * rng.Uniform());
      }
    }
    return out;
  }

  static Action Make(ActionType t) { return Action::Make(t); }

  static std::vector<Action> Candidates(const SeatView& v, const Action& base) {
    std::vector<Action> out{base};
    auto add = [&](const Action& a) {
      if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
    };
    const int me = v.viewer();
    const rules::SeatData& brief = *v.brief(me);
    switch (base.type) {
      case ActionType::kVote:
        for (mf::VoteChoice c : {mf::SUPPORT, mf::STAND_ASIDE, mf::OBJECT}) {
          if (v.vote(me) == c) continue;
          Action a = Make(ActionType::kVote);
          a.vote = c;
          add(a);
        }
        break;
      case ActionType::kRatify: {
        Action a = base;
        a.flag = !base.flag;
        add(a);
        break;
      }
      case ActionType::kStatement: {
        const int ideal = static_cast<int>(std::lround(brief.ideal[v.current_theme()]));
        for (int p : {ideal, ideal - 15, ideal + 15}) {
          Action a = base;
          a.position = std::clamp(p, 0, 100);
          add(a);
        }
        break;
      }
      case ActionType::kTableDraft: {
        const int ideal = static_cast<int>(std::lround(brief.ideal[v.current_theme()]));
        for (int p : {ideal, (ideal + base.position) / 2})
          for (mf::Form f : {mf::CHAIRS_SUMMARY, mf::GUIDING_PRINCIPLES}) {
            if (!v.form_allowed(f)) continue;
            Action a = base;
            a.position = std::clamp(p, 0, 100);
            a.form = f;
            add(a);
          }
        break;
      }
      case ActionType::kAmend:
      case ActionType::kAcceptAmendment:
      case ActionType::kRejectAmendment:
        if (base.type == ActionType::kAcceptAmendment ||
            base.type == ActionType::kRejectAmendment) {
          Action a = base;
          a.type = base.type == ActionType::kAcceptAmendment ? ActionType::kRejectAmendment
                                                             : ActionType::kAcceptAmendment;
          add(a);
        } else {
          add(Make(ActionType::kReady));
        }
        break;
      case ActionType::kPledge:
      case ActionType::kEnforce: {
        const rules::Text* t = v.FindText(base.id);
        for (int level : {0, 50, 100}) {
          Action a = base;
          a.level = level;
          const int now =
              base.type == ActionType::kPledge ? (t ? t->level[me] : -1) : v.own()->enforcement;
          if (level != now) add(a);
        }
        break;
      }
      case ActionType::kHonourDeal:
      case ActionType::kAcceptDeal:
      case ActionType::kRejectDeal: {
        Action a = base;
        if (base.type == ActionType::kHonourDeal)
          a.flag = !base.flag;
        else
          a.type = base.type == ActionType::kAcceptDeal ? ActionType::kRejectDeal
                                                        : ActionType::kAcceptDeal;
        add(a);
        break;
      }
      case ActionType::kProposeDeal:
        add(Make(ActionType::kReady));
        break;
      default:
        break;
    }
    return out;
  }

  std::string name_ = "planner";
  int beliefs_;
  std::unique_ptr<Bot> base_;
  std::vector<std::unique_ptr<Bot>> pool_;
};

}  // namespace

std::unique_ptr<Bot> MakePlanner(int beliefs) {
  return std::make_unique<PlannerBot>(beliefs > 0 ? beliefs : kDefaultBeliefs);
}

}  // namespace mf::bots
