#!/usr/bin/env python3
"""Slow large uploads against a running ordersync, and the server's resident memory meanwhile.

    python3 bench/lib/slow_uploads.py PORT PID [N] [DECLARED_MIB] [SENT_MIB] [SECONDS] [CONTENT_TYPE]

N connections (default 100) each declare a body of DECLARED_MIB (32), send SENT_MIB of it (31) as fast
as the server takes it, then one byte every 10 s for SECONDS (40), never finishing it. Meanwhile a small
JSON post goes every 0.5 s on a connection of its own. The server's VmRSS (/proc/PID/status) is sampled
every 0.1 s. Prints one JSON line: RSS at start, at its peak and 3 s after the connections closed, how
each upload ended (the server's status line, or "open" when it was still held), and the small posts'
statuses. A JSON body is white space after "[" (held until whole, never parsed); with CONTENT_TYPE
application/x-ndjson it is valid orders, 1 MiB of lines at a time (parsed as they arrive, the orders
held until the commit that never comes).

The README's "Memory" figures come from
    REQUEST_MEMORY_MB=256 PORT=18720 DB_PATH=/tmp/m.db ordersync serve &
    python3 bench/lib/slow_uploads.py 18720 $!
Loopback only; every connection it opens is closed before it exits.
"""
import json
import socket
import sys
import threading
import time

port, pid = int(sys.argv[1]), int(sys.argv[2])
n = int(sys.argv[3]) if len(sys.argv) > 3 else 100
declared = int(float(sys.argv[4]) * 1048576) if len(sys.argv) > 4 else 32 * 1048576
sent = int(float(sys.argv[5]) * 1048576) if len(sys.argv) > 5 else 31 * 1048576
duration = float(sys.argv[6]) if len(sys.argv) > 6 else 40
ctype = sys.argv[7] if len(sys.argv) > 7 else "application/json"


def rss():
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


if ctype == "application/x-ndjson":
    lines, size, k = [], 0, 0
    while size < 1048576 - 200:
        line = (b'{"order_id":"N%07d","order_date":"2025-08-08","order_status":"Processing",'
                b'"order_details":"Laptop, Mouse"}\n' % k)
        lines.append(line)
        size += len(line)
        k += 1
    chunk = b"".join(lines)
    chunk = chunk + b" " * (1048576 - len(chunk) - 1) + b"\n"
else:
    chunk = b"[" + b" " * (1048576 - 1)

start_rss = rss()
peak = [start_rss]
stop = threading.Event()


def sampler():
    while not stop.is_set():
        peak[0] = max(peak[0], rss())
        time.sleep(0.1)


def status_line(data):
    return data.split(b"\r\n", 1)[0].decode() if data else "closed"


results = {}


def attacker(i):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(60)
    head = f"POST / HTTP/1.1\r\nHost: a\r\nContent-Type: {ctype}\r\nContent-Length: {declared}\r\n\r\n".encode()
    outcome = "open"
    try:
        s.sendall(head)
        left = sent
        while left > 0:
            piece = chunk if left >= len(chunk) else chunk[:left]
            s.sendall(piece)
            left -= len(piece)
        deadline = time.time() + duration
        while time.time() < deadline:
            s.setblocking(False)
            try:
                outcome = status_line(s.recv(65536))
                break
            except BlockingIOError:
                pass
            s.setblocking(True)
            s.sendall(b" ")
            time.sleep(10 if duration > 10 else 1)
    except Exception as e:  # the server answered and closed while we sent: read its answer
        try:
            s.settimeout(2)
            outcome = status_line(s.recv(65536))
        except Exception as e2:
            outcome = f"error {type(e).__name__}/{type(e2).__name__}"
    results[i] = outcome
    s.close()


legit = {"ok": 0, "fail": 0, "statuses": {}}


def legit_loop():
    body = b'[{"order_id":"L%d","order_date":"2025-08-08","order_status":"Processing"}]'
    k = 0
    while not stop.is_set():
        k += 1
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            b = body % k
            s.sendall(b"POST / HTTP/1.1\r\nHost: l\r\nContent-Type: application/json\r\nConnection: close\r\n"
                      b"Content-Length: %d\r\n\r\n" % len(b) + b)
            data = b""
            while b"\r\n\r\n" not in data:
                d = s.recv(65536)
                if not d:
                    break
                data += d
            status = data.split(b" ", 2)[1].decode() if data else "none"
            s.close()
        except Exception as e:
            status = type(e).__name__
        legit["statuses"][status] = legit["statuses"].get(status, 0) + 1
        legit["ok" if status == "200" else "fail"] += 1
        time.sleep(0.5)


threading.Thread(target=sampler, daemon=True).start()
legit_thread = threading.Thread(target=legit_loop, daemon=True)
legit_thread.start()
t0 = time.time()
threads = [threading.Thread(target=attacker, args=(i,)) for i in range(n)]
for t in threads:
    t.start()
for t in threads:
    t.join(duration + 120)
stop.set()
legit_thread.join(10)
outcomes = {}
for v in results.values():
    outcomes[v] = outcomes.get(v, 0) + 1
time.sleep(3)
print(json.dumps({"connections": n, "declared": declared, "sent": sent, "seconds": round(time.time() - t0, 1),
                  "rss_start_mb": round(start_rss / 1e6, 1), "rss_peak_mb": round(peak[0] / 1e6, 1),
                  "rss_after_mb": round(rss() / 1e6, 1), "uploads": outcomes, "legit": legit}))
