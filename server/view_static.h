// The fields of a View that never change during a session. forumd sends them
// in the first view of a stream only (ServerEvent.static_omitted on the
// others); clients keep them from that first view. Header-only, so that the
// network clients share it without linking the server.
#pragma once

#include "game.pb.h"

namespace mf::server {

inline void ClearStaticFields(mf::View* v) {
  v->clear_scenario();
  v->clear_title();
  v->clear_description();
  v->clear_cycles();
  v->clear_decision_rule();
  v->clear_themes();
  v->clear_brief();
  v->clear_all_briefs();
  v->clear_caucuses();
  v->clear_observers();
}

inline void CopyStaticFields(const mf::View& from, mf::View* to) {
  to->set_scenario(from.scenario());
  to->set_title(from.title());
  to->set_description(from.description());
  to->set_cycles(from.cycles());
  to->set_decision_rule(from.decision_rule());
  *to->mutable_themes() = from.themes();
  *to->mutable_brief() = from.brief();
  *to->mutable_all_briefs() = from.all_briefs();
  *to->mutable_caucuses() = from.caucuses();
  *to->mutable_observers() = from.observers();
}

}  // namespace mf::server
