#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# The event bus (nats_bus.c) against a real nats-server: delivery, a server
# stopped, hung and restarted, while the publishing loop never waits.
"""Run by nats_bus.sh. Exit status: 0, 1 on a failed check, 77 to skip.

Phases, with a subscriber on the raw protocol (nats_sub.py):
 1. messages published by the driver arrive, in order;
 2. the server is stopped: the bus reports UNREACHABLE; every publish
    call returns within PUB_BOUND and the loop keeps turning (its 10 ms
    timer never late by more than GAP_BOUND);
 3. a hung server (accepts TCP, never speaks) on the port: libnats
    spends its connect timeout holding its lock; publishing still
    returns within PUB_BOUND;
 4. the server is restarted on the same port: CONNECTED again, new
    messages arrive; UNREACHABLE was reported exactly once, CONNECTED
    exactly twice;
 5. freeing the bus takes less than QUIT_BOUND, also with no server.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import queue

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nats_sub import Subscriber  # noqa: E402

SCALE = 10 if os.environ.get("VALGRIND") else 1
PUB_BOUND_US = 50000 * SCALE      # one publish call
GAP_BOUND_US = 200000 * SCALE     # lateness of the loop's 10 ms timer
QUIT_BOUND_US = 8000000 * SCALE   # freeing the bus (5 s join bound + slack)
WAIT = 15 * SCALE                 # for anything asynchronous

failed = 0
passed = 0
procs = []


def ok(name):
    global passed
    passed += 1
    print("ok: " + name)


def fail(name):
    global failed
    failed += 1
    print("FAIL: " + name)


def check(name, cond):
    if cond:
        ok(name)
    else:
        fail(name)
    return cond


def wait_for(pred, seconds=WAIT):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.02)
    return pred()


def port_free(port):
    s = socket.socket()
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def pick_port():
    base = 20000 + os.getppid() % 20000
    for i in range(50):
        p = 20000 + (base - 20000 + i * 97) % 20000
        if port_free(p):
            return p
    return None


def connectable(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


class Server:
    def __init__(self, binary, port, tmp):
        self.binary, self.port, self.tmp = binary, port, tmp
        self.proc = None

    def start(self):
        log = open(os.path.join(self.tmp, "nats-server.log"), "ab")
        self.proc = subprocess.Popen(
            [self.binary, "-a", "127.0.0.1", "-p", str(self.port)],
            stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        procs.append(self.proc)
        return wait_for(lambda: connectable(self.port))

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return wait_for(lambda: port_free(self.port))


class Driver:
    def __init__(self, path, url):
        cmd = [path, url]
        vg = os.environ.get("VALGRIND", "")
        if vg:
            cmd = vg.split() + cmd
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True,
                                     bufsize=1)
        procs.append(self.proc)
        self.answers = queue.Queue()
        self.states = []
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            line = line.rstrip("\n")
            if line.startswith("state "):
                with self.lock:
                    self.states.append(line)
            else:
                self.answers.put(line)
        self.answers.put(None)

    def cmd(self, text):
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()
        return self.answers.get(timeout=WAIT)

    def state_count(self, word):
        with self.lock:
            return sum(1 for s in self.states if s.split()[1] == word)

    def pub_us(self, subject, text):
        a = self.cmd("pub %s %s" % (subject, text)).split()
        return int(a[1]), int(a[2])


class Received:
    def __init__(self):
        self.lock = threading.Lock()
        self.msgs = []
        self.ready = 0

    def on_msg(self, subj, data):
        with self.lock:
            self.msgs.append((subj, data))

    def on_ready(self, n):
        with self.lock:
            self.ready = n

    def datas(self, subj):
        with self.lock:
            return [d for s, d in self.msgs if s == subj]


def pub_while(d, subject, seconds):
    """Publish every 20 ms for seconds; return the slowest call and the
    loop's worst timer lateness over the period."""
    worst = 0
    rcs = set()
    d.cmd("loop")
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        us, rc = d.pub_us(subject, "m%d" % i)
        worst = max(worst, us)
        rcs.add(rc)
        i += 1
        time.sleep(0.02)
    b = d.cmd("burst 200 %s" % subject).split()
    worst = max(worst, int(b[1]))
    gap = int(d.cmd("loop").split()[2].split("=")[1])
    return worst, gap, i


def run(binary, driver_path, tmp):
    port = pick_port()
    if port is None:
        print("SKIP: no free port")
        return 77
    url = "nats://127.0.0.1:%d" % port
    server = Server(binary, port, tmp)
    if not server.start():
        print("ERROR: nats-server did not start on port %d" % port)
        return 99
    rcv = Received()
    sub = Subscriber("127.0.0.1", port, "test.>", rcv.on_msg,
                     rcv.on_ready).start()
    check("subscriber ready", wait_for(lambda: rcv.ready >= 1))

    d = Driver(driver_path, url)
    check("driver ready", d.answers.get(timeout=WAIT) == "ready")
    check("bus connected",
          wait_for(lambda: d.state_count("CONNECTED") == 1))

    # 1. delivery
    for i in range(20):
        d.pub_us("test.up", "hello %d" % i)
    check("20 messages delivered in order",
          wait_for(lambda: rcv.datas("test.up") ==
                   ["hello %d" % i for i in range(20)]))

    # 2. server stopped
    check("server stopped", server.stop())
    check("bus reports UNREACHABLE",
          wait_for(lambda: d.state_count("UNREACHABLE") == 1))
    worst, gap, n = pub_while(d, "test.down", 2.5)
    print("   server down: %d calls + a burst of 200, slowest %d us, "
          "loop late by at most %d us" % (n, worst, gap))
    check("publish calls return at once with the server down "
          "(each < %d us)" % PUB_BOUND_US, worst < PUB_BOUND_US)
    check("the loop keeps turning (timer late < %d us)" % GAP_BOUND_US,
          gap < GAP_BOUND_US)

    # Both buffers are bounded: 4 MiB published while the server is away
    # cannot all be kept (1 MiB in libnats, 1 MiB or 1024 messages queued).
    before = dict(kv.split("=") for kv in d.cmd("stats").split()[1:])
    b = d.cmd("burst 2000 test.flood 2000").split()
    after = dict(kv.split("=") for kv in d.cmd("stats").split()[1:])
    dropped = sum(int(after[k]) - int(before[k])
                  for k in ("dropped", "refused"))
    print("   4 MB while down: %d of 2000 messages dropped, slowest call "
          "%s us" % (dropped, b[1]))
    check("a flood while the server is away is bounded: some dropped "
          "(%d), none slower than %d us" % (dropped, PUB_BOUND_US),
          dropped > 0 and int(b[1]) < PUB_BOUND_US)

    # 3. a hung server: TCP accepted by the kernel, never a word.
    hung = socket.socket()
    hung.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    hung.bind(("127.0.0.1", port))
    hung.listen(64)
    worst, gap, n = pub_while(d, "test.hung", 4.5)
    hung.close()
    print("   hung server: %d calls + a burst of 200, slowest %d us, "
          "loop late by at most %d us" % (n, worst, gap))
    check("publish calls return at once with a hung server "
          "(each < %d us)" % PUB_BOUND_US, worst < PUB_BOUND_US)
    check("the loop keeps turning with a hung server",
          gap < GAP_BOUND_US)

    # 4. restart
    check("port free again", wait_for(lambda: port_free(port)))
    check("server restarted", server.start())
    check("bus reports CONNECTED again",
          wait_for(lambda: d.state_count("CONNECTED") == 2))
    check("subscriber back", wait_for(lambda: rcv.ready >= 2))
    for i in range(5):
        d.pub_us("test.after", "again %d" % i)
    check("messages flow again after the restart",
          wait_for(lambda: rcv.datas("test.after") ==
                   ["again %d" % i for i in range(5)]))
    check("UNREACHABLE reported exactly once",
          d.state_count("UNREACHABLE") == 1)
    check("CONNECTED reported exactly twice",
          d.state_count("CONNECTED") == 2)
    st = dict(kv.split("=") for kv in d.cmd("stats").split()[1:])
    print("   stats: %s" % st)
    check("stats add up (queued = published + dropped)",
          wait_for(lambda: (lambda s: int(s["queued"]) ==
                            int(s["published"]) + int(s["dropped"]))(
              dict(kv.split("=") for kv in d.cmd("stats").split()[1:]))))
    q = d.cmd("quit").split()
    print("   freeing the bus (server up): %s us" % q[1])
    check("bus freed within %d us" % QUIT_BOUND_US,
          q[0] == "quit" and int(q[1]) < QUIT_BOUND_US)
    d.proc.stdin.close()
    check("driver exits 0", d.proc.wait(WAIT) == 0)

    # 5. no server at all from the start, then freed.
    check("server stopped again", server.stop())
    d = Driver(driver_path, url)
    check("driver ready (no server)", d.answers.get(timeout=WAIT) == "ready")
    check("UNREACHABLE reported at start",
          wait_for(lambda: d.state_count("UNREACHABLE") == 1))
    us, rc = d.pub_us("test.never", "x")
    check("publish returns at once with no server (%d us)" % us,
          us < PUB_BOUND_US and rc == 0)
    q = d.cmd("quit").split()
    print("   freeing the bus (no server): %s us" % q[1])
    check("bus freed within bound with no server",
          q[0] == "quit" and int(q[1]) < QUIT_BOUND_US)
    d.proc.stdin.close()
    check("driver exits 0 (no server)", d.proc.wait(WAIT) == 0)
    check("UNREACHABLE still reported once",
          d.state_count("UNREACHABLE") == 1 and
          d.state_count("CONNECTED") == 0)
    sub.stop()
    return 0


def main():
    binary = shutil.which("nats-server") or "/usr/sbin/nats-server"
    if not os.access(binary, os.X_OK):
        print("SKIP: nats-server not installed")
        return 77
    builddir = os.environ.get("abs_top_builddir", ".")
    driver = os.path.join(builddir, "tests/integration/nats_bus_driver")
    if not os.access(driver, os.X_OK):
        print("SKIP: built without NATS support (no nats_bus_driver)")
        return 77
    tmp = os.environ.get("TESTDIR") or "/tmp"
    try:
        rc = run(binary, driver, tmp)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    if rc != 0:
        return rc
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
