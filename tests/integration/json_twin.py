#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Checks that a `ctdb --json` output says what its text twin says.
#
#   json_twin.py KIND TEXT-FILE JSON-FILE
#
# TEXT-FILE is the stdout of the command without --json, JSON-FILE the
# stdout with it. JSON-FILE must hold exactly one JSON document on one
# line. Exits 0 when they match, 1 (with the differences on stdout) when
# not, 2 on bad usage.

import calendar
import json
import sys
import time


class Mismatch(Exception):
    pass


def same(what, text, js):
    if text != js:
        raise Mismatch("%s: text says %r, JSON says %r" % (what, text, js))


def load_json(path):
    with open(path, "rb") as f:
        data = f.read()
    if not data.endswith(b"\n") or data.count(b"\n") != 1:
        raise Mismatch("JSON output is not exactly one line: %r" % data)
    # Strict: jansson must never emit invalid UTF-8.
    return json.loads(data.decode("utf-8", errors="strict"))


def text_lines(path):
    with open(path, "rb") as f:
        data = f.read()
    # What a JSON consumer sees of bytes that are not UTF-8.
    return data.decode("utf-8", errors="replace").splitlines()


def flags_word(flags):
    names = [(0x01, "DISCONNECTED"), (0x40, "UNKNOWN"), (0x04, "DISABLED"),
             (0x08, "BANNED"), (0x02, "UNHEALTHY"), (0x10, "DELETED"),
             (0x20, "STOPPED"), (0x39, "INACTIVE")]
    words = [n for bit, n in names if flags & bit]
    return "|".join(words) if words else "OK"


def node_lines(lines, nodes):
    same("number of node lines", len(lines), len(nodes))
    for line, node in zip(lines, nodes):
        parts = line.split()
        this = parts[-2:] == ["(THIS", "NODE)"]
        if this:
            parts = parts[:-2]
        same("node line", line.startswith("pnn:"), True)
        same("pnn", int(parts[0][4:]), node["pnn"])
        same("address", parts[1], node["address"])
        same("status of node %d" % node["pnn"], parts[2], node["status"])
        same("status word from flags", flags_word(node["flags"]),
             node["status"])
        same("this node", this, node["this"])


def check_status(lines, js):
    count = lines.pop(0)
    deleted = js["deleted_nodes"]
    want = "Number of nodes:%d" % js["num_nodes"]
    if deleted > 0:
        want += " (including %d deleted nodes)" % deleted
    same("node count", count, want)
    nodes = [ln for ln in lines if ln.startswith("pnn:")]
    node_lines(nodes, js["nodes"])
    rest = [ln for ln in lines if not ln.startswith("pnn:")]
    me = [n for n in js["nodes"] if n["this"]]
    unhealthy = bool(me) and "UNHEALTHY" in me[0]["status"]
    same("health", "UNHEALTHY" if unhealthy else "HEALTHY",
         js["health"]["state"])
    if rest and rest[0].startswith("Reason: "):
        reason = rest.pop(0)[len("Reason: "):]
        first = js["health"]["reason"].split("\n")[0]
        clean = "".join("?" if ord(c) < 0x20 or c == "\x7f" else c
                        for c in first)
        same("reason", reason, clean)
    else:
        same("reason", None, js["health"]["reason"])
    mode = {"NORMAL": 0, "RECOVERY": 1}[js["recovery_mode"]]
    same("recovery mode", rest.pop(0),
         "Recovery mode:%s (%d)" % (js["recovery_mode"], mode))
    leader = js["leader"]
    same("leader", rest.pop(0),
         "Leader:%s" % ("UNKNOWN" if leader is None else leader))
    same("lines left over", rest, [])


def check_nodestatus(lines, js):
    if lines and lines[0].startswith("Number of nodes:"):
        lines = lines[1:]
    node_lines(lines, js["nodes"])


def check_ip(lines, js):
    head = lines.pop(0)
    if js["all"]:
        same("heading", head, "Public IPs on ALL nodes")
    else:
        same("heading", head, "Public IPs on node %d" % js["pnn"])
    same("number of IPs", len(lines), len(js["ips"]))
    for line, ip in zip(lines, js["ips"]):
        addr, pnn = line.split()
        same("address", addr, ip["address"])
        same("pnn of %s" % addr, int(pnn), ip["pnn"])
        same("ifaces of %s" % addr, isinstance(ip["ifaces"], list), True)


def check_runstate(lines, js):
    same("runstate", lines, [js["runstate"]])


def check_vars(lines, js):
    pairs = []
    for line in lines:
        name, value = line.split("=")
        pairs.append((name.strip(), int(value)))
    same("name=value pairs, in order", pairs, list(js.items()))


def ctime_of(rfc3339):
    secs = calendar.timegm(time.strptime(rfc3339[:19], "%Y-%m-%dT%H:%M:%S"))
    return time.ctime(secs)


def output_lines(script):
    failed = script["result"] != 0 and script["state"] != "DISABLED"
    out = script["output"]
    if out is None and not failed:
        return []
    text = (out or "").rstrip("\n")
    parts = text.split("\n")
    if len(parts) == 1:
        return ["  OUTPUT: " + parts[0]]
    return ["  OUTPUT:"] + ["    " + p for p in parts]


def script_line(script):
    name, state = script["name"], script["state"]
    if state == "TIMEDOUT":
        return "%-20s %-10s %s" % (name, state, ctime_of(script["begin"]))
    if state == "DISABLED":
        return "%-20s %-10s" % (name, state)
    if state == "CANNOT RUN":
        return "%-20s %-10s (%s)" % (name, state, script["error"])
    return "%-20s %-10s %.3f %s" % (name, state, script["duration"],
                                    ctime_of(script["begin"]))


def check_event_status(lines, js):
    want = []
    for script in js["scripts"]:
        for key in ("name", "state", "result", "begin", "end", "duration",
                    "output", "error"):
            same("script has %s" % key, key in script, True)
        want.append(script_line(script))
        want.extend(output_lines(script))
    same("script lines", lines, want)
    words = {0: "OK"}
    summary = js["result"]
    word = words.get(summary, "ERROR" if summary > 0 else None)
    if word is not None:
        same("summary state", js["state"], word)


def check_event_run(lines, js):
    msg = "\n".join(lines)
    ev, comp = js["event"], js["component"]
    want = {
        "OK": "",
        "FAILED": "Event %s in %s failed" % (ev, comp),
        "TIMEDOUT": "Event %s in %s timed out" % (ev, comp),
        "CANCELLED": "Event %s in %s got cancelled" % (ev, comp),
    }
    same("run state", msg, want.get(js["state"], "(unknown state)"))


def check_script_list(lines, js):
    entries = [ln for ln in lines if ln != ""]
    same("number of scripts", len(entries), len(js["scripts"]))
    for line, script in zip(entries, js["scripts"]):
        same("script name", line[2:], script["name"])
        same("enabled flag of %s" % script["name"], line[0] == "*",
             script["enabled"])
    if "" in lines:
        n = lines.index("")
        for script in js["scripts"][:n]:
            same("installed: %s" % script["name"], script["installed"], True)
        for script in js["scripts"][n:]:
            same("installed: %s" % script["name"], script["installed"],
                 False)


CHECKS = {
    "status": check_status,
    "nodestatus": check_nodestatus,
    "ip": check_ip,
    "runstate": check_runstate,
    "vars": check_vars,
    "event-status": check_event_status,
    "event-run": check_event_run,
    "script-list": check_script_list,
}


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in CHECKS:
        print("usage: json_twin.py {%s} TEXT JSON" % "|".join(CHECKS))
        return 2
    try:
        js = load_json(sys.argv[3])
        CHECKS[sys.argv[1]](text_lines(sys.argv[2]), js)
    except (Mismatch, ValueError, KeyError, IndexError, TypeError) as e:
        print("mismatch: %s: %s" % (type(e).__name__, e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
