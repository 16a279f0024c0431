#!/usr/bin/env python3
"""Hostile load against a running ordersync from other loopback addresses, and what a legit client on
127.0.0.1 gets meanwhile (issue 15, items 5 and 6).

    python3 bench/lib/hostile_load.py PORT_OR_URL PID [--token T] [--attacks a,b,...] [sizes...]

PORT_OR_URL is the server's port on 127.0.0.1 or http://127.0.0.1:PORT; PID its process, whose
/proc/PID/status (VmRSS, VmHWM, Threads) and /proc/PID/fd are sampled every 0.2 s. Attacks, each a
phase of its own, in the order given (default: every one below):

  baseline   no attack: the legit client alone (the reference, same run)
  idle       --idle N (10,000) connections each send one `GET /healthz` (keep-alive), read the answer,
             then stay open silently
  silent     --silent N (10,000) connections opened that never send a byte
  slowloris  --slowloris M (2,000) connections each send a partial request head, then one header line
             every --loris-interval s (5); when the server ends one, it reconnects --loris-reconnect s (1)
             later
  slowread   --slowread R (200) connections with a small SO_RCVBUF each ask `GET /?limit=all` (after
             --seed-orders N (20,000) orders were posted once, ids hostile-seed-*) and read the answer
             1 byte/s (its first 16 bytes, the status line, at once)
  combined   the idle and slowloris floods at once (issue 15's first bar)
  bodies     --bodies K (100) connections each declare `Content-Length: 33554432` on `POST /`, send
             --body-mib (31) MiB as fast as the server takes them, then 1 byte every 10 s (the approach
             of bench/lib/slow_uploads.py); run last by default: glibc keeps some of that memory

Attackers bind to 127.0.0.2 ... 127.0.0.(1 + --addresses) (16) with IP_BIND_ADDRESS_NO_PORT, so the
ephemeral ports (~28k per address) are chosen per destination; RLIMIT_NOFILE is raised to the hard
limit first. They run non-blocking sockets under `selectors` in --procs (1) worker processes, the legit
client in a process of its own (never a thread per socket).

One phase: sample the server; open the attack (at most --ramp s (60) until every connection holds:
answered, sending, or ended); then for --seconds s (20) the legit client sends --rate (100) requests/s,
alternating `GET /healthz` and `POST /` of one small order, each on a fresh connection (timeout
--timeout s, 5), plus --ka-rate (10) requests/s on one keep-alive connection (reopened when the server
closed it while idle, as HTTP clients do; not counted as a failure); then the attack closes every
connection; 10 s later (--after) the server is sampled again (leak check) and 5 `GET /healthz` probe its
recovery; before the next phase it may settle up to --settle s (30) until its threads and file
descriptors are back near the start. Every wait is bounded: a phase takes at most ramp + seconds +
timeout + after + settle + ~40 s.

Prints a JSON summary (one line) and a markdown table (one row per attack) on stdout; --json FILE and
--env FILE (key=value lines h_<attack>_<key> for bench/run's results.env) write them too. Progress goes
to stderr. Loopback only; every connection it opens is closed before it exits.
"""
import argparse
import errno
import heapq
import json
import multiprocessing as mp
import os
import re
import resource
import selectors
import signal
import socket
import sys
import time

mono = time.monotonic
IP_BIND_ADDRESS_NO_PORT = getattr(socket, "IP_BIND_ADDRESS_NO_PORT", 24)
ATTACKS = {
    "baseline": "no attack",
    "idle": "idle keep-alive flood",
    "silent": "silent flood",
    "slowloris": "slowloris, reconnecting",
    "slowread": "slow read",
    "combined": "idle keep-alive + slowloris",
    "bodies": "slow large bodies",
}
DEFAULT_ORDER = ["baseline", "idle", "silent", "slowloris", "slowread", "combined", "bodies"]
MiB = 1048576


def log(msg):
    print(f"[hostile {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --- the server's process ------------------------------------------------------------------------
def proc_stats(pid):
    """VmRSS and VmHWM (kB), Threads, open fds of PID; None when it is gone."""
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "VmHWM"):
                    out[k] = int(v.split()[0])
                elif k == "Threads":
                    out[k] = int(v)
        out["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return {"rss_kb": out.get("VmRSS", 0), "hwm_kb": out.get("VmHWM", 0), "threads": out.get("Threads", 0),
            "fds": out["fds"]}


# --- HTTP on blocking sockets (setup, /metrics, probes) ------------------------------------------
def head_bytes(method, path, token, extra="", body=b"", close=True):
    h = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: hostile-load\r\n"
    if token:
        h += f"Authorization: Bearer {token}\r\n"
    if body or method == "POST":
        h += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    if close:
        h += "Connection: close\r\n"
    return (h + extra + "\r\n").encode() + body


def parse_response(buf, eof):
    """(complete, status, keep_alive) from the bytes so far; status None until the head is whole."""
    i = buf.find(b"\r\n\r\n")
    if i < 0:
        return False, None, False
    lines = buf[:i].decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    hdr = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdr[k.strip().lower()] = v.strip().lower()
    body = buf[i + 4:]
    keep = hdr.get("connection") != "close"
    if status in (204, 304) or 100 <= status < 200:
        return True, status, keep
    if "chunked" in hdr.get("transfer-encoding", ""):
        return body.endswith(b"0\r\n\r\n") or eof, status, keep
    if "content-length" in hdr:
        try:
            return len(body) >= int(hdr["content-length"]), status, keep
        except ValueError:
            return eof, status, False
    return eof, status, False


def http(port, method, path, token=None, body=b"", timeout=5.0):
    """(status, body bytes) of one request on a fresh connection; raises OSError on failure."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(head_bytes(method, path, token, body=body))
        buf = b""
        while True:
            d = s.recv(65536)
            buf += d
            done, status, _ = parse_response(buf, not d)
            if done or not d:
                break
    if status is None:
        raise OSError(f"no answer ({len(buf)} bytes)")
    return status, buf[buf.find(b"\r\n\r\n") + 4:]


def scrape(port, token):
    """{metric name with labels: value} from /metrics, or {} when it does not answer."""
    try:
        status, body = http(port, "GET", "/metrics", token, timeout=3)
    except OSError:
        return {}
    if status != 200:
        return {}
    out = {}
    for line in body.decode("utf-8", "replace").splitlines():
        if line and not line.startswith("#"):
            k, _, v = line.rpartition(" ")
            try:
                out[k] = float(v)
            except ValueError:
                pass
    return out


def metric_sum(m, name):
    vals = [v for k, v in m.items() if k == name or k.startswith(name + "{")]
    return sum(vals) if vals else None


def pool_size(m):
    """The worker pool's size from /metrics, if the server exposes one: (value, metric name)."""
    best = None
    for k, v in m.items():
        name = k.split("{", 1)[0]
        if "worker" in name and re.search(r"max|limit|capacity|pool_size|size", name) \
                and not name.endswith(("_total", "_count", "_sum", "_bucket")):
            if best is None or "max" in name:
                best = (int(v), name)
    return best


def seed_orders(port, token, n):
    """Posts n orders (ids hostile-seed-*, 1,000 per request; idempotent) so GET /?limit=all is large."""
    t0, k = mono(), 0
    while k < n:
        batch = ",".join(
            '{"order_id":"hostile-seed-%07d","order_date":"2025-08-08","order_status":"Processing",'
            '"order_details":"Laptop, Mouse, Keyboard, Monitor 27 inch, USB-C dock, Headset"}' % j
            for j in range(k, min(n, k + 1000)))
        status, body = http(port, "POST", "/", token, ("[" + batch + "]").encode(), timeout=60)
        if not 200 <= status < 300:
            raise OSError(f"seeding: POST / answered {status}: {body[:200]!r}")
        k += 1000
    return mono() - t0


def probe(port, n=5, timeout=2.0):
    ok = 0
    for _ in range(n):
        try:
            ok += 200 <= http(port, "GET", "/healthz", timeout=timeout)[0] < 300
        except OSError:
            pass
    return ok


def listens(pid, port):
    """True when PID holds a socket listening on PORT (/proc/net/tcp{,6}: state 0A)."""
    inodes = set()
    for f in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            for line in open(f).readlines()[1:]:
                x = line.split()
                if x[3] == "0A" and int(x[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{x[9]}]")
        except OSError:
            pass
    try:
        return any(os.readlink(f"/proc/{pid}/fd/{fd}") in inodes for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False


def nofile_of(pid):
    """The soft RLIMIT_NOFILE of PID (/proc/PID/limits), or None."""
    try:
        for line in open(f"/proc/{pid}/limits"):
            if line.startswith("Max open files"):
                return line.split()[3]
    except OSError:
        pass
    return None


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def errname(e):
    return errno.errorcode.get(e, str(e)) if isinstance(e, int) else type(e).__name__


def pct(sorted_vals, p):
    if not sorted_vals:
        return None
    return sorted_vals[min(len(sorted_vals) - 1, max(0, int(round(p / 100 * len(sorted_vals) + 0.5)) - 1))]


# --- the legit client (a process of its own) ----------------------------------------------------
class Req:
    __slots__ = ("sock", "chan", "kind", "t0", "deadline", "out", "buf", "connecting")


def legit_main(a, tag, seconds, q):
    """Fresh-connection requests at a.rate/s and keep-alive ones at a.ka_rate/s for `seconds`;
    puts {"results": [(chan, kind, outcome, secs)], "lag": [...], "ka_reopened": n} on q."""
    sel = selectors.DefaultSelector()
    results, lags = [], []
    dst = ("127.0.0.1", a.port)
    t0 = mono() + 0.02
    end = t0 + seconds
    n_fresh = int(a.rate * seconds)
    k_fresh = k_ka = 0
    ka_sock, ka_req, ka_reopened, ka_next = None, None, 0, t0
    live = set()

    def request(kind, k, close):
        if kind == "healthz":
            return head_bytes("GET", "/healthz", a.token, close=close)
        body = ('[{"order_id":"hl-%s-%d","order_date":"2025-08-08","order_status":"Processing"}]'
                % (tag, k)).encode()
        return head_bytes("POST", "/", a.token, body=body, close=close)

    def finish(r, outcome):
        nonlocal ka_sock, ka_req
        results.append((r.chan, r.kind, outcome, mono() - r.t0))
        live.discard(r)
        try:
            sel.unregister(r.sock)
        except (KeyError, ValueError):
            pass
        if r.chan == "ka":
            ka_req = None
            if not (isinstance(outcome, int) and keep_after(r)):
                r.sock.close()
                ka_sock = None
        else:
            r.sock.close()

    def keep_after(r):
        return parse_response(r.buf, False)[2]

    def start(chan, kind, k, sock=None):
        r = Req()
        r.chan, r.kind, r.t0, r.deadline, r.buf = chan, kind, mono(), mono() + a.timeout, b""
        r.out = request(kind, k, close=(chan == "fresh"))
        if sock is None:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            err = sock.connect_ex(dst)
            if err not in (0, errno.EINPROGRESS):
                r.sock = sock
                results.append((chan, kind, "connect " + errname(err), 0.0))
                sock.close()
                return None
            r.connecting = True
        else:
            r.connecting = False
        r.sock = sock
        live.add(r)
        sel.register(sock, selectors.EVENT_WRITE, r)
        return r

    def stale(sock):  # a kept-alive connection the server closed while it was idle
        try:
            return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
        except BlockingIOError:
            return False
        except OSError:
            return True

    while True:
        now = mono()
        while k_fresh < n_fresh and t0 + k_fresh / a.rate <= now:
            lags.append(now - (t0 + k_fresh / a.rate))
            start("fresh", "healthz" if k_fresh % 2 == 0 else "post", k_fresh)
            k_fresh += 1
        if a.ka_rate > 0 and ka_req is None and now >= ka_next and now < end:
            if ka_sock is not None and stale(ka_sock):
                ka_sock.close()
                ka_sock, ka_reopened = None, ka_reopened + 1
            ka_req = start("ka", "healthz" if k_ka % 2 == 0 else "post", k_ka, ka_sock)
            if ka_req is not None:
                ka_sock = ka_req.sock
            k_ka += 1
            ka_next = max(ka_next + 1 / a.ka_rate, now)
        for r in [r for r in live if r.deadline <= now]:
            finish(r, "timeout (connect)" if r.connecting else
                   "timeout (no answer)" if not r.buf else "timeout (partial answer)")
        if k_fresh >= n_fresh and not live and (now >= end or a.ka_rate <= 0):
            break
        if now > end + a.timeout + 5:  # cannot happen (every request has a deadline); a bound anyway
            for r in list(live):
                finish(r, "timeout (bound)")
            break
        wake = now + 0.05
        if k_fresh < n_fresh:
            wake = min(wake, t0 + k_fresh / a.rate)
        if a.ka_rate > 0 and ka_req is None and now < end:
            wake = min(wake, ka_next)
        for key, ev in sel.select(max(0.0, wake - mono())):
            r = key.data
            try:
                if r.connecting:
                    err = r.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                    if err:
                        finish(r, "connect " + errname(err))
                        continue
                    r.connecting = False
                if r.out:
                    sent = r.sock.send(r.out)
                    r.out = r.out[sent:]
                    if not r.out:
                        sel.modify(r.sock, selectors.EVENT_READ, r)
                    continue
                d = r.sock.recv(65536)
                r.buf += d
                done, status, _ = parse_response(r.buf, not d)
                if done:
                    finish(r, status)
                elif not d:
                    finish(r, "closed, no answer" if not r.buf else "closed mid-answer")
            except (BlockingIOError, InterruptedError):
                pass
            except OSError as e:
                finish(r, ("reset" if e.errno in (errno.ECONNRESET, errno.EPIPE) else errname(e.errno))
                       + (" mid-answer" if r.buf else ""))
    if ka_sock is not None:
        ka_sock.close()
    q.put({"results": results, "lag": sorted(lags), "ka_reopened": ka_reopened, "timeout": a.timeout})


def legit_summary(res):
    rs = res["results"]
    ok = [x for x in rs if isinstance(x[2], int) and 200 <= x[2] < 300]
    lat = sorted(x[3] for x in ok)
    # every request, a failure counted as the timeout: above the 2xx answers' p99 once more than 1 % fail
    lat_all = sorted(x[3] if isinstance(x[2], int) and 200 <= x[2] < 300 else res["timeout"] for x in rs)
    fails = {}
    for x in rs:
        if not (isinstance(x[2], int) and 200 <= x[2] < 300):
            key = str(x[2])
            fails[key] = fails.get(key, 0) + 1

    def share(pred):
        sel = [x for x in rs if pred(x)]
        good = sum(1 for x in sel if isinstance(x[2], int) and 200 <= x[2] < 300)
        return f"{good}/{len(sel)}"

    lag = res["lag"]
    return {
        "requests": len(rs), "ok": len(ok), "ok_pct": round(100 * len(ok) / len(rs), 2) if rs else None,
        "p50_ms": round(pct(lat, 50) * 1000, 2) if lat else None,
        "p99_ms": round(pct(lat, 99) * 1000, 2) if lat else None,
        "max_ms": round(lat[-1] * 1000, 1) if lat else None,
        "p99_all_ms": round(pct(lat_all, 99) * 1000, 2) if lat_all else None,
        "fresh": share(lambda x: x[0] == "fresh"), "keepalive": share(lambda x: x[0] == "ka"),
        "posts": share(lambda x: x[1] == "post"), "healthz": share(lambda x: x[1] == "healthz"),
        "failures": dict(sorted(fails.items(), key=lambda kv: -kv[1])),
        "ka_reopened": res["ka_reopened"],
        "client_lag_p99_ms": round(pct(lag, 99) * 1000, 1) if lag else None,
    }


# --- the attackers (worker processes) -----------------------------------------------------------
class Conn:
    __slots__ = ("sock", "kind", "gi", "t0", "state", "out", "status", "rx", "ready", "gen", "lines", "answered")


def attack_main(a, plan, j, nprocs, stop, ready_q, out_q):
    """Opens this worker's share of `plan` [(kind, global index)], keeps it up until `stop`, then
    closes everything and puts its counts on out_q."""
    raise_nofile()
    mine = plan[j::nprocs]
    sel = selectors.DefaultSelector()
    dst = ("127.0.0.1", a.port)
    heap, seq = [], 0
    outcomes, attempts, errors_local = {}, {}, {}
    live = set()
    open_now = max_open = 0
    to_ready = len(mine)
    ready_sent = False
    t_start = mono()
    pending = list(reversed(mine))  # popped from the end: in plan order
    reopen = []  # heap of (when, kind, gi): slowloris reconnects
    parent = os.getppid()
    hard_end = t_start + a.ramp + a.seconds + a.timeout + 60  # even if the orchestrator never says stop
    bytes_sent = bytes_read = 0
    spaces = memoryview(b" " * MiB)
    first = memoryview(b"[" + b" " * (MiB - 1))
    body_head = ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {a.declared_mib * MiB}\r\n"
                 + (f"Authorization: Bearer {a.token}\r\n" if a.token else "") + "\r\n").encode()
    read_head = ("GET /?limit=all HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 + (f"Authorization: Bearer {a.token}\r\n" if a.token else "") + "\r\n").encode()
    idle_head = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: hostile-idle\r\n\r\n"
    loris_head = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: hostile-loris\r\n"

    def addr(gi):
        return f"127.0.0.{2 + gi % a.addresses}"

    def timer(c, delay):
        nonlocal seq
        seq += 1
        heapq.heappush(heap, (mono() + delay, seq, c, c.gen))

    def mark_ready(c):
        nonlocal to_ready
        if not c.ready:
            c.ready = True
            to_ready -= 1

    def end(c, how):
        """Records the end of a connection: '<answer> then <how>'."""
        nonlocal open_now
        if c not in live:
            return
        live.discard(c)
        if c.state != "connecting":
            open_now -= 1
        c.gen += 1
        try:
            sel.unregister(c.sock)
        except (KeyError, ValueError):
            pass
        c.sock.close()
        if how == "connect timeout" or how.startswith("connect "):
            key = how
        else:
            key = f"{c.status if c.status is not None else 'no answer'} then {how}"
        d = outcomes.setdefault(c.kind, {})
        d[key] = d.get(key, 0) + 1
        mark_ready(c)
        if c.kind == "loris" and not stop.is_set():
            heapq.heappush(reopen, (mono() + max(a.loris_reconnect, 1.0 if how.startswith("connect") else 0),
                                    c.kind, c.gi))

    def open_conn(kind, gi, counted=True):
        """counted: one of the attack's first connections, which the ramp waits for (not a reconnect)."""
        nonlocal to_ready
        attempts[kind] = attempts.get(kind, 0) + 1
        try:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        except OSError as e:
            errors_local[errname(e.errno)] = errors_local.get(errname(e.errno), 0) + 1
            d = outcomes.setdefault(kind, {})
            d["local " + errname(e.errno)] = d.get("local " + errname(e.errno), 0) + 1
            to_ready -= counted
            return None
        c = Conn()
        c.sock, c.kind, c.gi, c.t0, c.state = s, kind, gi, mono(), "connecting"
        c.out, c.status, c.rx, c.ready, c.gen, c.lines, c.answered = None, None, 0, not counted, 0, 0, b""
        live.add(c)
        try:
            s.setblocking(False)
            s.setsockopt(socket.SOL_IP, IP_BIND_ADDRESS_NO_PORT, 1)
            if kind == "read":
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, a.read_rcvbuf)
            s.bind((addr(gi), 0))
            err = s.connect_ex(dst)
        except OSError as e:
            err = e.errno
        if err not in (0, errno.EINPROGRESS):
            end(c, "connect " + errname(err))
            return None
        sel.register(s, selectors.EVENT_WRITE, c)
        return c

    def connected(c):
        nonlocal open_now, max_open
        c.state = "open"
        open_now += 1
        max_open = max(max_open, open_now)
        if c.kind == "idle":
            c.out = memoryview(idle_head)
        elif c.kind == "loris":
            c.out = memoryview(loris_head)
        elif c.kind == "read":
            c.out = memoryview(read_head)
        elif c.kind == "body":
            c.out = memoryview(body_head)
            c.lines = a.body_mib * MiB  # body bytes still to send quickly
        if c.kind == "silent":
            mark_ready(c)
            sel.modify(c.sock, selectors.EVENT_READ, c)
        else:
            sel.modify(c.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, c)

    def note_answer(c, d):
        c.rx += len(d)
        if c.status is None:
            c.answered += d[:64 - len(c.answered)]
            if len(c.answered) >= 12 or b"\r\n" in c.answered:
                parts = c.answered.split(b" ", 2)
                code = parts[1][:3] if len(parts) > 1 else b""
                c.status = int(code) if code.isdigit() else "garbage"

    def on_write(c):
        nonlocal bytes_sent
        while True:
            if c.out is None or not len(c.out):
                if c.kind == "body" and c.lines > 0:
                    chunk = first if c.lines == a.body_mib * MiB else spaces
                    c.out = chunk[:min(len(chunk), c.lines)]
                    c.lines -= len(c.out)
                else:
                    break
            n = c.sock.send(c.out)
            bytes_sent += n
            c.out = c.out[n:]
            if len(c.out):
                return  # the socket is full: wait for writability
        # everything queued is sent
        sel.modify(c.sock, selectors.EVENT_READ, c)
        if c.kind == "loris":
            if not c.ready:
                mark_ready(c)
                timer(c, a.loris_interval * (0.2 + 0.8 * (c.gi % 97) / 97))
            else:
                timer(c, a.loris_interval)
        elif c.kind == "body" and not c.ready:
            mark_ready(c)
            timer(c, 10)
        elif c.kind == "body":
            timer(c, 10)

    def on_read(c):
        nonlocal bytes_read
        if c.kind == "read" and c.status is None:
            d = c.sock.recv(16)  # the status line; the rest of a 200 is read 1 byte/s by its timer
        else:
            d = c.sock.recv(65536)
        if not d:
            end(c, "closed")
            return
        bytes_read += len(d)
        note_answer(c, d)
        if c.kind in ("idle", "read") and c.status is not None:
            mark_ready(c)
        if c.kind == "read" and c.status == 200:
            sel.unregister(c.sock)
            timer(c, 1.0)

    def on_timer(c):
        nonlocal bytes_sent, bytes_read
        if c.kind == "loris":
            c.lines += 1
            c.out = memoryview(b"X-Loris-%d: %d\r\n" % (c.lines, c.gi))
            sel.modify(c.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, c)
        elif c.kind == "body":
            c.out = memoryview(b" ")
            sel.modify(c.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, c)
        elif c.kind == "read":
            timer(c, 1.0)
            d = c.sock.recv(1)
            if not d:
                end(c, "closed")
                return
            bytes_read += 1
            c.rx += 1

    def guard(fn, c):
        try:
            fn(c)
        except (BlockingIOError, InterruptedError):
            pass
        except OSError as e:
            if c.status is None:  # the server may have answered before it reset: read what is there
                try:
                    d = c.sock.recv(4096)
                    if d:
                        note_answer(c, d)
                except OSError:
                    pass
            end(c, "reset" if e.errno in (errno.ECONNRESET, errno.EPIPE) else errname(e.errno))

    last_scan = mono()
    while not stop.is_set():
        now = mono()
        n = 0
        while pending and n < a.batch:
            kind, gi = pending.pop()
            open_conn(kind, gi)
            n += 1
        while reopen and reopen[0][0] <= now:
            _, kind, gi = heapq.heappop(reopen)
            open_conn(kind, gi, counted=False)
        while heap and heap[0][0] <= now:
            _, _, c, gen = heapq.heappop(heap)
            if c.gen == gen and c in live:
                guard(on_timer, c)
        if now - last_scan >= 0.5:
            last_scan = now
            if now > hard_end or os.getppid() != parent:
                break
            for c in [c for c in live if c.state == "connecting" and now - c.t0 > a.connect_timeout]:
                end(c, "connect timeout")
        if not ready_sent and not pending and to_ready <= 0:
            ready_q.put((j, round(mono() - t_start, 2)))
            ready_sent = True
        wait = 0.0 if pending else 0.1
        if heap:
            wait = min(wait, max(0.0, heap[0][0] - mono()))
        if reopen:
            wait = min(wait, max(0.0, reopen[0][0] - mono()))
        for key, ev in sel.select(wait):
            c = key.data
            if c not in live:
                continue
            if c.state == "connecting":
                err = c.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    end(c, "connect " + errname(err))
                    continue
                connected(c)
                continue
            if ev & selectors.EVENT_READ:
                guard(on_read, c)
            if ev & selectors.EVENT_WRITE and c in live:
                guard(on_write, c)
    # the attack ends: everything still open was held to the end
    held_now = open_now
    connecting_now = sum(1 for c in live if c.state == "connecting")
    for c in list(live):
        end(c, "held" if c.state != "connecting" else "connect pending")
    out_q.put({"worker": j, "attempts": attempts, "outcomes": outcomes, "max_open": max_open,
               "open_at_end": held_now, "connecting_at_end": connecting_now, "local_errors": errors_local,
               "bytes_sent": bytes_sent, "bytes_read": bytes_read, "ready": ready_sent})


def merge_attack(parts):
    m = {"attempts": {}, "outcomes": {}, "max_open": 0, "open_at_end": 0, "connecting_at_end": 0,
         "bytes_sent": 0, "bytes_read": 0, "workers": len(parts)}
    for p in parts:
        for k, v in p["attempts"].items():
            m["attempts"][k] = m["attempts"].get(k, 0) + v
        for kind, d in p["outcomes"].items():
            t = m["outcomes"].setdefault(kind, {})
            for k, v in d.items():
                t[k] = t.get(k, 0) + v
        for k in ("max_open", "open_at_end", "connecting_at_end", "bytes_sent", "bytes_read"):
            m[k] += p[k]  # max_open: the sum of each worker's maximum (exact with one worker)
    return m


KIND_NAMES = {"idle": "idle", "silent": "silent", "loris": "slowloris", "read": "slow read", "body": "bodies"}


def saw(kind, d, attempts):
    """One line: what the attackers of one kind saw."""
    held = sum(v for k, v in d.items() if k.endswith(" then held"))
    held_ok = sum(v for k, v in d.items() if k.endswith(" then held") and not k.startswith("no answer"))
    r503 = sum(v for k, v in d.items() if k.startswith("503 "))
    silent = d.get("no answer then closed", 0)
    reset = sum(v for k, v in d.items() if k.startswith("no answer then") and "reset" in k)
    tmo = d.get("connect timeout", 0) + d.get("connect pending", 0)
    other = {}
    for k, v in d.items():
        if k.endswith(" then held") or k.startswith("503 ") or k in ("no answer then closed", "connect timeout",
                                                                      "connect pending") \
                or (k.startswith("no answer then") and "reset" in k):
            continue
        other[k] = v
    s = (f"{KIND_NAMES.get(kind, kind)}: {attempts:,} conns, held to the end {held:,} ({held_ok:,} answered), "
         f"503 {r503:,}, closed silently {silent:,}, reset {reset:,}, connect timed out {tmo:,}")
    if other:
        s += "; " + ", ".join(f"{k} {v:,}" for k, v in sorted(other.items(), key=lambda kv: -kv[1]))
    return s


# --- one phase -----------------------------------------------------------------------------------
def make_plan(a, name):
    kinds = {"baseline": {}, "idle": {"idle": a.idle}, "silent": {"silent": a.silent},
             "slowloris": {"loris": a.slowloris}, "slowread": {"read": a.slowread}, "bodies": {"body": a.bodies},
             "combined": {"idle": a.idle, "loris": a.slowloris}}[name]
    plan = [(i / n, kind) for kind, n in kinds.items() for i in range(n)]
    plan.sort(key=lambda x: x[0])  # interleaved, so that every kind gets its share from the start
    return [(kind, gi) for gi, (_, kind) in enumerate(plan)], kinds


def run_phase(a, name, ctx, start_stats):
    plan, kinds = make_plan(a, name)
    m0 = scrape(a.port, a.token)
    before = proc_stats(a.pid)
    if before is None:
        return {"attack": name, "what": ATTACKS[name], "sizes": kinds, "server_gone": True, "phases_skipped": True}
    log(f"{name}: {', '.join(f'{n:,} {k}' for k, n in kinds.items()) or 'no attack'}; server before {before}")
    peak = dict(before)
    t_phase = mono()

    def sample():
        s = proc_stats(a.pid)
        if s:
            for k in ("rss_kb", "threads", "fds", "hwm_kb"):
                peak[k] = max(peak[k], s[k])
        return s

    stop, ready_q, out_q = ctx.Event(), ctx.Queue(), ctx.Queue()
    procs = []
    nprocs = min(a.procs, max(1, len(plan)))
    ramp_s, ready = 0.0, 0
    if plan:
        for j in range(nprocs):
            p = ctx.Process(target=attack_main, args=(a, plan, j, nprocs, stop, ready_q, out_q), daemon=True)
            p.start()
            procs.append(p)
        deadline = mono() + a.ramp
        while ready < nprocs and mono() < deadline:
            try:
                ready_q.get(timeout=0.2)
                ready += 1
            except Exception:
                pass
            sample()
            if all(not p.is_alive() for p in procs):
                break
        ramp_s = round(mono() - t_phase, 1)
        log(f"{name}: attack up after {ramp_s} s ({ready}/{nprocs} workers ready"
            f"{'' if ready == nprocs else ', the ramp limit of %g s passed' % a.ramp}); legit client for {a.seconds} s")
    lq = ctx.Queue()
    lp = ctx.Process(target=legit_main, args=(a, f"{name}{int(time.time())}", a.seconds, lq), daemon=True)
    lp.start()
    legit = None
    deadline = mono() + a.seconds + a.timeout + 20
    while legit is None and mono() < deadline:
        try:
            legit = lq.get(timeout=0.2)
        except Exception:
            if not lp.is_alive() and lq.empty():
                break
        sample()
    lp.join(5)
    if lp.is_alive():
        lp.kill()
    during = sample()
    stop.set()
    parts = []
    deadline = mono() + 30
    while len(parts) < len(procs) and mono() < deadline:
        try:
            parts.append(out_q.get(timeout=0.5))
        except Exception:
            if all(not p.is_alive() for p in procs) and out_q.empty():
                break
    for p in procs:
        p.join(5)
        if p.is_alive():
            p.kill()
    t_end = mono()
    attack = merge_attack(parts) if plan else None
    if plan and len(parts) < len(procs):
        log(f"{name}: {len(procs) - len(parts)} attack worker(s) did not report")
    # leak check: a.after seconds after every attacking connection was closed
    while mono() - t_end < a.after:
        time.sleep(0.2)
    after = proc_stats(a.pid)
    recovered = probe(a.port)
    m1 = scrape(a.port, a.token)
    settle_s = 0.0
    if start_stats and after:
        t_s = mono()
        while mono() - t_s < a.settle:
            s = proc_stats(a.pid)
            if not s or (s["fds"] <= start_stats["fds"] + 8 and s["threads"] <= start_stats["threads"] + 8):
                break
            time.sleep(0.5)
        settle_s = round(mono() - t_s, 1)

    def delta(name):
        x, y = metric_sum(m0, name), metric_sum(m1, name)
        return None if x is None or y is None else int(y - x)

    res = {
        "attack": name, "what": ATTACKS[name], "sizes": kinds, "ramp_s": ramp_s, "workers_ready": f"{ready}/{nprocs}",
        "legit": legit_summary(legit) if legit else {"error": "the legit client did not report"},
        "server": {"before": before, "peak": peak, "end_of_attack": during, "after": after, "after_s": a.after,
                   "settled_s": settle_s},
        "recovery_healthz": f"{recovered}/5",
        "refused_connections": delta("ordersync_http_connections_refused_total"),
        "refused_memory": delta("ordersync_http_request_memory_refused_total"),
        "seconds": round(mono() - t_phase, 1),
    }
    if attack:
        res["attackers"] = attack
        res["attackers_saw"] = [saw(k, attack["outcomes"].get(k, {}), attack["attempts"].get(k, 0)) for k in kinds]
    if not after:
        res["server_gone"] = True
    lg = res["legit"]
    log(f"{name}: legit {lg.get('ok', 0)}/{lg.get('requests', 0)} 2xx, p99 {lg.get('p99_ms')} ms, failures "
        f"{lg.get('failures')}; server peak {peak}, after {after}; {'; '.join(res.get('attackers_saw', []))}")
    return res


# --- output ---------------------------------------------------------------------------------------
def mb(kb):
    return f"{kb / 1024:.0f}" if kb is not None else "?"


def table(summary):
    rows = ["| attack | attackers | legit 2xx | p50 / p99 of 2xx | p99 of all (failure = timeout) | legit failures "
            "| RSS MB before / peak / after | threads | fds | attackers saw |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in summary["phases"]:
        lg, sv = r["legit"], r["server"]
        b, p, af = sv["before"] or {}, sv["peak"] or {}, sv["after"] or {}
        fails = ", ".join(f"{k} ×{v}" for k, v in lg.get("failures", {}).items()) or "—"
        size = ", ".join(f"{n:,} {KIND_NAMES[k]}" for k, n in r["sizes"].items()) or "—"
        rows.append(
            f"| {r['what']} | {size} | {lg.get('ok_pct', '?')} % of {lg.get('requests', '?')} "
            f"(fresh {lg.get('fresh', '?')}, keep-alive {lg.get('keepalive', '?')}) "
            f"| {lg.get('p50_ms') or '—'} / {lg.get('p99_ms') or '—'} ms | {lg.get('p99_all_ms') or '—'} ms | {fails} "
            f"| {mb(b.get('rss_kb'))} / {mb(p.get('rss_kb'))} / {mb(af.get('rss_kb'))} "
            f"| {b.get('threads', '?')} / {p.get('threads', '?')} / {af.get('threads', '?')} "
            f"| {b.get('fds', '?')} / {p.get('fds', '?')} / {af.get('fds', '?')} "
            f"| {'; '.join(r.get('attackers_saw', [])) or '—'} |")
    return "\n".join(rows)


def env_lines(summary):
    out = [f"h_pool={summary['pool'] if summary['pool'] is not None else ''}",
           f"h_pool_metric={summary['pool_metric'] or ''}", f"h_server_nofile={summary['server_nofile'] or ''}",
           f"h_load={' '.join('%.2f' % x for x in summary['loadavg'])}", f"h_secs={summary['seconds']}",
           f"h_seconds={summary['legit_seconds']}", f"h_timeout={summary['timeout']}", f"h_rate={summary['rate']}", f"h_ka_rate={summary['ka_rate']}",
           f"h_request_memory_mb={summary['request_memory_mb'] or ''}", f"h_attacks={','.join(p['attack'] for p in summary['phases'])}"]
    for r in summary["phases"]:
        k = "h_" + r["attack"]
        lg, sv = r["legit"], r["server"]
        vals = {"ok_pct": lg.get("ok_pct"), "requests": lg.get("requests"), "p50_ms": lg.get("p50_ms"),
                "p99_ms": lg.get("p99_ms"), "p99_all_ms": lg.get("p99_all_ms"), "fresh": lg.get("fresh"), "keepalive": lg.get("keepalive"),
                "posts": lg.get("posts"), "lag_p99_ms": lg.get("client_lag_p99_ms"),
                "fails": ", ".join(f"{a} ×{b}" for a, b in lg.get("failures", {}).items()),
                "sizes": ", ".join(f"{n:,} {KIND_NAMES[x]}" for x, n in r["sizes"].items()),
                "saw": "; ".join(r.get("attackers_saw", [])), "recovery": r["recovery_healthz"],
                "ramp_s": r["ramp_s"], "secs": r["seconds"]}
        for when in ("before", "peak", "after"):
            s = sv.get(when) or {}
            for f in ("rss_kb", "threads", "fds"):
                vals[f"{f.split('_')[0]}_{when}"] = s.get(f)
        if "attackers" in r and "body" in r["attackers"]["outcomes"]:
            d = r["attackers"]["outcomes"]["body"]
            vals["bodies_503"] = sum(v for x, v in d.items() if x.startswith("503 "))
            vals["bodies_held"] = sum(v for x, v in d.items() if x == "no answer then held")
            # A body trickling below the minimum rate is cut with 408 (docs/contract.md §3): an answer too.
            vals["bodies_408"] = sum(v for x, v in d.items() if x.startswith("408 "))
            vals["bodies_other"] = sum(d.values()) - vals["bodies_503"] - vals["bodies_408"] - vals["bodies_held"]
        for x, v in vals.items():
            out.append(f"{k}_{x}={'' if v is None else str(v).replace(chr(10), ' ')}")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("server", help="the server's port on 127.0.0.1, or http://127.0.0.1:PORT")
    ap.add_argument("pid", type=int, help="the server's process id (/proc/PID)")
    ap.add_argument("--token", default=os.environ.get("AUTH_TOKEN") or None, help="AUTH_TOKEN, if the server has one")
    ap.add_argument("--attacks", default=",".join(DEFAULT_ORDER), help="comma-separated, in order: " + ", ".join(ATTACKS))
    ap.add_argument("--idle", type=int, default=10000)
    ap.add_argument("--silent", type=int, default=10000)
    ap.add_argument("--slowloris", type=int, default=2000)
    ap.add_argument("--loris-interval", type=float, default=5.0, help="seconds between a slowloris connection's header lines")
    ap.add_argument("--loris-reconnect", type=float, default=1.0, help="seconds before a slowloris connection the server "
                    "ended is opened again (0: at once, a connection flood on top)")
    ap.add_argument("--slowread", type=int, default=200)
    ap.add_argument("--read-rcvbuf", type=int, default=4096)
    ap.add_argument("--seed-orders", type=int, default=20000)
    ap.add_argument("--bodies", type=int, default=100)
    ap.add_argument("--declared-mib", type=int, default=32)
    ap.add_argument("--body-mib", type=int, default=31)
    ap.add_argument("--rate", type=float, default=100.0, help="legit requests/s on fresh connections")
    ap.add_argument("--ka-rate", type=float, default=10.0, help="legit requests/s on one keep-alive connection")
    ap.add_argument("--seconds", type=float, default=20.0, help="the legit window under attack")
    ap.add_argument("--timeout", type=float, default=5.0, help="per legit request")
    ap.add_argument("--ramp", type=float, default=60.0, help="at most this long to open an attack")
    ap.add_argument("--connect-timeout", type=float, default=10.0, help="an attacker's connect")
    ap.add_argument("--after", type=float, default=10.0, help="leak check: seconds after the attack ends")
    ap.add_argument("--settle", type=float, default=30.0, help="at most this long for the server to settle")
    ap.add_argument("--procs", type=int, default=1, help="attacker processes")
    ap.add_argument("--addresses", type=int, default=16, help="attacker source addresses 127.0.0.2 ...")
    ap.add_argument("--batch", type=int, default=256, help="connections opened per event-loop turn")
    ap.add_argument("--pool", type=int, default=None, help="the worker pool's size, when /metrics does not say")
    ap.add_argument("--request-memory-mb", default=os.environ.get("REQUEST_MEMORY_MB"),
                    help="what the server runs with (information for the bars)")
    ap.add_argument("--json", help="also write the JSON summary here")
    ap.add_argument("--env", help="also write key=value lines (bench/run's results.env) here")
    a = ap.parse_args()
    m = re.fullmatch(r"(?:https?://)?(?:(127\.0\.0\.1|localhost):)?(\d+)/?", a.server)
    if not m:
        ap.error("the server must be a port or http://127.0.0.1:PORT (loopback only)")
    a.port = int(m.group(2))
    a.addresses = max(1, min(a.addresses, 250))
    names = [x for x in a.attacks.split(",") if x]
    for x in names:
        if x not in ATTACKS:
            ap.error(f"unknown attack {x}: {', '.join(ATTACKS)}")

    def bye(signum, _):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, bye)
    signal.signal(signal.SIGINT, bye)
    nofile = raise_nofile()
    biggest = max([a.idle + a.slowloris if "combined" in names else 0] +
                  [{"idle": a.idle, "silent": a.silent, "slowloris": a.slowloris, "slowread": a.slowread,
                    "bodies": a.bodies}.get(x, 0) for x in names])
    if biggest / a.procs + 64 > nofile:
        log(f"RLIMIT_NOFILE is {nofile}: {biggest:,} connections over {a.procs} process(es) will run out of descriptors")
    if proc_stats(a.pid) is None:
        sys.exit(f"hostile_load: no process {a.pid}")
    if not listens(a.pid, a.port):
        sys.exit(f"hostile_load: process {a.pid} holds no socket listening on port {a.port} (the wrong pid?)")
    try:
        status, _ = http(a.port, "GET", "/healthz", timeout=5)
    except OSError as e:
        sys.exit(f"hostile_load: GET /healthz on 127.0.0.1:{a.port} failed: {e}")
    if status != 200:
        sys.exit(f"hostile_load: GET /healthz answered {status}")
    pool = pool_size(scrape(a.port, a.token))
    if a.pool is not None:
        pool = (a.pool, "--pool")
    log(f"server pid {a.pid} on 127.0.0.1:{a.port}; RLIMIT_NOFILE {nofile}; worker pool "
        f"{'%d (%s)' % pool if pool else 'not exposed by /metrics'}; attacks {', '.join(names)}")
    seed_s = None
    if "slowread" in names and a.seed_orders > 0:
        seed_s = round(seed_orders(a.port, a.token, a.seed_orders), 1)
        log(f"seeded {a.seed_orders:,} orders for the slow read in {seed_s} s")
    ctx = mp.get_context("fork")
    t0 = mono()
    start_stats = proc_stats(a.pid)
    phases = []
    for x in names:
        phases.append(run_phase(a, x, ctx, start_stats))
        if phases[-1].get("phases_skipped"):
            phases.pop()
        if not phases or phases[-1].get("server_gone") or proc_stats(a.pid) is None:
            log("the server is gone: stopping")
            break
    summary = {"port": a.port, "pid": a.pid, "pool": pool[0] if pool else None, "pool_metric": pool[1] if pool else None,
               "nofile": nofile, "server_nofile": nofile_of(a.pid), "legit_seconds": a.seconds, "timeout": a.timeout, "rate": a.rate, "ka_rate": a.ka_rate,
               "request_memory_mb": a.request_memory_mb, "seed_orders": a.seed_orders if seed_s is not None else 0,
               "seed_s": seed_s, "loadavg": os.getloadavg(), "seconds": round(mono() - t0, 1), "phases": phases}
    js = json.dumps(summary)
    if a.json:
        with open(a.json, "w") as f:
            f.write(js + "\n")
    if a.env:
        with open(a.env, "w") as f:
            f.write(env_lines(summary))
    print(js)
    print()
    print(table(summary))


if __name__ == "__main__":
    main()
