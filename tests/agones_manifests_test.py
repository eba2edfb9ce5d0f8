#!/usr/bin/env python3
"""The offline check of the Agones manifests (deploy/agones), in place of
`kubectl kustomize` and a cluster, which this machine does not have.

usage: agones_manifests_test.py FORUMD DEPLOY_AGONES_DIR

It renders the kustomization as kubectl does for plain resources (every file
of `resources`, in order, each a YAML document or several), then checks:
- each object against the fields Agones 1.x and Kubernetes read (JSON Schema
  of the parts used here: Fleet agones.dev/v1, FleetAutoscaler
  autoscaling.agones.dev/v1);
- the FleetAutoscaler names the Fleet;
- forumd's arguments: every --flag is one `forumd --help` lists, each
  $(VAR) is defined in the container's env, the listening port is the
  declared containerPort, --agones is on and the store is PostgreSQL;
- and that the check itself refuses broken copies (a wrong fleetName, an
  unknown forumd flag, a missing port), so that it cannot pass vacuously.
"""
import copy
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import yaml

NAME = {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"}
METADATA = {"type": "object", "required": ["name"], "properties": {"name": NAME}}
CONTAINER = {
    "type": "object",
    "required": ["name", "image"],
    "properties": {
        "name": NAME,
        "image": {"type": "string", "minLength": 1},
        "args": {"type": "array", "items": {"type": "string"}},
        "env": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string"}},
                "oneOf": [{"required": ["value"]}, {"required": ["valueFrom"]}],
            },
        },
    },
}
FLEET = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "agones.dev/v1"},
        "kind": {"const": "Fleet"},
        "metadata": METADATA,
        "spec": {
            "type": "object",
            "required": ["template"],
            "properties": {
                "replicas": {"type": "integer", "minimum": 0},
                "scheduling": {"enum": ["Packed", "Distributed"]},
                "template": {
                    "type": "object",
                    "required": ["spec"],
                    "properties": {
                        "spec": {
                            "type": "object",
                            "required": ["ports", "template"],
                            "properties": {
                                "ports": {
                                    "type": "array",
                                    "minItems": 1,
                                    "items": {
                                        "type": "object",
                                        "required": ["name", "containerPort"],
                                        "properties": {
                                            "portPolicy": {
                                                "enum": ["Dynamic", "Static", "Passthrough", "None"]
                                            },
                                            "containerPort": {
                                                "type": "integer",
                                                "minimum": 1,
                                                "maximum": 65535,
                                            },
                                            "protocol": {"enum": ["TCP", "UDP", "TCPUDP"]},
                                        },
                                    },
                                },
                                "template": {
                                    "type": "object",
                                    "required": ["spec"],
                                    "properties": {
                                        "spec": {
                                            "type": "object",
                                            "required": ["containers"],
                                            "properties": {
                                                "containers": {
                                                    "type": "array",
                                                    "minItems": 1,
                                                    "items": CONTAINER,
                                                }
                                            },
                                        }
                                    },
                                },
                            },
                        }
                    },
                },
            },
        },
    },
}
AUTOSCALER = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "autoscaling.agones.dev/v1"},
        "kind": {"const": "FleetAutoscaler"},
        "metadata": METADATA,
        "spec": {
            "type": "object",
            "required": ["fleetName", "policy"],
            "properties": {
                "fleetName": NAME,
                "policy": {
                    "type": "object",
                    "required": ["type", "buffer"],
                    "properties": {
                        "type": {"const": "Buffer"},
                        "buffer": {
                            "type": "object",
                            "required": ["bufferSize", "maxReplicas"],
                            "properties": {
                                "bufferSize": {"type": ["integer", "string"]},
                                "minReplicas": {"type": "integer", "minimum": 0},
                                "maxReplicas": {"type": "integer", "minimum": 1},
                            },
                        },
                    },
                },
            },
        },
    },
}
SCHEMAS = {"Fleet": FLEET, "FleetAutoscaler": AUTOSCALER}


def render(folder):
    """What `kubectl kustomize` gives for a kustomization of plain resources."""
    k = yaml.safe_load((folder / "kustomization.yaml").read_text())
    if k.get("kind") != "Kustomization" or not k.get("resources"):
        raise ValueError("kustomization.yaml: a Kustomization with resources is expected")
    unsupported = set(k) - {"apiVersion", "kind", "resources"}
    if unsupported:
        raise ValueError("kustomization.yaml: not checked offline: " + ", ".join(sorted(unsupported)))
    objects = []
    for r in k["resources"]:
        objects += [d for d in yaml.safe_load_all((folder / r).read_text()) if d is not None]
    return objects


def problems(objects, forumd_flags):
    """Every problem found in the rendered objects (empty: they pass)."""
    found = []
    by_kind = {}
    for o in objects:
        kind = o.get("kind")
        if kind not in SCHEMAS:
            found.append("unexpected object kind %r" % kind)
            continue
        try:
            jsonschema.validate(o, SCHEMAS[kind])
        except jsonschema.ValidationError as e:
            found.append("%s: %s at %s" % (kind, e.message, "/".join(map(str, e.path))))
            continue
        by_kind.setdefault(kind, []).append(o)
    fleets = {f["metadata"]["name"]: f for f in by_kind.get("Fleet", [])}
    if not fleets:
        found.append("no Fleet")
    if not by_kind.get("FleetAutoscaler"):
        found.append("no FleetAutoscaler")
    for a in by_kind.get("FleetAutoscaler", []):
        if a["spec"]["fleetName"] not in fleets:
            found.append("FleetAutoscaler %s names no Fleet of these manifests: %s"
                         % (a["metadata"]["name"], a["spec"]["fleetName"]))
        b = a["spec"]["policy"]["buffer"]
        if b.get("minReplicas", 0) > b["maxReplicas"]:
            found.append("FleetAutoscaler: minReplicas above maxReplicas")
    for name, f in fleets.items():
        gs = f["spec"]["template"]["spec"]
        ports = {p["containerPort"] for p in gs["ports"]}
        forumd = [c for c in gs["template"]["spec"]["containers"] if c["name"] == "forumd"]
        if not forumd:
            found.append("Fleet %s: no container named forumd" % name)
            continue
        c = forumd[0]
        env = {e["name"] for e in c.get("env", [])}
        args = c.get("args", [])
        values = {}
        for a in args:
            m = re.match(r"^--([a-z0-9-]+)(?:=(.*))?$", a)
            if not m:
                found.append("Fleet %s: forumd argument %r is not --flag=value" % (name, a))
                continue
            if m.group(1) not in forumd_flags:
                found.append("Fleet %s: forumd has no flag --%s" % (name, m.group(1)))
            values[m.group(1)] = m.group(2) or ""
            for var in re.findall(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", a):
                if var not in env:
                    found.append("Fleet %s: $(%s) is not in the container's env" % (name, var))
        listen = values.get("listen", "")
        port = listen.rsplit(":", 1)[-1]
        if not port.isdigit() or int(port) not in ports:
            found.append("Fleet %s: forumd listens on %r, not on a declared containerPort %s"
                         % (name, listen, sorted(ports)))
        if values.get("agones") != "on":
            found.append("Fleet %s: forumd runs without --agones=on" % name)
        store = values.get("store", "")
        if not store:
            found.append("Fleet %s: forumd has no --store (the game servers share PostgreSQL)" % name)
    return found


def main():
    forumd, folder = sys.argv[1], Path(sys.argv[2])
    help_text = subprocess.run([forumd, "--help"], capture_output=True, text=True).stdout
    help_text += subprocess.run([forumd, "--help"], capture_output=True, text=True).stderr
    flags = set(re.findall(r"--([a-z0-9][a-z0-9-]*)", help_text))
    if not {"store", "agones", "node-id", "lease-ttl"} <= flags:
        print("forumd --help does not list the cluster flags: %s" % sorted(flags))
        return 1
    objects = render(folder)
    found = problems(objects, flags)
    for p in found:
        print("deploy/agones: " + p)
    if found:
        return 1
    # The check refuses broken copies.
    def broken(change):
        o = copy.deepcopy(objects)
        change(o)
        return problems(o, flags)

    def fleet(o):
        return next(x for x in o if x["kind"] == "Fleet")

    def container(o):
        return fleet(o)["spec"]["template"]["spec"]["template"]["spec"]["containers"][0]

    cases = {
        "wrong fleetName": lambda o: next(x for x in o if x["kind"] == "FleetAutoscaler")[
            "spec"].update(fleetName="another"),
        "unknown flag": lambda o: container(o)["args"].append("--no-such-flag=1"),
        "undefined variable": lambda o: container(o)["args"].append("--node-id=$(NOWHERE)"),
        "no port": lambda o: fleet(o)["spec"]["template"]["spec"].pop("ports"),
        "bad apiVersion": lambda o: fleet(o).update(apiVersion="agones.dev/v0"),
    }
    for what, change in cases.items():
        if not broken(change):
            print("the check accepts a broken copy: " + what)
            return 1
    print("deploy/agones: %d objects (%s) pass; %d broken copies refused"
          % (len(objects), ", ".join(o["kind"] for o in objects), len(cases)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
