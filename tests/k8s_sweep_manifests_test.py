#!/usr/bin/env python3
"""The offline check of the Kubernetes manifests of a cluster sweep (no cluster
here): `forumctl sweep submit --engine k8s --print` and the static example
deploy/kubernetes/sweep.yaml.

usage: k8s_sweep_manifests_test.py FORUMCTL DEPLOY_KUBERNETES_DIR WORK_DIR

Checks, for each set of objects:
- a ConfigMap holding the plan (JSON of mf.SweepPlan, its shards count),
  a ReadWriteMany PersistentVolumeClaim, an Indexed Job of the shards and a
  merge Job;
- the Indexed Job: completionMode Indexed, completions = the plan's shards,
  parallelism as asked, restartPolicy Never, `forumctl sweep run` reading the
  plan from the ConfigMap's mount and writing to the claim's mount (the index
  comes from JOB_COMPLETION_INDEX: no --shard);
- the merge Job reads the same plan and the same claim;
- every --flag of both commands is one `forumctl sweep run|merge --help` lists;
and that the check refuses broken copies, so that it cannot pass vacuously.
"""
import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import yaml


def helped_flags(forumctl, sub):
    out = subprocess.run([forumctl, "sweep", sub, "--help"], check=True,
                         capture_output=True, text=True).stdout
    return set(re.findall(r"^\s+(--[a-z-]+)", out, re.M))


def mounts(container, volumes):
    """mountPath -> ("configMap", name) or ("pvc", claim)."""
    by_name = {}
    for v in volumes:
        if "configMap" in v:
            by_name[v["name"]] = ("configMap", v["configMap"]["name"])
        elif "persistentVolumeClaim" in v:
            by_name[v["name"]] = ("pvc", v["persistentVolumeClaim"]["claimName"])
    return {m["mountPath"]: by_name[m["name"]] for m in container["volumeMounts"]}


def flag_value(command, flag):
    i = command.index(flag)
    return command[i + 1]


def check(docs, forumctl, parallelism=None, plan=None):
    kinds = [d["kind"] for d in docs]
    assert kinds == ["ConfigMap", "PersistentVolumeClaim", "Job", "Job"], kinds
    config, pvc, job, merge = docs
    plan_json = json.loads(config["data"]["plan.json"])
    assert len(plan_json["sha256"]) == 64, plan_json
    if plan is not None:
        assert plan_json == plan, "the ConfigMap's plan is not the plan file"
    assert "ReadWriteMany" in pvc["spec"]["accessModes"], pvc["spec"]
    spec = job["spec"]
    assert spec["completionMode"] == "Indexed", spec
    assert spec["completions"] == int(plan_json["shards"]), (spec["completions"],
                                                              plan_json["shards"])
    if parallelism is not None:
        assert spec["parallelism"] == parallelism, spec["parallelism"]
    assert 1 <= spec["parallelism"] <= spec["completions"], spec
    for j in (job, merge):
        pod = j["spec"]["template"]["spec"]
        assert pod["restartPolicy"] == "Never", pod
        assert len(pod["containers"]) == 1
    run_pod = job["spec"]["template"]["spec"]
    merge_pod = merge["spec"]["template"]["spec"]
    run_c, merge_c = run_pod["containers"][0], merge_pod["containers"][0]
    run_cmd, merge_cmd = [str(w) for w in run_c["command"]], [str(w) for w in merge_c["command"]]
    assert run_cmd[:3] == ["forumctl", "sweep", "run"], run_cmd
    assert merge_cmd[:3] == ["forumctl", "sweep", "merge"], merge_cmd
    assert "--shard" not in run_cmd, "the index must come from JOB_COMPLETION_INDEX"
    for cmd, sub in ((run_cmd, "run"), (merge_cmd, "merge")):
        known = helped_flags(forumctl, sub)
        for w in cmd:
            if w.startswith("--"):
                assert w in known, f"forumctl sweep {sub} has no {w} ({sorted(known)})"
    run_m, merge_m = mounts(run_c, run_pod["volumes"]), mounts(merge_c, merge_pod["volumes"])
    cm = ("configMap", config["metadata"]["name"])
    claim = ("pvc", pvc["metadata"]["name"])
    plan_path = flag_value(run_cmd, "--plan")
    assert run_m[str(Path(plan_path).parent)] == cm, (plan_path, run_m)
    assert plan_path.endswith("/plan.json"), plan_path
    assert run_m[flag_value(run_cmd, "--out-dir")] == claim, run_m
    assert flag_value(merge_cmd, "--plan") == plan_path, merge_cmd
    merge_dir = merge_cmd[merge_cmd.index(plan_path) + 1]
    assert merge_m[merge_dir] == claim, (merge_dir, merge_m)
    assert merge_m[str(Path(plan_path).parent)] == cm, merge_m
    assert Path(flag_value(merge_cmd, "--out")).parent == Path(merge_dir), merge_cmd


def refuses(docs, forumctl, break_it, what):
    broken = copy.deepcopy(docs)
    break_it(broken)
    try:
        check(broken, forumctl)
    except (AssertionError, KeyError, ValueError):
        return
    raise AssertionError(f"the check passed a broken copy: {what}")


def main():
    forumctl, deploy, work = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    work.mkdir(parents=True, exist_ok=True)
    plan_file = work / "plan.json"
    subprocess.run([forumctl, "sweep", "plan", "--scenario", "classroom-8", "--param",
                    "role_offset_transit", "--values", "0,4", "--games", "100",
                    "--shard-games", "30", "--out", str(plan_file)], check=True)
    plan = json.loads(plan_file.read_text())
    assert plan["shards"] == "7", plan
    text = subprocess.run([forumctl, "sweep", "submit", "--engine", "k8s", "--plan",
                           str(plan_file), "--print", "--max-parallel", "3", "--image",
                           "registry.example/forum:1", "--pvc", "sweep-out"],
                          check=True, capture_output=True, text=True).stdout
    docs = [d for d in yaml.safe_load_all(text) if d]
    check(docs, forumctl, parallelism=3, plan=plan)
    assert docs[2]["spec"]["template"]["spec"]["containers"][0]["image"] == \
        "registry.example/forum:1"

    # Without --print, k8s submit says how to apply instead of pretending.
    r = subprocess.run([forumctl, "sweep", "submit", "--engine", "k8s", "--plan",
                        str(plan_file)], capture_output=True, text=True)
    assert r.returncode == 2 and "--print" in r.stderr, (r.returncode, r.stderr)

    # The static example in deploy/kubernetes.
    static = [d for d in yaml.safe_load_all((deploy / "sweep.yaml").read_text()) if d]
    check(static, forumctl)

    def wrong_completions(d):
        d[2]["spec"]["completions"] += 1

    def not_indexed(d):
        d[2]["spec"]["completionMode"] = "NonIndexed"

    def other_claim(d):
        d[3]["spec"]["template"]["spec"]["volumes"][1]["persistentVolumeClaim"]["claimName"] = "x"

    def unknown_flag(d):
        d[2]["spec"]["template"]["spec"]["containers"][0]["command"].append("--no-such-flag")

    def fixed_shard(d):
        d[2]["spec"]["template"]["spec"]["containers"][0]["command"] += ["--shard", "0"]

    for f in (wrong_completions, not_indexed, other_claim, unknown_flag, fixed_shard):
        refuses(docs, forumctl, f, f.__name__)
    print("k8s sweep manifests: ok")


if __name__ == "__main__":
    main()
