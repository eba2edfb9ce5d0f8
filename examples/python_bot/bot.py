#!/usr/bin/env python3
"""A Migration Forum bot in Python: joins a session with its code and plays one
seat over gRPC until the game ends.

It needs only Debian's python3-grpcio and python3-grpc-tools: the Python code
for the service is generated at start from the project's .proto files into a
temporary folder.

    /usr/bin/python3 examples/python_bot/bot.py --server 127.0.0.1:50051 --join ABCD-EFGH

--server may be a router (HAProxy, nginx) in front of several forumd: every call
carries the session's id as `x-forum-session` metadata, a node that does not own
the session answers UNAVAILABLE with the owner's address in the `x-forum-owner`
trailer and the bot retries there; when the owner dies, it comes back through
the router until another node has taken the session over.

Policy (the same light policy as `forumctl bot`, from the seat's view alone):
endorse civil-society recommendations near its ideal, state its ideal on each
item, support drafts near its ideal (stand aside a bit further, object far
away or across a red line), ratify conventions near its ideal, and say it is
ready otherwise.
"""
import argparse
import json
import os
import sys
import tempfile
import time


def load_modules(proto_dir):
    """Generates forum_pb2 / forum_pb2_grpc / game_pb2 and imports them."""
    from grpc_tools import protoc
    out = tempfile.mkdtemp(prefix="mf_python_bot_")
    args = ["protoc", "-I" + proto_dir, "--python_out=" + out, "--grpc_python_out=" + out,
            os.path.join(proto_dir, "game.proto"), os.path.join(proto_dir, "forum.proto")]
    if protoc.main(args) != 0:
        sys.exit("bot.py: protoc failed on " + proto_dir)
    sys.path.insert(0, out)
    import forum_pb2  # noqa: E402
    import forum_pb2_grpc  # noqa: E402
    import game_pb2  # noqa: E402
    return forum_pb2, forum_pb2_grpc, game_pb2


# Fields of a View that forumd sends in the first view of a stream only
# (ServerEvent.static_omitted on the later ones). Not the decision rule: a
# theme or a forum chosen in the game may change it, so every view has it.
STATIC_FIELDS = ("scenario", "title", "description", "cycles", "themes",
                 "brief", "all_briefs", "caucuses", "observers")


def complete_view(first, event):
    """The event's view with the static fields filled in from the first view."""
    view = type(event.view)()
    view.CopyFrom(event.view)
    if event.static_omitted and first is not None:
        for name in STATIC_FIELDS:
            field = view.DESCRIPTOR.fields_by_name[name]
            if field.label == field.LABEL_REPEATED:
                getattr(view, name).extend(getattr(first, name))
            elif field.message_type is not None:
                getattr(view, name).CopyFrom(getattr(first, name))
            else:
                setattr(view, name, getattr(first, name))
    return view


def ideal(view, theme):
    for s in view.brief.stances:
        if s.theme == theme:
            return s.ideal
    return 50


def crosses_red_line(view, theme, position, form):
    for r in view.brief.red_lines:
        if r.theme != theme:
            continue
        if r.max_form and form > r.max_form:
            return True
        if 0 < r.max_position < 100 and position > r.max_position:
            return True
        if r.min_position > 0 and position < r.min_position:
            return True
    return False


def allowed(view, game, kind, target=0):
    """Whether the engine allows this kind of action (about `target`) now,
    from the verdicts in the view: the engine decides, the bot never guesses
    the rules. A kind the view leaves out belongs to another phase."""
    number = game.Action.DESCRIPTOR.fields_by_name[kind].number
    whole = about = None
    for v in view.verdicts:
        if v.kind != number:
            continue
        if v.target == 0:
            whole = v
        elif v.target == target:
            about = v
    if whole is None or whole.refused:
        return False
    # Each live object of a kind has its own verdict; others are not offered.
    return target == 0 or (about is not None and not about.refused)


def decide(view, game):
    """The action to take on this view, or None when there is nothing to do."""
    me = view.viewer
    if me < 0 or me >= len(view.seats) or view.seats[me].bot:
        return None
    if not allowed(view, game, "ready"):  # already ready, paused or over
        return None
    seat = view.seats[me]
    a = game.Action()
    if allowed(view, game, "endorse"):
        for r in view.recommendations:
            if allowed(view, game, "endorse", r.id) and abs(r.position - ideal(view, r.theme)) <= 15:
                a.endorse.recommendation = r.id
                return a
    if allowed(view, game, "statement") and seat.statement_position < 0 and view.current_theme:
        a.statement.position = ideal(view, view.current_theme)
        a.statement.text = "Python speaks for %s." % seat.name
        return a
    if allowed(view, game, "vote") and view.draft.id:
        d = view.draft
        dist = abs(d.position - ideal(view, d.theme))
        if dist <= 20 and not crosses_red_line(view, d.theme, d.position, d.form):
            choice = game.SUPPORT
        elif dist <= 35:
            choice = game.STAND_ASIDE
        else:
            choice = game.OBJECT
        if seat.vote != choice:
            a.vote.choice = choice
            return a
    if allowed(view, game, "ratify"):
        for t in view.texts:
            if allowed(view, game, "ratify", t.id):
                a.ratify.text = t.id
                a.ratify.ratify = (abs(t.position - ideal(view, t.theme)) <= 20 and
                                   not crosses_red_line(view, t.theme, t.position, t.form))
                return a
    a.ready.SetInParent()
    return a


class Forum:
    """forumd at one address (a router or a server), following a cluster's redirects."""

    def __init__(self, grpc, forum_grpc, address):
        self.grpc = grpc
        self.forum_grpc = forum_grpc
        self.entry = address
        self.owner = None  # The session's owner, once a node named it.
        self.session = ""
        self.stubs = {}

    def stub(self):
        address = self.owner or self.entry
        if address not in self.stubs:
            self.stubs[address] = self.forum_grpc.ForumStub(self.grpc.insecure_channel(address))
        return self.stubs[address]

    def metadata(self, token=None):
        meta = []
        if token:
            meta.append(("authorization", "Bearer " + token))
        if self.session:
            meta.append(("x-forum-session", self.session))
        return tuple(meta)

    def learn(self, error):
        """True when the answer named the session's owner: the call was not
        done, make it again there. Without a name (the owner died or dropped
        the session), the next calls go through the entry address again."""
        if error.code() != self.grpc.StatusCode.UNAVAILABLE:
            return False
        trailers = dict(error.trailing_metadata() or ())
        if trailers.get("x-forum-owner"):
            self.owner = trailers["x-forum-owner"]
            self.session = trailers.get("x-forum-session") or self.session
            return True
        self.owner = None
        return False

    def call(self, method, request, token=None, patient=False):
        """One call, following redirects. `patient` (the join): while no node
        answers for the session (its owner died and no node took it over yet:
        the call did nothing), try again through the entry address for up to
        60 s."""
        deadline = time.monotonic() + 60
        hops = 0
        while True:
            try:
                return getattr(self.stub(), method)(request, metadata=self.metadata(token))
            except self.grpc.RpcError as e:
                if self.learn(e) and hops < 5:
                    hops += 1
                    continue
                if not (patient and e.code() == self.grpc.StatusCode.UNAVAILABLE
                        and time.monotonic() < deadline):
                    raise
                hops = 0
                time.sleep(0.2)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--server", required=True, help="forumd address, host:port")
    p.add_argument("--join", required=True, help="the session's join code")
    p.add_argument("--seat", type=int, default=-1, help="the seat wanted (default: any free)")
    p.add_argument("--name", default="python-bot")
    p.add_argument("--proto-dir", default=os.path.join(here, "..", "..", "proto"))
    args = p.parse_args()

    import grpc
    forum, forum_grpc, game = load_modules(os.path.abspath(args.proto_dir))
    server = Forum(grpc, forum_grpc, args.server)
    join = forum.JoinSessionRequest(join_code=args.join, display_name=args.name)
    if args.seat >= 0:
        join.seat = args.seat
    seat = server.call("JoinSession", join, patient=True)
    server.session = seat.session
    token = seat.seat_token
    result = {"session": seat.session, "seat": seat.seat, "seat_name": seat.seat_name,
              "actions": 0, "refused": 0, "stale": 0, "finished": False}
    last = None
    progress = time.monotonic()
    while not result["finished"]:
        first = None
        try:
            stream = server.stub().Subscribe(forum.SubscribeRequest(session=seat.session),
                                             metadata=server.metadata(token))
            for event in stream:
                if not event.HasField("view"):
                    continue
                progress = time.monotonic()
                if not event.static_omitted:
                    first = event.view
                last = complete_view(first, event)
                if last.phase == game.GAME_OVER:
                    result["finished"] = True
                    continue
                action = decide(last, game)
                while action is not None:
                    req = forum.ActRequest(session=seat.session, action=action,
                                           based_on_version=last.version)
                    try:
                        server.call("Act", req, token)
                        result["actions"] += 1
                        break
                    except grpc.RpcError as e:
                        code, text = e.code(), e.details() or ""
                        if code == grpc.StatusCode.RESOURCE_EXHAUSTED:
                            time.sleep(0.1)  # Rate limit: try again shortly.
                            continue
                        if code == grpc.StatusCode.FAILED_PRECONDITION and "out of date" in text:
                            result["stale"] += 1  # A newer view is on its way.
                            break
                        if code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.INTERNAL):
                            stream.cancel()  # The session moved: subscribe again.
                            break
                        result["refused"] += 1
                        if action.HasField("ready"):
                            break
                        action = game.Action()
                        action.ready.SetInParent()
            break  # The stream ended normally.
        except grpc.RpcError as e:
            if result["finished"]:
                break
            # A router resets the streams of a node that died (INTERNAL).
            moved = e.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED,
                                 grpc.StatusCode.INTERNAL)
            if moved and time.monotonic() - progress < 60:
                time.sleep(0.05 if server.learn(e) else 0.2)
                continue
            result["error"] = "%s: %s" % (e.code().name, e.details())
            break
    if last is not None:
        for s in last.scores:
            if s.seat == seat.seat:
                result["score"] = round(s.total, 2)
                result["rank"] = s.rank
    print(json.dumps(result))
    return 0 if result["finished"] else 1


if __name__ == "__main__":
    sys.exit(main())
