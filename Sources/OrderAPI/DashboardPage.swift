/// The built-in dashboard served at `GET /dashboard` (docs/contract.md §3): one self-contained page, with no
/// CDN, font or script from elsewhere, so it works offline and behind any firewall. It reads the
/// view API (`/views/{name}`) with `fetch`, draws its charts as SVG and refreshes every 30 s;
/// `cache: 'no-cache'` makes the browser revalidate with `If-None-Match`, so an unchanged view
/// costs a 304. A `?token=` in the page URL is sent as `Authorization: Bearer` on every fetch.
/// Every drawn number is also kept in a `data-*` attribute, for `Tests/browser/dashboard-test`.
/// The page's script is in `DashboardPage+Script.swift` (drawing) and `DashboardPage+Loading.swift` (loading).
enum DashboardPage {
    /// The whole page: HTML, inline CSS and inline vanilla JavaScript.
    static let html: String = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="color-scheme" content="light dark">
        <title>ordersync · dashboard</title>
        <link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='4' fill='%234f46e5'/%3E%3Cpath d='M4 11V8M8 11V5M12 11V7' stroke='white' stroke-width='2' stroke-linecap='round'/%3E%3C/svg%3E">
        <style>
        :root {
          --bg: #f4f5f8; --card: #ffffff; --text: #1d2433; --muted: #667085; --border: #e4e7ec;
          --grid: #eaecf0; --accent: #4f46e5; --danger-bg: #fef3f2; --danger: #b42318; --row-hover: #f9fafb;
          font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Liberation Sans", Arial, sans-serif;
          color: var(--text); background: var(--bg);
        }
        @media (prefers-color-scheme: dark) {
          :root {
            --bg: #0e1117; --card: #171b24; --text: #e6e8ee; --muted: #98a2b3; --border: #262c38;
            --grid: #232936; --accent: #818cf8; --danger-bg: #3a1715; --danger: #fda29b; --row-hover: #1d2230;
          }
        }
        * { box-sizing: border-box; }
        body { margin: 0; font-size: 15px; line-height: 1.45; -webkit-text-size-adjust: 100%; }
        header.top { display: flex; align-items: center; justify-content: space-between; gap: 12px; flex-wrap: wrap;
          padding: 14px 24px; background: var(--card); border-bottom: 1px solid var(--border); }
        .brand { display: flex; align-items: center; gap: 10px; }
        .brand h1 { font-size: 18px; margin: 0; letter-spacing: -0.01em; }
        .brand .sub { color: var(--muted); font-size: 14px; }
        .meta { display: flex; align-items: center; gap: 12px; color: var(--muted); font-size: 13px; }
        .live { display: inline-block; width: 8px; height: 8px; border-radius: 50%; background: #12b76a; margin-right: 6px; }
        body[data-state="error"] .live { background: #f04438; }
        button, select { font: inherit; font-size: 13px; color: var(--text); background: var(--card);
          border: 1px solid var(--border); border-radius: 8px; padding: 6px 12px; cursor: pointer; }
        button:hover, select:hover { border-color: var(--muted); }
        main { max-width: 1240px; margin: 0 auto; padding: 20px 24px 32px; display: grid; gap: 16px; }
        .banner { margin: 16px max(24px, calc((100% - 1192px) / 2)) 0; padding: 10px 14px; border-radius: 10px; font-size: 14px;
          background: var(--danger-bg); color: var(--danger); border: 1px solid currentColor; }
        .banner[hidden] { display: none; }
        .banner ul { margin: 4px 0 0; padding-left: 18px; }
        .kpis { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 16px; }
        .kpi, .card { background: var(--card); border: 1px solid var(--border); border-radius: 14px; }
        .kpi { padding: 14px 16px; }
        .kpi .label { color: var(--muted); font-size: 13px; }
        .kpi .value { font-size: 26px; font-weight: 650; letter-spacing: -0.02em; font-variant-numeric: tabular-nums; }
        .kpi .note { color: var(--muted); font-size: 12px; }
        .card { padding: 16px 18px; min-width: 0; }
        .card-head { display: flex; justify-content: space-between; align-items: baseline; gap: 8px 16px; flex-wrap: wrap; }
        .card h2 { font-size: 15px; margin: 0; }
        .hint { color: var(--muted); font-size: 12.5px; margin: 2px 0 0; }
        .grid2 { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 16px; }
        .chart { position: relative; margin-top: 10px; }
        .chart svg { display: block; width: 100%; overflow: visible; }
        svg text { fill: var(--muted); font-size: 11px; font-variant-numeric: tabular-nums; }
        svg text.strong { fill: var(--text); font-weight: 600; }
        svg .grid { stroke: var(--grid); }
        svg rect.bar:hover, svg circle.slice:hover { opacity: 0.8; }
        .empty { padding: 36px 12px; text-align: center; color: var(--muted); font-size: 14px; border: 1px dashed var(--border);
          border-radius: 10px; margin-top: 10px; }
        .empty[hidden] { display: none; }
        .empty.failed { color: var(--danger); border-color: currentColor; }
        .legend { display: flex; flex-wrap: wrap; gap: 4px 14px; margin-top: 10px; font-size: 12.5px; color: var(--muted); }
        .legend span { display: inline-flex; align-items: center; gap: 6px; }
        .swatch { width: 10px; height: 10px; border-radius: 3px; display: inline-block; flex: none; }
        .status-body { display: flex; align-items: center; gap: 20px; flex-wrap: wrap; }
        .status-body .chart { flex: 0 0 200px; }
        .status-list { flex: 1 1 180px; list-style: none; margin: 10px 0 0; padding: 0; font-size: 14px; }
        .status-list li { display: flex; align-items: center; gap: 8px; padding: 5px 0; border-bottom: 1px solid var(--border); }
        .status-list li:last-child { border-bottom: 0; }
        .status-list .n { margin-left: auto; font-variant-numeric: tabular-nums; font-weight: 600; }
        .status-list .pct { width: 52px; text-align: right; color: var(--muted); font-variant-numeric: tabular-nums; }
        .table-wrap { overflow-x: auto; margin-top: 12px; }
        table { width: 100%; border-collapse: collapse; font-size: 13.5px; }
        th { text-align: left; font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase;
          letter-spacing: 0.04em; padding: 8px 10px; border-bottom: 1px solid var(--border); white-space: nowrap; }
        td { padding: 8px 10px; border-bottom: 1px solid var(--border); white-space: nowrap; font-variant-numeric: tabular-nums; }
        tbody tr:hover { background: var(--row-hover); }
        td.details { max-width: 260px; overflow: hidden; text-overflow: ellipsis; color: var(--muted); }
        .details-inline { display: none; white-space: nowrap; font-weight: 400; color: var(--muted); font-size: 12px; max-width: 36vw;
          overflow: hidden; text-overflow: ellipsis; }
        .status-list .stage { color: var(--muted); font-size: 12px; }
        td.num, th.num { text-align: right; }
        td.strong { font-weight: 600; }
        .badge { display: inline-flex; align-items: center; gap: 6px; padding: 2px 9px 2px 7px; border-radius: 999px;
          font-size: 12.5px; background: color-mix(in srgb, var(--c) 14%, transparent); }
        .badge::before { content: ""; width: 7px; height: 7px; border-radius: 50%; background: var(--c); }
        .table-note { color: var(--muted); font-size: 12.5px; margin: 10px 0 0; }
        footer { text-align: center; color: var(--muted); font-size: 12px; padding: 0 16px 24px; }
        @media (max-width: 900px) { .grid2 { grid-template-columns: minmax(0, 1fr); } .kpis { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
        @media (max-width: 560px) {
          header.top { padding: 12px 14px; } main { padding: 14px 12px 24px; gap: 12px; } .banner { margin: 12px 12px 0; }
          .kpis { gap: 12px; } .kpi { padding: 12px; } .kpi .value { font-size: 22px; } .card { padding: 14px 12px; }
          .opt { display: none; } .details-inline { display: block; max-width: none; } th, td { padding: 8px 6px; }
          #orders-table { table-layout: fixed; } #orders-table th:nth-child(1) { width: 39%; }
          #orders-table th:nth-child(2) { width: 35%; } #orders-table th:nth-child(4) { width: 26%; }
          #orders-table td { overflow: hidden; text-overflow: ellipsis; }
          #orders-table td.when, #orders-table td.order { white-space: normal; overflow-wrap: anywhere; }
          #orders-table td.order { font-size: 12.5px; }
          .badge { display: inline-block; max-width: 100%; overflow: hidden; text-overflow: ellipsis; vertical-align: middle; }
          .badge::before { display: inline-block; margin-right: 6px; vertical-align: 1px; } .status-body .chart { flex-basis: 100%; } .brand .sub { display: none; }
        }
        </style>
        </head>
        <body data-state="loading" data-refreshes="0">
        <header class="top">
          <div class="brand">
            <svg width="28" height="28" viewBox="0 0 16 16" aria-hidden="true"><rect width="16" height="16" rx="4" fill="#4f46e5"/><path d="M4 11V8M8 11V5M12 11V7" stroke="#fff" stroke-width="2" stroke-linecap="round"/></svg>
            <h1>ordersync</h1><span class="sub">Orders dashboard</span>
          </div>
          <div class="meta"><span><span class="live"></span><span id="updated" data-testid="updated">Loading…</span></span>
            <button id="refresh" type="button" title="Refresh now">Refresh</button></div>
        </header>
        <div id="banner" class="banner" role="alert" data-testid="error-banner" hidden></div>
        <main>
          <section class="kpis" aria-label="Key figures">
            <div class="kpi"><div class="label">Orders</div><div class="value" id="kpi-total" data-testid="kpi-total">–</div><div class="note">distinct orders stored</div></div>
            <div class="kpi"><div class="label">Delivered</div><div class="value" id="kpi-delivered">–</div><div class="note" id="kpi-delivered-note">&nbsp;</div></div>
            <div class="kpi"><div class="label">Cancelled</div><div class="value" id="kpi-cancelled">–</div><div class="note" id="kpi-cancelled-note">&nbsp;</div></div>
            <div class="kpi"><div class="label">Time to delivery</div><div class="value" id="kpi-delivery">–</div><div class="note">median, first event to delivered</div></div>
          </section>
          <section class="card">
            <div class="card-head"><div><h2>Orders per day by status</h2><p class="hint">Orders entering each status per day (UTC) · <span id="daily-range" data-testid="daily-range"></span></p></div></div>
            <div class="legend" id="daily-legend"></div>
            <div class="chart" id="daily-chart"><svg data-testid="chart-daily" role="img" aria-label="Orders per day by status"></svg></div>
            <div class="empty" id="daily-empty" hidden>No orders yet: POST some to <code>/</code> and they appear here.</div>
          </section>
          <div class="grid2">
            <section class="card">
              <div class="card-head"><div><h2>Current status</h2><p class="hint">Where every order stands now</p></div></div>
              <div class="status-body">
                <div class="chart" id="status-chart"><svg data-testid="chart-status" role="img" aria-label="Current status breakdown"></svg></div>
                <ul class="status-list" id="status-list"></ul>
              </div>
              <div class="empty" id="status-empty" hidden>No orders yet.</div>
            </section>
            <section class="card">
              <div class="card-head"><div><h2>Lifecycle stage timings</h2><p class="hint">Time from an order's first event to each stage</p></div>
                <div class="legend" style="margin:0"><span><i class="swatch" style="background:var(--muted)"></i>median</span>
                  <span><i class="swatch" style="background:var(--muted);opacity:.4"></i>average</span></div></div>
              <div class="chart" id="timings-chart"><svg data-testid="chart-timings" role="img" aria-label="Lifecycle stage timings"></svg></div>
              <div class="empty" id="timings-empty" hidden>No order has reached a later stage yet.</div>
            </section>
          </div>
          <div class="grid2">
            <section class="card">
              <div class="card-head"><div><h2>Events per source</h2><p class="hint">Webhooks and change events kept, by outcome (duplicates are only counted in <code>/metrics</code>)</p></div></div>
              <div class="table-wrap">
                <table data-testid="events-table" id="events-table">
                  <thead><tr><th>Source</th><th>Outcome</th><th class="num">Events</th><th>Last</th></tr></thead>
                  <tbody></tbody>
                </table>
              </div>
              <div class="empty" id="events-empty" hidden>No webhook or change event yet.</div>
            </section>
            <section class="card">
              <div class="card-head"><div><h2>Conflicts between sources</h2><p class="hint">Who lost to whom: a late version kept in history, or the same event time settled by <code>SOURCE_PRIORITY</code></p></div></div>
              <div class="table-wrap">
                <table data-testid="conflicts-table" id="conflicts-table">
                  <thead><tr><th>Kind</th><th>Stood</th><th>Lost</th><th class="num">Times</th><th>Last</th></tr></thead>
                  <tbody></tbody>
                </table>
              </div>
              <div class="empty" id="conflicts-empty" hidden>No conflict between sources.</div>
            </section>
          </div>
          <section class="card">
            <div class="card-head"><div><h2>CRM outbox</h2><p class="hint">Customer changes waiting for each CRM, the oldest one's age, and dead letters to redrive (<code>/outbox</code>)</p></div></div>
            <div class="table-wrap">
              <table data-testid="outbox-table" id="outbox-table">
                <thead><tr><th>CRM</th><th class="num">Customers waiting</th><th class="num">Versions waiting</th><th class="num">Oldest (s)</th><th class="num">Dead letters</th><th class="num">Delivered</th></tr></thead>
                <tbody></tbody>
              </table>
            </div>
            <div class="empty" id="outbox-empty" hidden>No CRM configured.</div>
          </section>
          <section class="card">
            <div class="card-head"><div><h2>Latest orders</h2><p class="hint">Latest version of each order, most recently changed first</p></div>
              <label class="hint">Status <select id="filter" data-testid="status-filter"><option value="">All statuses</option></select></label></div>
            <div class="table-wrap">
              <table data-testid="orders-table" id="orders-table">
                <thead><tr><th>Order</th><th>Status</th><th class="opt">Ordered</th><th>Updated</th><th class="num opt">Versions</th><th class="opt">Source</th><th class="opt">Details</th></tr></thead>
                <tbody></tbody>
              </table>
            </div>
            <div class="empty" id="orders-empty" hidden>No orders match.</div>
            <p class="table-note" id="orders-note"></p>
          </section>
        </main>
        <footer>Reads <code>/views/order_status_daily_v</code>, <code>order_status_summary_v</code>, <code>order_stage_timings_v</code>, <code>recent_orders_v</code>, <code>source_event_summary_v</code>, <code>conflict_summary_v</code> and <code>/outbox</code> · refreshes every <span id="every">30</span> s</footer>
        <script>
        \#(script)
        </script>
        </body>
        </html>
        """#
}
