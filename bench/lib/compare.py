#!/usr/bin/env python3
"""compare.py [--views=V1,V2] LABEL=results.env ...: the key SQLite figures of several bench/run runs side by side (one
column per run, in the order given), as a markdown table. For before/after checks such as the storage
boundary's: run `ORDERSYNC_BIN=<binary> BENCH_ONLY=ingest,get,views bench/run` for each binary, keep
each run's bench/out/results.env, then compare them here. --views: only these views' rows (default: every
view any run timed)."""
import sys

runs, only_views = [], None
for arg in sys.argv[1:]:
    if arg.startswith("--views="):
        only_views = arg.split("=", 1)[1].split(",")
        continue
    label, path = arg.split("=", 1)
    r = {}
    for line in open(path):
        if "=" in line:
            k, v = line.rstrip("\n").split("=", 1)
            r[k] = v
    runs.append((label, r))


def num(r, k):
    try:
        return float(r[k])
    except (KeyError, ValueError):
        return None


def ratio(a, b):
    return lambda r: (num(r, a) / num(r, b)) if num(r, a) is not None and num(r, b) else None


ROWS = [  # (label, key or function, format)
    ("CPUs busy before start / after the run", lambda r: f"{r.get('busy', '?')}% / {r.get('busy_end', '?')}%", None),
    ("(a) bulk ingest: orders/s", "a_srv_rows_per_s", "{:,.0f}"),
    ("(a) C reference, same run: rows/s", "a_ref_rows_per_s", "{:,.0f}"),
    ("(a) ratio to C (bar ≥ 0.5×)", ratio("a_srv_rows_per_s", "a_ref_rows_per_s"), "{:.3f}×"),
    ("(a) server CPU per 1,000 rows", "a_srv_cpu_ms_per_krow", "{:.2f} ms"),
    ("(b) small ingest: req/s", "b_srv_rps", "{:,.0f}"),
    ("(b) C reference, same run: commits/s", "b_ref_commits_per_s", "{:,.0f}"),
    ("(b) ratio to C (bar ≥ 3×)", ratio("b_srv_rps", "b_ref_commits_per_s"), "{:.2f}×"),
    ("(b) p99 (bar ≤ 10 ms)", "b_srv_p99_ms", "{:.1f} ms"),
    ("(b) errors", "b_srv_errors", "{:.0f}"),
    ("(b) rows per commit", "b_rows_per_commit", "{:.1f}"),
    ("(a)+(b) lost", lambda r: (f"{max(0, num(r, 'a_acked') - num(r, 'a_stored')):.0f} / "
                                f"{max(0, num(r, 'b_acked') - num(r, 'b_stored')):.0f}")
     if None not in (num(r, 'a_acked'), num(r, 'a_stored'), num(r, 'b_acked'), num(r, 'b_stored')) else "?", None),
    ("(e) idle RSS", "e_idle_kb", "kb"),
    ("(e) peak RSS after (a)+(b)", "e_peak_kb", "kb"),
    ("(c) GET / over 100,000 orders × 3: time", "c_get_s", "{:.3f} s"),
    ("(c) sqlite3 -json latest_order_v, same run", "c_sqlite_s", "{:.3f} s"),
    ("(c) ratio to sqlite3 (bar ≤ 1.5×)", ratio("c_get_s", "c_sqlite_s"), "{:.3f}×"),
    ("(c) ratio to the from-scratch read (bar ≤ 0.44×)", ratio("c_get_s", "c_sqlite_scratch_s"), "{:.3f}×"),
    ("(c) GET / gzip: time", "c_gzip_s", "{:.3f} s"),
    ("(c) server peak RSS (bar ≤ 64 MB)", "c_hwm_kb", "kb"),
    ("(c) GET / content check", lambda r: r.get("c_check", "?").split(" ")[0], None),
    ("(v) load through POST /: rows/s", "v_load_rows_per_s", "{:,.0f}"),
]
names = {}
for _, r in runs:
    for i in range(1, int(num(r, "v_views") or 0) + 1):
        names.setdefault(r.get(f"v{i}_name"), None)
for name in (only_views or names):
    for kind, what in (("page", "?limit=1000"), ("csv", "full CSV")):
        def view(r, name=name, kind=kind):
            for i in range(1, int(num(r, "v_views") or 0) + 1):
                if r.get(f"v{i}_name") == name:
                    return num(r, f"v{i}_{kind}_s")
            return None
        ROWS.append((f"(v) `{name}` {what}", view, "{:.3f} s"))
ROWS.append(("(v) peak RSS, restart + lifecycle CSV export", "v_lifecycle_hwm_kb", "kb"))


def cell(r, key, fmt):
    v = key(r) if callable(key) else num(r, key)
    if v is None:
        return "n/a"
    if fmt is None:
        return str(v)
    if fmt == "kb":
        return f"{v / 1024:.1f} MB"
    return fmt.format(v)


print("| figure | " + " | ".join(label for label, _ in runs) + " |")
print("|---|" + "---|" * len(runs))
for label, key, fmt in ROWS:
    print(f"| {label} | " + " | ".join(cell(r, key, fmt) for _, r in runs) + " |")
