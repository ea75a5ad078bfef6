#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# The invariant checker of corosync_faults.sh. About 10 times a second it
# reads the IPv4 addresses of every node's namespace (a netlink address
# dump, the same data "ip -n NS addr" shows, without a fork per node) and
# the state of every node's ctdb-noded (its pid file, /proc/PID/stat). A
# public address on two nodes whose ctdb-noded runs (alive, not stopped)
# is a violation: "<fault> <address> <nodes>" appended to VIOLATIONS. Each
# sample appends the current fault (first word of FAULT_FILE) to SAMPLES.
# Runs while RUN_FILE exists.
#
# A daemon that has just started (its pid file is younger than GRACE
# seconds) or just woken from SIGSTOP (the test touches PIDFILE.woken
# before SIGCONT) does not count yet: it still has the addresses it held
# before, and gets GRACE seconds to release them. Nor does one that is
# outside the cluster and releasing: ctdb-noded keeps JOINING (its
# RUNDIR/noded.joining) from its start until it has released what an
# earlier daemon left configured and joined, and from the moment it finds
# it was silent (SIGSTOP) until it has released what the others took
# meanwhile; it takes nothing while the file exists. (The overlap after
# SIGSTOP is the one no fencing leaves: ctdb-noded(8), CLUSTER.)
#
# usage: addr_checker.py PREFIX SKIP FAULT_FILE RUN_FILE VIOLATIONS SAMPLES
#        NAME:NETNS:PIDFILE[:JOINING]...

import ctypes
import os
import socket
import struct
import sys
import time

CLONE_NEWNET = 0x40000000
RTM_NEWADDR = 20
RTM_GETADDR = 22
NLMSG_DONE = 3
NLMSG_ERROR = 2
NLM_F_REQUEST = 0x1
NLM_F_DUMP = 0x300
IFA_ADDRESS = 1
IFA_LOCAL = 2
GRACE = 2.0

libc = ctypes.CDLL(None, use_errno=True)


def setns(fd):
    if libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def netlink_socket_in(netns):
    """A route netlink socket that belongs to netns."""
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open("/run/netns/" + netns, os.O_RDONLY)
    try:
        setns(target)
        sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                             socket.NETLINK_ROUTE)
    finally:
        setns(home)
        os.close(target)
        os.close(home)
    return sock


def ipv4_addresses(sock, seq):
    req = struct.pack("=LHHLL", 16 + 8, RTM_GETADDR,
                      NLM_F_REQUEST | NLM_F_DUMP, seq, 0)
    req += struct.pack("=BBBBL", socket.AF_INET, 0, 0, 0, 0)
    sock.send(req)
    found = set()
    while True:
        data = sock.recv(65536)
        off = 0
        while off + 16 <= len(data):
            mlen, mtype, _, mseq, _ = struct.unpack_from("=LHHLL", data, off)
            if mlen < 16:
                return found
            if mtype == NLMSG_DONE or mtype == NLMSG_ERROR:
                return found
            if mtype == RTM_NEWADDR and mseq == seq:
                found.update(addresses_of(data[off + 16:off + mlen]))
            off += (mlen + 3) & ~3


def addresses_of(msg):
    attrs = {}
    off = 8  # struct ifaddrmsg
    while off + 4 <= len(msg):
        alen, atype = struct.unpack_from("=HH", msg, off)
        if alen < 4:
            break
        attrs[atype] = msg[off + 4:off + alen]
        off += (alen + 3) & ~3
    raw = attrs.get(IFA_LOCAL, attrs.get(IFA_ADDRESS))
    if raw is None or len(raw) != 4:
        return []
    return [socket.inet_ntoa(raw)]


def in_grace(pidfile):
    newest = 0.0
    for path in (pidfile, pidfile + ".woken"):
        try:
            newest = max(newest, os.stat(path).st_mtime)
        except OSError:
            pass
    return time.time() - newest < GRACE


def running(pidfile, joining):
    if in_grace(pidfile):
        return False
    if joining and os.path.exists(joining):
        return False
    try:
        with open(pidfile) as f:
            pid = int(f.read().split()[0])
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, ValueError, IndexError):
        return False
    return state in ("R", "S", "D")


def read_fault(path):
    try:
        with open(path) as f:
            words = f.read().split()
    except OSError:
        return "-"
    return words[0] if words else "-"


def main():
    if len(sys.argv) < 8:
        print(__doc__, file=sys.stderr)
        return 2
    prefix, skip, fault_file, run_file, vio_path, smp_path = sys.argv[1:7]
    nodes = []
    for spec in sys.argv[7:]:
        name, netns, pidfile, joining = (spec.split(":", 3) + [""])[:4]
        nodes.append((name, netns_socket_or_die(netns), pidfile, joining))
    seq = 1
    with open(vio_path, "a", buffering=1) as vio, \
            open(smp_path, "a", buffering=1) as smp:
        while os.path.exists(run_file):
            start = time.monotonic()
            fault = read_fault(fault_file)
            on = {}
            for name, sock, pidfile, joining in nodes:
                seq += 1
                if not running(pidfile, joining):
                    continue
                for a in ipv4_addresses(sock, seq):
                    if a.startswith(prefix) and a != skip:
                        on.setdefault(a, []).append(name)
            for a, names in sorted(on.items()):
                if len(names) > 1:
                    vio.write("%s %s %s\n" % (fault, a, ",".join(names)))
            smp.write(fault + "\n")
            time.sleep(max(0.0, 0.1 - (time.monotonic() - start)))
    return 0


def netns_socket_or_die(netns):
    try:
        return netlink_socket_in(netns)
    except OSError as e:
        sys.exit("addr_checker: cannot open network namespace %s: %s"
                 % (netns, e))


if __name__ == "__main__":
    sys.exit(main())
