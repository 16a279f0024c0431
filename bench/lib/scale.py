#!/usr/bin/env python3
"""Helpers for bench/run (x), the benchmark at scale.

  scale.py load PORT ORDERS              POST the scale_data.py data set, 1,000 rows per request over 4
                                         connections, streamed (one chunk of 20,000 orders in memory)
  scale.py get PORT PATH TIMEOUT FILE    GET PATH with curl into FILE (removed after), then count its rows;
                                         again twice more when the first took under 1 s (median of 3); a
                                         non-200 (a 503 from the 15 s query limit) or a timeout is a result
  scale.py dashboard BASE_URL TIMEOUT    open BASE_URL/dashboard in headless Chromium: time until every
                                         panel has drawn or failed, and the failed panels
Each prints one `key=value ...` line.
"""
import csv
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scale_data  # noqa: E402

BATCH, CONNS, TIMEOUT = 1000, 4, 120


def load(port, n):
    local = threading.local()
    totals = {"inserted": 0, "unchanged": 0, "sent": 0}
    lock = threading.Lock()

    def post(body, count):
        if not hasattr(local, "c"):
            local.c = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        try:
            local.c.request("POST", "/", body, {"Content-Type": "application/json"})
            r = local.c.getresponse()
            text = r.read()
        except Exception as e:  # drop the connection, report, go on
            local.c.close()
            del local.c
            return f"batch of {count}: {e!r}"
        answer = json.loads(text) if r.status == 200 else {}
        got = answer.get("inserted", 0) + answer.get("unchanged", 0)
        with lock:
            totals["sent"] += count
            totals["inserted"] += answer.get("inserted", 0)
            totals["unchanged"] += answer.get("unchanged", 0)
        if r.status != 200 or got != count:
            return f"batch of {count}: HTTP {r.status} {text[:200]!r}"
        return None

    errors = []
    t0 = time.monotonic()
    with ThreadPoolExecutor(CONNS) as pool:
        flight = deque()

        def send(batch):
            # At most 2 batches per connection in flight: memory stays one chunk plus a few batches.
            while len(flight) >= 2 * CONNS:
                e = flight.popleft().result()
                e and errors.append(e)
            flight.append(pool.submit(post, "[" + ",".join(batch) + "]", len(batch)))

        for chunk in scale_data.chunks(n):
            for rows in chunk:
                for lo in range(0, len(rows), BATCH):
                    send(rows[lo:lo + BATCH])
                # Each pass ends before the next starts: which versions arrive late is the data set's choice.
                while flight:
                    e = flight.popleft().result()
                    e and errors.append(e)
    secs = time.monotonic() - t0
    for e in errors[:5]:
        print(e, file=sys.stderr)
    t = totals
    print(f"orders={n} rows_sent={t['sent']} inserted={t['inserted']} unchanged={t['unchanged']} "
          f"versions_per_order={t['inserted'] / max(1, n):.2f} secs={secs:.1f} "
          f"rows_per_s={t['sent'] / secs:.0f} failed_batches={len(errors)}")
    return not errors


def fetch_once(port, path, timeout, body):
    """(status, bytes, secs): curl writes the answer to `body` and times it from the request to the
    last byte (no interpreter in the figure); status 0 is a timeout or a cut answer."""
    r = subprocess.run(["curl", "-s", "--max-time", str(timeout), "-o", body, "-w",
                        "%{http_code} %{size_download} %{time_total}", f"http://127.0.0.1:{port}{path}"],
                       capture_output=True, text=True)
    code, size, secs = (r.stdout.split() + ["0", "0", "0"])[:3]
    return (int(code) if r.returncode == 0 else 0), int(float(size)), float(secs), r.returncode


def count(body, csv_answer):
    """The answer's rows: CSV records after the header (a quoted field may hold a line break), or
    a JSON array's items. Read after the timing, from the file."""
    if csv_answer:
        with open(body, newline="", encoding="utf-8") as f:
            return max(0, sum(1 for _ in csv.reader(f)) - 1)
    with open(body, "rb") as f:
        return len(json.load(f))


def get(port, path, timeout, body):
    status, size, secs, rc = fetch_once(port, path, timeout, body)
    times, error = [secs], (f"curl_exit_{rc}" if rc else None)
    rows = 0
    if status == 200 and not error:
        try:
            rows = count(body, "format=csv" in path)
        except (ValueError, csv.Error) as e:
            error = type(e).__name__
    if status == 200 and not error and secs < 1:
        for _ in range(2):
            s, _, t, rc = fetch_once(port, path, timeout, body)
            if s != 200 or rc:
                status, error = s, f"curl_exit_{rc}" if rc else None
                break
            times.append(t)
    if os.path.exists(body):
        os.unlink(body)
    # curl's 28: no whole answer within TIMEOUT; 18: the answer ended before its end (a cut stream)
    shown = "timeout" if rc == 28 else "cut" if rc == 18 else status
    line = (f"status={shown} rows={rows} bytes={size} "
            f"secs={statistics.median(times):.4f} runs={len(times)} all={','.join(f'{t:.3f}' for t in times)}")
    print(line + (f" error={error}" if error else ""))
    return True


# Set before the page's own script runs: the time (ms since navigation start) at which the first
# refresh ended, i.e. body[data-state] left "loading" for "ready" or "error" (DashboardPage+Script.swift).
WATCH = """
new MutationObserver((_, observer) => {
  const s = document.body && document.body.dataset.state;
  if (s === 'ready' || s === 'error') { window.__loadedMs = performance.now(); window.__loadedState = s; observer.disconnect(); }
}).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-state'] });
"""
# The failed panels (and, for scale, when the page itself was parsed: DOMContentLoaded): the view fetches the banner lists (one item each), and the cards showing their
# "Could not load this view" text.
FAILED = """(() => ({ ms: window.__loadedMs, state: window.__loadedState,
  shell: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
  failed: [...document.querySelectorAll('[data-testid=error-banner] li')].map((li) => li.textContent),
  cards: document.querySelectorAll('.failed:not([hidden])').length }))()"""


def dashboard(base, timeout):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "browser"))
    import dashboard_test as d  # its Chromium driver (CDP over a minimal WebSocket)

    d.DEADLINE = time.monotonic() + timeout + 30
    browser = None
    try:
        browser = d.Browser()
        page = d.Page(browser)
        # Warm the browser on the same origin first (a renderer up, a connection open), so the figure is
        # the dashboard's load, not Chromium's start; /healthz runs no query and sets no validator.
        page.call("Page.navigate", {"url": base.rstrip("/") + "/healthz"})
        page.wait_for("document.readyState === 'complete'", "GET /healthz in the browser", timeout=10)
        page.call("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH})
        page.call("Page.navigate", {"url": base.rstrip("/") + "/dashboard"})
        page.wait_for("window.__loadedMs !== undefined", "the dashboard's first load", timeout=timeout)
        got = page.eval(FAILED)
        # "order_stage_timings_v: HTTP 503 (detail)" -> "order_stage_timings_v:503": no blanks in the field
        why = ",".join(x.split(" (")[0].replace(": HTTP ", ":").replace(" ", "_") for x in got["failed"])[:300]
        print(f"secs={got['ms'] / 1000:.3f} shell_secs={got['shell'] / 1000:.3f} state={got['state']} failed={len(got['failed'])} "
              f"failed_cards={got['cards']}" + (f" why={why}" if why else ""))
    except d.Fatal as e:
        print(f"secs= state=none failed= error={str(e).replace(' ', '_')[:200]}")
    finally:
        if browser:
            browser.close()
    return True


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "load":
        ok = load(int(sys.argv[2]), int(sys.argv[3]))
    elif cmd == "get":
        ok = get(int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), sys.argv[5])
    else:
        ok = dashboard(sys.argv[2], float(sys.argv[3]))
    sys.exit(0 if ok else 1)
