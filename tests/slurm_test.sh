#!/usr/bin/env bash
# A sweep on a real single-node Slurm (tests/slurm_cluster.sh): the shards as
# job arrays and a merge job after them, the merged report compared byte for
# byte with a single-process `forumctl sweep`.
#
#   slurm_test.sh FORUMCTL SOURCE_DIR WORK_DIR array      # submit, wait, compare
#   slurm_test.sh FORUMCTL SOURCE_DIR WORK_DIR resubmit   # one shard fails; resubmitted alone
set -euo pipefail

forumctl=${1:?forumctl}
src=${2:?source dir}
work=${3:?work dir}
mode=${4:?array|resubmit}

rm -rf "$work"
mkdir -p "$work"
cluster="$work/cluster"
# The cluster is torn down whatever happens.
trap 'bash "$src/tests/slurm_cluster.sh" stop "$cluster"' EXIT
# MaxArraySize 4: the 6 shards need two arrays (0-3, then 4-5 as tasks 0-1 + 4).
bash "$src/tests/slurm_cluster.sh" start "$cluster" 4
export SLURM_CONF="$cluster/slurm.conf"
export PATH="$PATH:/usr/sbin"

fail() {
  echo "FAIL: $*" >&2
  for f in "$work"/out/logs/*; do [ -f "$f" ] && { echo "== $f"; cat "$f"; }; done >&2
  exit 1
}

cd "$work"
sweep=(--scenario classroom-8 --param role_offset_transit --values 0,4 --games 300 --seed 7)
"$forumctl" sweep "${sweep[@]}" --out single.json --no-timing >/dev/null 2>&1 ||
  fail "single-process sweep"
"$forumctl" sweep plan "${sweep[@]}" --shard-games 100 --out plan.json || fail "plan"

# The sbatch command lines: two arrays with the concurrency limit, the merge after both.
"$forumctl" sweep submit --engine slurm --plan plan.json --out-dir out --max-parallel 2 \
  --print >print.txt || fail "submit --print"
grep -q -- "--array=0-3%2 " print.txt || fail "no --array=0-3%2 in: $(cat print.txt)"
grep -q -- "--array=0-1%2 " print.txt || fail "no --array=0-1%2 in: $(cat print.txt)"
grep -q -- "--shard-offset 4 " print.txt || fail "no --shard-offset 4 in: $(cat print.txt)"
grep -q -- "--dependency=afterok:\$JOB1:\$JOB2 " print.txt || fail "no afterok in: $(cat print.txt)"
rm -rf out

case "$mode" in
array)
  "$forumctl" sweep submit --engine slurm --plan plan.json --out-dir out --max-parallel 2 \
    --no-timing --wait --poll-ms 200 2>submit.err || { cat submit.err >&2; fail "submit --wait"; }
  cat submit.err >&2
  grep -q "shards done 6 of 6" submit.err || fail "no progress line 'shards done 6 of 6'"
  grep -q "games/s" submit.err || fail "no games/s in the progress"
  [ "$(ls out/shard-*.json | wc -l)" = 6 ] || fail "not 6 shard files: $(ls out)"
  cmp single.json out/report.json || fail "the merged report differs from the single-process one"
  ;;
resubmit)
  # Shard 3 cannot be written: its file's name is taken by a folder, so its
  # task fails for real (rename: Is a directory) and the merge never runs.
  mkdir -p out/shard-3.json
  if "$forumctl" sweep submit --engine slurm --plan plan.json --out-dir out --max-parallel 2 \
    --no-timing --wait --poll-ms 200 2>submit.err; then
    cat submit.err >&2
    fail "submit --wait succeeded with a shard that cannot be written"
  fi
  cat submit.err >&2
  grep -q "missing shards: 3 (1 of 6)" submit.err || fail "the failure does not name shard 3"
  grep -q -- "--only-missing" submit.err || fail "the failure does not say how to resubmit"
  grep -qs "Is a directory" out/logs/shard-*_3.out || fail "shard 3's log does not say why"
  [ ! -e out/report.json ] || fail "a report was merged without shard 3"
  "$forumctl" sweep merge --plan plan.json out >/dev/null 2>merge.err && fail "merge without shard 3"
  grep -q "missing shards: 3" merge.err || fail "merge does not name shard 3: $(cat merge.err)"

  rmdir out/shard-3.json
  before=$(stat -c %Y out/shard-0.json)
  "$forumctl" sweep submit --engine slurm --plan plan.json --out-dir out --only-missing \
    --no-timing --wait --poll-ms 200 2>resubmit.err || { cat resubmit.err >&2; fail "resubmit"; }
  cat resubmit.err >&2
  grep -q "sweep: shards 3 as job array" resubmit.err || fail "the resubmission is not shard 3 alone"
  [ "$(stat -c %Y out/shard-0.json)" = "$before" ] || fail "shard 0 was run again"
  cmp single.json out/report.json || fail "the merged report differs from the single-process one"
  ;;
*)
  fail "unknown mode $mode"
  ;;
esac
echo "slurm_test $mode: ok"
