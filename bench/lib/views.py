#!/usr/bin/env python3
"""View helpers for bench/run (v).

  views.py list PORT         GET /views: print each view's name, one a line (exit 1 if none)
  views.py fetch PORT PATH   GET PATH, read the whole answer and count its rows (a JSON array's
                             items, or CSV records after the header); print one line
                             status=.. rows=.. bytes=.. secs=.. [error=..]; exit 1 unless a 200
                             that ended cleanly (a streamed answer cut short is an error)
"""
import csv
import http.client
import io
import json
import sys
import time

TIMEOUT = 60


def get(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    c.request("GET", path)
    return c.getresponse()


def list_views(port):
    r = get(port, "/views")
    body = r.read()
    if r.status != 200:
        print(f"GET /views: HTTP {r.status} {body[:200]!r}", file=sys.stderr)
        return False
    names = [v["name"] for v in json.loads(body).get("views", [])]
    print("\n".join(names))
    return bool(names)


class Counting(io.RawIOBase):
    """Wraps the response: counts the body bytes as they are read."""

    def __init__(self, response):
        self.response, self.bytes = response, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.response.read(len(buffer))
        self.bytes += len(data)
        buffer[: len(data)] = data
        return len(data)


def fetch(port, path):
    t0 = time.monotonic()
    status, rows, error = 0, 0, None
    body = None
    try:
        r = get(port, path)
        status = r.status
        body = Counting(r)
        kind = r.getheader("Content-Type", "")
        if status != 200:
            body.read()
        elif kind.startswith("text/csv"):
            # csv handles quoted fields holding commas or line breaks; the first record is the header.
            text = io.TextIOWrapper(io.BufferedReader(body, 1 << 16), encoding="utf-8", newline="")
            rows = max(0, sum(1 for _ in csv.reader(text)) - 1)
        else:
            rows = len(json.loads(body.read()))
    except Exception as e:  # a cut stream (IncompleteRead), bad JSON, a timeout
        error = repr(e)[:200].replace(" ", "_")
    secs = time.monotonic() - t0
    line = f"status={status} rows={rows} bytes={body.bytes if body else 0} secs={secs:.3f}"
    print(line + (f" error={error}" if error else ""))
    return status == 200 and error is None


if __name__ == "__main__":
    cmd, port = sys.argv[1], int(sys.argv[2])
    ok = list_views(port) if cmd == "list" else fetch(port, sys.argv[3])
    sys.exit(0 if ok else 1)
