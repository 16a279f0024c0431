#!/usr/bin/env python3
"""Checks the built-in dashboard in headless Chromium, driven over the DevTools protocol (CDP).

Usage: dashboard_test.py BASE_URL OUT.png   (e.g. http://127.0.0.1:8080 /tmp/dashboard.png)

Opens BASE_URL/dashboard and fails when the page logs a console error or throws, when a chart's
<svg> is empty, or when a number drawn (read back from the data-* attributes the page puts on
every bar, slice and row) differs from what the view API returns to this script; when the daily
chart's date range is stretched by outlying days, a date label lacks its year, two statuses share a
colour, or a synced order's Details show raw JSON. It also drives
the table's status filter, waits for one auto-refresh, checks that nothing overflows a phone-width
screen, and writes two full-page screenshots: OUT.png at 1280 px and OUT-phone.png at 390 px.
Environment: AUTH_TOKEN (bearer token, when the server requires one), CHROMIUM (the browser
binary), DASHBOARD_DARK=1 (also write OUT-dark.png in the dark colour scheme).
Stdlib only; every wait is bounded and the whole run stops within TOTAL_SECONDS.
"""
import base64, collections, datetime, json, math, os, re, shutil, signal, socket, subprocess, sys, tempfile, time, traceback
import urllib.error, urllib.parse, urllib.request

TOTAL_SECONDS = 55
DEADLINE = time.monotonic() + TOTAL_SECONDS
TABLE_LIMIT = 50  # rows the page's table asks for
MAX_DAYS = 92  # days the daily chart shows at most (31 on a phone)


class Fatal(Exception):
    """Stops the run: the page or the server cannot be tested at all."""


def remaining(cap=None):
    left = DEADLINE - time.monotonic()
    if left <= 0:
        raise Fatal(f"the run exceeded its {TOTAL_SECONDS} s budget")
    return left if cap is None else min(cap, left)


# ---------------------------------------------------------------- a minimal WebSocket client (RFC 6455)

class WebSocket:
    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=remaining(10))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {parts.path} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        self.buffer = b""
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise Fatal(f"DevTools refused the WebSocket upgrade: {head[:200]!r}")

    def _fill(self):
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise Fatal("DevTools closed the connection (did Chromium crash?)")
        self.buffer += chunk

    def _take(self, n):
        while len(self.buffer) < n:
            self._fill()
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _send_frame(self, opcode, payload):
        mask = os.urandom(4)
        n = len(payload)
        head = bytes([0x80 | opcode]) + (bytes([0x80 | n]) if n < 126 else
                                         bytes([0x80 | 126]) + n.to_bytes(2, "big") if n < 65536 else
                                         bytes([0x80 | 127]) + n.to_bytes(8, "big"))
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def send(self, text):
        self._send_frame(0x1, text.encode())

    def recv(self, timeout):
        """One whole text message, or None when nothing arrives within `timeout` seconds."""
        self.sock.settimeout(max(0.01, timeout))
        message = b""
        while True:
            try:
                first, second = self._take(2)
            except socket.timeout:
                if message:
                    raise Fatal("DevTools stopped in the middle of a message")
                return None
            self.sock.settimeout(remaining(10))  # the rest of a started frame must follow promptly
            n = second & 0x7F
            if n == 126:
                n = int.from_bytes(self._take(2), "big")
            elif n == 127:
                n = int.from_bytes(self._take(8), "big")
            payload = self._take(n)
            opcode = first & 0x0F
            if opcode == 0x8:
                raise Fatal("DevTools closed the WebSocket")
            if opcode == 0x9:
                self._send_frame(0xA, payload)
            elif opcode in (0x0, 0x1, 0x2):
                message += payload
                if first & 0x80:
                    return message.decode()
            self.sock.settimeout(max(0.01, timeout))


# ---------------------------------------------------------------- Chromium and a CDP session

class Browser:
    def __init__(self):
        binary = os.environ.get("CHROMIUM") or next(
            (b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
        if not binary:
            raise Fatal("no Chromium found (apt-get install chromium, or set CHROMIUM)")
        self.profile = tempfile.mkdtemp(prefix="dashboard-test-")
        self.log = open(os.path.join(self.profile, "chromium.log"), "wb")
        flags = ["--headless=new", "--remote-debugging-port=0", f"--user-data-dir={self.profile}", "--no-first-run",
                 "--no-default-browser-check", "--disable-gpu", "--disable-dev-shm-usage", "--disable-extensions",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                 "--mute-audio", "--window-size=1280,800"]
        if os.geteuid() == 0:
            flags.append("--no-sandbox")  # Chromium's sandbox cannot run as root
        self.process = subprocess.Popen([binary, *flags, "about:blank"], stdout=self.log, stderr=self.log,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        limit = time.monotonic() + remaining(20)
        while not (os.path.exists(port_file) and len(open(port_file).read().split("\n")) >= 2):
            if self.process.poll() is not None or time.monotonic() > limit:
                raise Fatal("Chromium did not start its DevTools endpoint: " + self.log_tail())
            time.sleep(0.05)
        port, path = open(port_file).read().split("\n")[:2]
        self.ws = WebSocket(f"ws://127.0.0.1:{port.strip()}{path.strip()}")
        self.next_id = 0
        self.events = []

    def log_tail(self):
        self.log.flush()
        with open(self.log.name, "rb") as f:
            return f.read()[-600:].decode(errors="replace")

    def call(self, method, params=None, session=None, timeout=15):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        limit = time.monotonic() + remaining(timeout)
        while time.monotonic() < limit:
            raw = self.ws.recv(limit - time.monotonic())
            if raw is None:
                break
            reply = json.loads(raw)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise Fatal(f"{method} failed: {reply['error'].get('message')}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)
        raise Fatal(f"no answer to {method} within {timeout} s")

    def close(self):
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait(timeout=5)
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)


class Page:
    def __init__(self, browser):
        self.browser = browser
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Page", "Network"):
            self.call(f"{domain}.enable")

    def call(self, method, params=None, timeout=15):
        return self.browser.call(method, params, self.session, timeout)

    def eval(self, expression, quiet=False):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            if quiet:  # e.g. the document is still being replaced
                return None
            raise Fatal(f"evaluating in the page failed: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def wait_for(self, expression, what, timeout=15):
        limit = time.monotonic() + remaining(timeout)
        while time.monotonic() < limit:
            value = self.eval(expression, quiet=True)
            if value:
                return value
            time.sleep(0.1)
        raise Fatal(f"timed out after {timeout} s waiting for {what}")

    def viewport(self, width, height, scale, mobile):
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile})

    def screenshot(self, path):
        size = self.call("Page.getLayoutMetrics")["cssContentSize"]
        width, height = math.ceil(size["width"]), min(math.ceil(size["height"]), 6000)
        data = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                    "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}},
                         timeout=20)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        return width, height

    def errors(self):
        """Console errors, uncaught exceptions and error log entries (failed loads) seen so far."""
        found = []
        for event in self.browser.events:
            method, p = event["method"], event.get("params", {})
            if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                found.append("console.error: " + " ".join(
                    str(a.get("value", a.get("description", a.get("type")))) for a in p.get("args", [])))
            elif method == "Runtime.exceptionThrown":
                d = p.get("exceptionDetails", {})
                found.append("uncaught exception: " + (d.get("exception", {}).get("description") or d.get("text", "")))
            elif method == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                e = p["entry"]
                found.append(f"log error ({e.get('source')}): {e.get('text')} {e.get('url', '')}".strip())
        return found

    def view_statuses(self):
        """Status codes on the wire for /views/ requests (a revalidated 304 reaches fetch() as 200)."""
        urls = {e["params"]["requestId"]: e["params"]["request"]["url"] for e in self.browser.events
                if e["method"] == "Network.requestWillBeSent"}
        return collections.Counter(e["params"]["statusCode"] for e in self.browser.events
                                   if e["method"] == "Network.responseReceivedExtraInfo"
                                   and "/views/" in urls.get(e["params"]["requestId"], ""))


# ---------------------------------------------------------------- the API, as this script sees it

class API:
    def __init__(self, base, token):
        self.base, self.token = base.rstrip("/"), token

    def status(self, path):
        """The status of an unauthenticated GET."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=remaining(10)) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except (urllib.error.URLError, OSError) as error:
            raise Fatal(f"GET {self.base}{path} failed: {error}")

    def get_json(self, path):
        """The JSON answer of an authenticated GET of `path`."""
        request = urllib.request.Request(self.base + path, headers={"Accept": "application/json"})
        if self.token:
            request.add_header("Authorization", "Bearer " + self.token)
        try:
            with urllib.request.urlopen(request, timeout=remaining(10)) as response:
                return json.load(response)
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise Fatal(f"GET {self.base}{path} failed: {error}")

    def outbox(self):
        """The CRMs of GET /outbox."""
        answer = self.get_json("/outbox")
        if not isinstance(answer, dict) or not isinstance(answer.get("crms"), list):
            raise Fatal("GET /outbox did not answer {\"crms\": [...]}")
        return answer["crms"]

    def view(self, name, **query):
        path = f"/views/{name}?{urllib.parse.urlencode(query)}"
        rows = self.get_json(path)
        if not isinstance(rows, list):
            raise Fatal(f"GET {self.base}{path} did not answer a JSON array")
        return rows


# read back what the page drew: every data-* attribute, the <svg> sizes, and layout facts
DRAWN = """(() => {
  const pick = (sel) => [...document.querySelectorAll(sel)].map((e) => ({ ...e.dataset,
    height: e.getAttribute('height') }));
  const svgs = {};
  for (const s of document.querySelectorAll('svg[data-testid]')) {
    const box = s.getBoundingClientRect();
    svgs[s.dataset.testid] = { children: s.childElementCount, width: box.width, height: box.height };
  }
  const banner = document.querySelector('[data-testid=error-banner]');
  const dailySvg = document.querySelector('[data-testid=chart-daily]');
  return { svgs, daily: pick('[data-testid=chart-daily] rect[data-day]'),
    range: { first: dailySvg.dataset.firstDay, last: dailySvg.dataset.lastDay, hidden: Number(dailySvg.dataset.hiddenOrders) },
    // the x axis: the texts along the chart's bottom edge
    axis: [...dailySvg.querySelectorAll('text')].filter((t) => Number(t.getAttribute('y')) >= Number(dailySvg.getAttribute('height')) - 12)
      .map((t) => t.textContent),
    // colours as drawn: the swatches of the status list and the daily legend, the table's badge dots
    legend: [...document.querySelectorAll('#status-list li, #daily-legend span')].map((li) => ({ status: li.dataset.status,
      color: getComputedStyle(li.querySelector('.swatch')).backgroundColor })),
    badges: [...document.querySelectorAll('[data-testid=orders-table] tbody tr')].map((tr) => ({ status: tr.dataset.status,
      color: getComputedStyle(tr.querySelector('.badge'), '::before').backgroundColor,
      details: (tr.querySelector('td.details') || {}).textContent || '' })),
    status: pick('[data-testid=chart-status] circle[data-status]'),
    timings: pick('[data-testid=chart-timings] [data-stage]'),
    rows: pick('[data-testid=orders-table] tbody tr'),
    events: pick('[data-testid=events-table] tbody tr'),
    conflicts: pick('[data-testid=conflicts-table] tbody tr'),
    outbox: pick('[data-testid=outbox-table] tbody tr'),
    filter: document.querySelector('[data-testid=orders-table]').dataset.filter || '',
    kpiTotal: document.querySelector('[data-testid=kpi-total]').dataset.value,
    banner: banner.hidden ? '' : banner.innerText.replace(/\s+/g, ' '),
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    tableOverflow: (() => { const w = document.querySelector('.table-wrap'); return w.scrollWidth - w.clientWidth; })() };
})()"""


def same_number(a, b):
    return a is not None and b is not None and math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


class Checks:
    def __init__(self):
        self.passed, self.failed = 0, []

    def check(self, name, problems):
        problems = [p for p in problems if p]
        if problems:
            self.failed.append(name)
            print(f"FAIL {name}")
            for p in problems[:8]:
                print(f"     {p}")
            if len(problems) > 8:
                print(f"     … and {len(problems) - 8} more")
        else:
            self.passed += 1
            print(f"ok   {name}")


def compare(checks, label, drawn, views):
    daily, summary, timings, latest = views["daily"], views["summary"], views["timings"], views["latest"]
    events = sorted((r["source"], r["status"], str(r["events"])) for r in views["events"])
    drawn_events = sorted((r.get("source"), r.get("status"), r.get("events")) for r in drawn["events"])
    checks.check(f"{label}: events panel = source_event_summary_v ({len(events)} rows)", [
        "the view has no rows: the seed sends change events" if not events else None,
        f"drawn {drawn_events} ≠ API {events}" if drawn_events != events else None])
    conflicts = sorted((r["kind"], r["winner_source"], r["loser_source"], str(r["conflicts"])) for r in views["conflicts"])
    drawn_conflicts = sorted((r.get("kind"), r.get("winnerSource"), r.get("loserSource"), r.get("conflicts"))
                             for r in drawn["conflicts"])
    checks.check(f"{label}: conflicts panel = conflict_summary_v ({len(conflicts)} rows)", [
        "the view has no rows: the seed makes both kinds of conflict" if len(conflicts) < 2 else None,
        f"drawn {drawn_conflicts} ≠ API {conflicts}" if drawn_conflicts != conflicts else None])
    outbox = sorted((r["crm"], str(r["pending_customers"]), str(r["pending_versions"]), str(r["dead"])) for r in views["outbox"])
    drawn_outbox = sorted((r.get("crm"), r.get("pendingCustomers"), r.get("pendingVersions"), r.get("dead"))
                          for r in drawn["outbox"])
    checks.check(f"{label}: outbox panel = /outbox ({len(outbox)} rows)", [
        "/outbox has no CRM: run-with-server configures HubSpot" if not outbox else None,
        f"drawn {drawn_outbox} ≠ API {outbox}" if drawn_outbox != outbox else None])
    drawn_days = sorted(r.get("day") for r in drawn["daily"] if r.get("day"))
    first = drawn["range"].get("first") or (drawn_days[0] if drawn_days else "")
    last = drawn["range"].get("last") or (drawn_days[-1] if drawn_days else "")
    shown = [r for r in daily if first <= r["day"] <= last]
    total = sum(r["orders"] for r in daily)
    span = (datetime.date.fromisoformat(last) - datetime.date.fromisoformat(first)).days + 1 if first and last else 0
    checks.check(f"{label}: daily chart range {first} – {last} is the data's dense range, not stretched by outliers", [
        "the chart names no range" if not span else None,
        f"{span} days shown: more than the {MAX_DAYS} a chart keeps" if span > MAX_DAYS else None,
        f"the range holds only {sum(r['orders'] for r in shown)} of {total} status entries"
        if sum(r["orders"] for r in shown) < 0.9 * total else None,
        f"{drawn['range'].get('hidden')} entries reported hidden, the API has {total - sum(r['orders'] for r in shown)} outside"
        if drawn["range"].get("hidden") != total - sum(r["orders"] for r in shown) else None])
    checks.check(f"{label}: every date on the daily chart's axis names its year ({len(drawn['axis'])} labels)", [
        "no axis label" if not drawn["axis"] else None] + [
        f"axis label {t!r} has no year" for t in drawn["axis"] if not re.search(r"\b(19|20)\d\d\b", t)])
    colours = collections.defaultdict(set)
    for r in drawn["legend"] + drawn["badges"]:
        colours[(r.get("status") or "").strip().lower()].add(r.get("color"))
    owners = collections.defaultdict(list)
    for status, found in colours.items():
        for colour in found:
            owners[colour].append(status)
    checks.check(f"{label}: one distinct colour per status ({len(colours)} statuses)", [
        f"status {s} drawn in {len(c)} colours {sorted(c)}" for s, c in colours.items() if len(c) != 1] + [
        f"statuses {sorted(s)} share the colour {c}" for c, s in owners.items() if len(s) > 1 and len(colours) <= 20])
    raw = {r["order_id"]: r for r in latest}
    unreadable = []
    for r, badge in zip(drawn["rows"], drawn["badges"]):
        details, row = badge["details"], raw.get(r.get("orderId"), {})
        source = row.get("order_details")
        if not isinstance(source, str) or source.strip()[:1] not in ("[", "{"):
            continue
        # raw JSON shows as `{"key"` / `["…"` / `"key":`; a Shopify order's line items as "title × n"
        if re.search(r'[\[{]\s*"|"\s*:', details) or row.get("source") == "shopify" and "×" not in details:
            unreadable.append(f"order {r.get('orderId')}: Details shows {details[:60]!r} for {source[:60]!r}")
    checks.check(f"{label}: Details of synced orders read as text (line items as title × quantity)",
                 unreadable + ["no Shopify order with line items in the table" if not any(
                     r.get("source") == "shopify" for r in latest) else None])
    checks.check(f"{label}: every chart <svg> has content", [
        f"<svg data-testid={k}> is empty" for k, v in drawn["svgs"].items() if v["children"] == 0] + [
        f"<svg data-testid={k}> has no size ({v['width']:.0f}×{v['height']:.0f})" for k, v in drawn["svgs"].items()
        if v["width"] < 50 or v["height"] < 50] + [
        "no chart <svg> found" if len(drawn["svgs"]) < 3 else None])

    want = collections.Counter((r["day"], r["status"], int(r["orders"])) for r in shown)
    got = collections.Counter((r.get("day"), r.get("status"), int(r.get("value", -1))) for r in drawn["daily"])
    checks.check(f"{label}: orders per day by status = order_status_daily_v in that range ({len(shown)} rows)",
                 [f"API has {k}, page does not" for k in want - got] + [f"page draws {k}, API does not" for k in got - want] +
                 ["no bar has a height" if not any(float(r["height"] or 0) > 0 for r in drawn["daily"]) else None])

    want = collections.Counter((r["status"], int(r["orders"])) for r in summary)
    got = collections.Counter((r.get("status"), int(r.get("value", -1))) for r in drawn["status"])
    shares = {r.get("status"): r.get("share") for r in drawn["status"]}
    checks.check(f"{label}: current status breakdown = order_status_summary_v ({len(summary)} rows)",
                 [f"API has {k}, page does not" for k in want - got] + [f"page draws {k}, API does not" for k in got - want] +
                 [f"share of {r['status']}: API {r['share']}, page {shares.get(r['status'])}" for r in summary
                  if r.get("share") is not None and not same_number(r["share"], shares.get(r["status"]))] +
                 [f"KPI total {drawn.get('kpiTotal')} ≠ {sum(r['orders'] for r in summary)}"
                  if str(sum(r["orders"] for r in summary)) != str(drawn.get("kpiTotal")) else None])

    marks = {(m.get("stage"), m.get("metric")): m.get("value") for m in drawn["timings"]}
    problems = []
    for row in timings:
        for metric in ("orders_reached", "avg_hours", "median_hours"):
            value, shown = row.get(metric), marks.get((row["stage"], metric), "<missing>")
            if value is None and shown != "null" or value is not None and not same_number(value, shown if shown != "<missing>" else None):
                problems.append(f"{row['stage']}.{metric}: API {value}, page {shown}")
    checks.check(f"{label}: lifecycle stage timings = order_stage_timings_v ({len(timings)} rows)", problems)

    want = {r["order_id"]: r["order_status"] for r in latest}
    got = {r.get("orderId"): r.get("status") for r in drawn["rows"]}
    order = [r.get("orderId") for r in drawn["rows"]]
    checks.check(f"{label}: latest orders table = recent_orders_v?limit={TABLE_LIMIT} ({len(latest)} rows)",
                 [f"table order {order[:4]}… ≠ the view's {[r['order_id'] for r in latest][:4]}…"
                  if order != [r["order_id"] for r in latest] else None] +
                 [f"order {k} ({v}) missing from the table" for k, v in want.items() if k not in got] +
                 [f"table shows order {k}, API does not" for k in got if k not in want] +
                 [f"order {k}: API {v}, table {got[k]}" for k, v in want.items() if k in got and got[k] != v])
    checks.check(f"{label}: no error banner, no horizontal overflow (nor in the orders table)", [
        f"error banner shown: {drawn['banner']}" if drawn["banner"] else None,
        f"page is {drawn['overflow']} px wider than the screen" if drawn["overflow"] > 0 else None,
        f"the orders table is {drawn['tableOverflow']} px wider than its card (it scrolls sideways)"
        if drawn["tableOverflow"] > 1 else None])


def check_filter(checks, page, api, views):
    """Picks a status and checks the filtered table against the API (statuses match as stored)."""
    counts = {r["status"]: r["orders"] for r in views["summary"] if r["orders"] > 0}
    # the biggest status that fits the table whole (so its count can be checked), else the smallest
    status = max((s for s in counts if counts[s] <= TABLE_LIMIT), key=lambda s: counts[s], default=None) \
        or min(counts, key=lambda s: counts[s])
    page.eval(f"(() => {{ const s = document.querySelector('[data-testid=status-filter]'); s.value = {json.dumps(status)};"
              " s.dispatchEvent(new Event('change')); })()")
    page.wait_for(f"document.body.dataset.state === 'ready' && "
                  f"document.querySelector('[data-testid=orders-table]').dataset.filter === {json.dumps(status)}",
                  f"the table filtered on {status}")
    drawn = page.eval(DRAWN)
    top = api.view("recent_orders_v", limit=TABLE_LIMIT, status=status)
    got = [r.get("orderId") for r in drawn["rows"]]
    checks.check(f"status filter '{status}': table = recent_orders_v?status=… ({counts[status]} orders)", [
        f"table shows {len(got)} rows, the summary counts {counts[status]}" if len(got) != min(counts[status], TABLE_LIMIT) else None,
        f"table {sorted(got)[:5]}… ≠ API {sorted(r['order_id'] for r in top)[:5]}…" if sorted(got) != sorted(r["order_id"] for r in top) else None,
    ] + [f"row {r.get('orderId')} has status {r.get('status')}" for r in drawn["rows"] if r.get("status", "").strip().lower() != status])
    page.eval("(() => { const s = document.querySelector('[data-testid=status-filter]'); s.value = '';"
              " s.dispatchEvent(new Event('change')); })()")
    page.wait_for("document.body.dataset.state === 'ready' && "
                  "document.querySelector('[data-testid=orders-table]').dataset.filter === ''", "the unfiltered table")


def run(checks, base, out):
    token = os.environ.get("AUTH_TOKEN") or None
    api = API(base, token)
    views = {"daily": api.view("order_status_daily_v", limit=10000), "summary": api.view("order_status_summary_v", limit=1000),
             "timings": api.view("order_stage_timings_v", limit=1000), "latest": api.view("recent_orders_v", limit=TABLE_LIMIT),
             "events": api.view("source_event_summary_v", limit=1000), "conflicts": api.view("conflict_summary_v", limit=1000),
             "outbox": api.outbox()}
    empty = [k for k, v in views.items() if not v]
    if empty or sum(r["orders"] for r in views["summary"]) == 0:
        raise Fatal(f"the API has no rows for {', '.join(empty) or 'summary'}: seed the server with orders first")

    browser, page = Browser(), None
    try:
        page = Page(browser)
        if token and api.status("/dashboard") == 401:
            # A browser cannot send a bearer token when it opens a URL; when the server guards the page
            # itself, DevTools adds the header (to the page's own fetches too, which then prove less).
            print("     GET /dashboard needs the token: DevTools adds it to every request")
            page.call("Network.setExtraHTTPHeaders", {"headers": {"Authorization": "Bearer " + token}})
        page.viewport(1280, 800, 1, False)
        query = urllib.parse.urlencode({**({"token": token} if token else {}), "refresh": 3})
        url = f"{api.base}/dashboard?{query}"
        navigation = page.call("Page.navigate", {"url": url})
        if navigation.get("errorText"):
            raise Fatal(f"navigating to {url} failed: {navigation['errorText']}")
        state = page.wait_for("['ready', 'error'].includes(document.body && document.body.dataset.state) && document.body.dataset.state",
                              "the first render (body[data-state=ready])", timeout=20)
        checks.check("page loads and renders every view", [f"the page ended in state '{state}'" if state != "ready" else None])
        compare(checks, "laptop 1280", page.eval(DRAWN), views)
        if state == "ready":  # a page stuck in its error state would only time out below
            check_filter(checks, page, api, views)
            start = int(page.eval("document.body.dataset.refreshes"))
            page.wait_for(f"Number(document.body.dataset.refreshes) > {start} && document.body.dataset.state",
                          "an auto-refresh", timeout=10)
            after = page.eval("document.body.dataset.state")
            statuses = page.view_statuses()
            checks.check("auto-refresh ran (every 3 s here; 30 s by default), revalidated with If-None-Match (304)", [
                f"state after the refresh: {after}" if after != "ready" else None,
                f"no 304 among the view answers {dict(statuses)}: is the page fetching with cache: 'no-cache'?"
                if not statuses.get(304) else None])
        size = page.screenshot(out)
        print(f"     screenshot {out} ({size[0]}×{size[1]} CSS px)")

        if os.environ.get("DASHBOARD_DARK") == "1":
            page.call("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
            time.sleep(0.3)
            dark = out[:-4] + "-dark.png" if out.endswith(".png") else out + "-dark.png"
            page.screenshot(dark)
            print(f"     screenshot {dark}")
            page.call("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "light"}]})

        page.viewport(390, 844, 2, True)
        page.wait_for("document.body.dataset.renderedWidth === '390'", "the re-render at phone width", timeout=5)
        compare(checks, "phone 390", page.eval(DRAWN), views)
        phone = out[:-4] + "-phone.png" if out.endswith(".png") else out + "-phone.png"
        size = page.screenshot(phone)
        print(f"     screenshot {phone} ({size[0]}×{size[1]} CSS px, device scale 2)")

        print(f"     view API answers on the wire: {dict(sorted(page.view_statuses().items()))}")
    finally:
        if page:  # also after a fatal error: what the page logged usually explains it
            checks.check("no console error, uncaught exception or failed load", page.errors())
        browser.close()


def main():
    if len(sys.argv) != 3 or not sys.argv[2]:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    def stop(signum, _frame):
        raise Fatal("watchdog: the run took too long" if signum == signal.SIGALRM else "terminated")
    signal.signal(signal.SIGALRM, stop)
    signal.signal(signal.SIGTERM, stop)
    signal.alarm(TOTAL_SECONDS + 3)
    checks = Checks()
    try:
        run(checks, sys.argv[1], sys.argv[2])
    except Exception as error:  # Fatal, or a bug here: either way a clear failure, never a pass
        if not isinstance(error, Fatal):
            traceback.print_exc()
        checks.check("the run completes", [f"FATAL: {error}"])
    print(f"dashboard: {checks.passed} passed, {len(checks.failed)} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
