#!/usr/bin/env python3
"""Where forumd's CPU goes per action, from a perf recording (README
"Measured load"): reads `perf script` output of a `perf record -g` (or
--call-graph dwarf) of forumd, puts every sample in one category by the
frames on its stack (the first rule that matches, in the order below), and
prints a Markdown table: share of the samples and, given the CPU time per
action measured alongside (`forumctl load`'s cpu.server_us_per_action),
microseconds per action.

    perf script -i perf.data | python3 tools/perf_breakdown.py --us-per-action 380

The categories are RULES below: a sample goes to the first whose regular
expressions all match frames of its stack.
"""
import argparse
import collections
import re
import sys

RULES = [
    # (category, regular expressions that must all match frames of the stack)
    ("bots (BotMove)", [r"BotTurn|BotMove"]),
    ("view building (MakeView, verdicts)", [r"MakeView|MakeViewEvent|ViewParts|ViewBuilder"]),
    ("serialization of views", [r"SerializationTraits|_InternalSerialize|ByteSizeLong|"
                                r"SerializeToString|SerializeAsString|SerializeWithCachedSizes|"
                                r"SerializePartial|EventBytes",
                                r"StreamSink|PushViews|PushLatest"]),
    ("stream writes (gRPC write path, sendmsg)", [r"StartWrite|StreamSink::|PushLatest|"
                                                  r"PushQueued|StreamReactor::OnWriteDone"]),
    ("store commit (SQLite thread)", [r"SqliteStore|sqlite3"]),
    ("validation (Check)", [r"rules::State::Check|ActionFromProto"]),
    ("apply (engine)", [r"rules::State::Apply"]),
    ("Act call: parse, authenticate, answer", [r"ParseRequest|FindBadUtf8|Authenticate|"
                                               r"TokenHash|Registry::Authorize|ForumService|"
                                               r"Unary<|UnaryReactor"]),
    ("record and hash chain", [r"ChainNext|CommitApply|ActionToProto|Sha256"]),
    ("gRPC internals (polling, reading, HTTP/2, completion queue)",
     [r"grpc|gpr_|absl|epoll|pollset|tcp_|chttp2|ExecCtx|Combiner|sendmsg|recvmsg"]),
    ("thread switches and locks (kernel, asio)", [r"futex|schedule|finish_task_switch|asio"]),
]


def samples(stream):
    """Yields the list of symbols of each sample, leaf first."""
    frames = []
    for line in stream:
        line = line.rstrip("\n")
        if not line.strip():
            if frames:
                yield frames
            frames = []
            continue
        if line.startswith((" ", "\t")):
            parts = line.strip().split(None, 1)
            sym = parts[1] if len(parts) > 1 else parts[0]
            sym = re.sub(r"\s+\([^)]*\)$", "", sym)  # the DSO in parentheses
            frames.append(sym)
        else:
            if frames:
                yield frames
            frames = []
    if frames:
        yield frames


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--us-per-action", type=float, default=0,
                    help="forumd's CPU per action over the run, to turn shares into us")
    args = ap.parse_args()
    compiled = [(name, [re.compile(rx) for rx in rxs]) for name, rxs in RULES]
    counts = collections.Counter()
    total = 0
    for frames in samples(sys.stdin):
        total += 1
        text = "\n".join(frames)
        for name, rxs in compiled:
            if all(rx.search(text) for rx in rxs):
                counts[name] += 1
                break
        else:
            counts["other"] += 1
    if total == 0:
        print("perf_breakdown: no samples on stdin", file=sys.stderr)
        return 1
    print("| where | share of forumd's CPU | us per action |")
    print("|---|---|---|")
    for name in [n for n, _ in RULES] + ["other"]:
        share = counts[name] / total
        us = f"{share * args.us_per_action:.0f}" if args.us_per_action else "-"
        print(f"| {name} | {100 * share:.1f}% | {us} |")
    print(f"| all ({total} samples) | 100% | "
          f"{args.us_per_action:.0f} |" if args.us_per_action else f"| all ({total} samples) | 100% | - |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
