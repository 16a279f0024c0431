/// The built-in dashboard served at `GET /dashboard` (docs/contract.md §3): one self-contained page, with no
/// CDN, font or script from elsewhere, so it works offline and behind any firewall. It reads the
/// view API (`/views/{name}`) with `fetch`, draws its charts as SVG and refreshes every 30 s;
/// `cache: 'no-cache'` makes the browser revalidate with `If-None-Match`, so an unchanged view
/// costs a 304. A `?token=` in the page URL is sent as `Authorization: Bearer` on every fetch.
/// Every drawn number is also kept in a `data-*` attribute, for `Tests/browser/dashboard-test`.
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
          .opt { display: none; } th, td { padding: 8px 6px; } .status-body .chart { flex-basis: 100%; } .brand .sub { display: none; }
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
            <div class="card-head"><div><h2>Orders per day by status</h2><p class="hint">Orders entering each status per day (UTC)</p></div></div>
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
        <footer>Reads <code>/views/order_status_daily_v</code>, <code>order_status_summary_v</code>, <code>order_stage_timings_v</code> and <code>recent_orders_v</code> · refreshes every <span id="every">30</span> s</footer>
        <script>
        'use strict';
        const params = new URLSearchParams(location.search);
        const token = params.get('token');
        const refreshSeconds = Math.max(2, Number(params.get('refresh')) || 30);
        const apiBase = location.pathname.replace(/dashboard\/?$/, '');
        const SVG = 'http://www.w3.org/2000/svg';
        const TABLE_LIMIT = 50;
        const STAGES = ['processing', 'shipped', 'delivered'];
        const STATUS_ORDER = ['pending', 'processing', 'on-hold', 'shipped', 'delivered', 'completed', 'cancelled', 'refunded', 'returned', 'failed'];
        const STATUS_COLORS = { pending: '#f5a524', processing: '#3b82f6', 'on-hold': '#94a3b8', shipped: '#8b5cf6', delivered: '#12b76a',
          completed: '#0e9384', cancelled: '#f04438', refunded: '#ee46bc', returned: '#f97316', failed: '#b42318' };
        const FALLBACK_COLORS = ['#06aed4', '#6172f3', '#84cc16', '#d946ef', '#eab308', '#64748b', '#14b8a6'];
        const state = { data: {}, texts: {}, filter: params.get('status') || '', timer: null, busy: false, again: false };

        const $ = (id) => document.getElementById(id);
        const nf = new Intl.NumberFormat();
        const fmtInt = (n) => nf.format(n);
        const fmtPct = (x) => (x * 100).toFixed(x < 0.1 && x > 0 ? 1 : 0) + '%';
        const key = (status) => String(status ?? '').trim().toLowerCase();
        const title = (s) => s.charAt(0).toUpperCase() + s.slice(1);

        function statusColor(status) {
          const k = key(status);
          if (STATUS_COLORS[k]) return STATUS_COLORS[k];
          let hash = 0;
          for (const ch of k) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
          return FALLBACK_COLORS[hash % FALLBACK_COLORS.length];
        }
        function statusRank(status) {
          const i = STATUS_ORDER.indexOf(key(status));
          return i < 0 ? STATUS_ORDER.length : i;
        }
        const byStatus = (a, b) => statusRank(a) - statusRank(b) || key(a).localeCompare(key(b));

        function fmtHours(h) {
          if (h == null) return 'no data';
          if (h < 1) return Math.round(h * 60) + ' min';
          if (h < 48) return h.toFixed(1) + ' h';
          return (h / 24).toFixed(1) + ' d';
        }
        function fmtDay(day, withYear) {
          const d = new Date(day + 'T00:00:00Z');
          if (isNaN(d)) return day;
          return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric', year: withYear ? 'numeric' : undefined, timeZone: 'UTC' });
        }
        function fmtTime(value) {
          if (!value) return '–';
          const d = new Date(value);
          if (isNaN(d)) return String(value);
          return d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
        }

        /** Creates an SVG element with attributes (and an optional tooltip) and appends it to `parent`. */
        function svgEl(parent, name, attrs, tooltip) {
          const node = document.createElementNS(SVG, name);
          for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
          if (tooltip) { const t = document.createElementNS(SVG, 'title'); t.textContent = tooltip; node.appendChild(t); }
          parent.appendChild(node);
          return node;
        }
        function htmlEl(parent, name, attrs = {}, text) {
          const node = document.createElement(name);
          for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
          if (text != null) node.textContent = text;
          parent.appendChild(node);
          return node;
        }
        /** Clears an SVG, sizes it to its box, and shows or hides the card's empty state. */
        function prepare(svg, emptyId, isEmpty, height) {
          svg.replaceChildren();
          showEmpty(emptyId, isEmpty);
          svg.parentElement.hidden = isEmpty;
          const width = Math.max(200, Math.round(svg.parentElement.clientWidth || 600));
          svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
          svg.setAttribute('height', height);
          return width;
        }
        /** Shows a card's empty state: its own text, or `failure` when its view never loaded. */
        function showEmpty(emptyId, shown, failure) {
          const box = $(emptyId);
          box.dataset.original ??= box.innerHTML;
          if (failure) box.textContent = failure; else box.innerHTML = box.dataset.original;
          box.classList.toggle('failed', Boolean(failure));
          box.hidden = !shown;
        }
        /** Round axis ticks from 0 to at least `max`. */
        function niceTicks(max, count) {
          if (!(max > 0)) return [0, 1];
          const raw = max / count, pow = 10 ** Math.floor(Math.log10(raw)), r = raw / pow;
          const step = Math.max(1, (r >= 7.5 ? 10 : r >= 3.5 ? 5 : r >= 1.5 ? 2 : 1) * pow);
          const ticks = [];
          for (let v = 0; v < max + step; v += step) ticks.push(v);
          return ticks;
        }
        /** Every calendar day from the first to the last one in `days` (or just those days past two years). */
        function dayAxis(days) {
          const sorted = [...new Set(days)].sort();
          const first = Date.parse(sorted[0] + 'T00:00:00Z'), last = Date.parse(sorted[sorted.length - 1] + 'T00:00:00Z');
          if (isNaN(first) || isNaN(last) || (last - first) / 864e5 > 731) return sorted;
          const all = [];
          for (let t = first; t <= last; t += 864e5) all.push(new Date(t).toISOString().slice(0, 10));
          return all;
        }

        function renderDaily(rows) {
          const svg = document.querySelector('[data-testid="chart-daily"]'), legend = $('daily-legend');
          legend.replaceChildren();
          const narrow = window.innerWidth < 560, height = narrow ? 220 : 280;
          const width = prepare(svg, 'daily-empty', rows.length === 0, height);
          if (!rows.length) return;
          const days = dayAxis(rows.map((r) => r.day)), index = new Map(days.map((d, i) => [d, i]));
          const stacks = days.map(() => []), totals = new Map();
          for (const r of rows) {
            if (!index.has(r.day)) continue;
            stacks[index.get(r.day)].push(r);
            totals.set(r.status, (totals.get(r.status) || 0) + r.orders);
          }
          stacks.forEach((s) => s.sort((a, b) => byStatus(a.status, b.status)));
          const maxDay = Math.max(...stacks.map((s) => s.reduce((sum, r) => sum + r.orders, 0)));
          const ticks = niceTicks(maxDay, narrow ? 3 : 4), top = ticks[ticks.length - 1];
          const m = { top: 14, right: 6, bottom: 26, left: 8 + 7 * String(fmtInt(top)).length };
          const plotW = width - m.left - m.right, plotH = height - m.top - m.bottom;
          const y = (v) => m.top + plotH - (v / top) * plotH;
          for (const t of ticks) {
            svgEl(svg, 'line', { class: 'grid', x1: m.left, x2: width - m.right, y1: y(t), y2: y(t) });
            svgEl(svg, 'text', { x: m.left - 6, y: y(t) + 4, 'text-anchor': 'end' }).textContent = fmtInt(t);
          }
          const band = plotW / days.length, barW = Math.max(1, Math.min(48, band * (band > 8 ? 0.7 : 0.85)));
          stacks.forEach((stack, i) => {
            const x = m.left + i * band + (band - barW) / 2;
            let acc = 0;
            for (const r of stack) {
              svgEl(svg, 'rect', { class: 'bar', x: x.toFixed(2), y: y(acc + r.orders).toFixed(2), width: barW.toFixed(2),
                height: ((r.orders / top) * plotH).toFixed(2), fill: statusColor(r.status), rx: barW > 6 ? 2 : 0,
                'data-day': r.day, 'data-status': r.status, 'data-value': r.orders }, `${fmtDay(r.day, true)} · ${r.status}: ${fmtInt(r.orders)}`);
              acc += r.orders;
            }
            if (band >= 30 && acc > 0) svgEl(svg, 'text', { x: x + barW / 2, y: y(acc) - 4, 'text-anchor': 'middle', class: 'strong' }).textContent = fmtInt(acc);
          });
          const every = Math.ceil(56 / band), spansYears = days[0].slice(0, 4) !== days[days.length - 1].slice(0, 4);
          days.forEach((day, i) => {
            if (i % every !== 0) return;
            svgEl(svg, 'text', { x: m.left + i * band + band / 2, y: height - 8, 'text-anchor': 'middle' }).textContent = fmtDay(day, spansYears && i === 0);
          });
          for (const status of [...totals.keys()].sort(byStatus)) {
            const item = htmlEl(legend, 'span');
            htmlEl(item, 'i', { class: 'swatch', style: `background:${statusColor(status)}` });
            item.append(`${status} ${fmtInt(totals.get(status))}`);
          }
        }

        function renderStatus(rows) {
          const svg = document.querySelector('[data-testid="chart-status"]'), list = $('status-list');
          list.replaceChildren();
          const total = rows.reduce((sum, r) => sum + r.orders, 0);
          prepare(svg, 'status-empty', total === 0, 200);
          list.hidden = total === 0;
          if (total === 0) return;
          svg.setAttribute('viewBox', '0 0 200 200');
          const r = 78, c = 2 * Math.PI * r, sorted = [...rows].sort((a, b) => byStatus(a.status, b.status));
          svgEl(svg, 'circle', { cx: 100, cy: 100, r, fill: 'none', stroke: 'var(--grid)', 'stroke-width': 26 });
          let offset = 0;
          for (const row of sorted) {
            const len = (row.orders / total) * c, gap = sorted.length > 1 && len > 4 ? 2 : 0;
            const share = row.share ?? row.orders / total;
            svgEl(svg, 'circle', { class: 'slice', cx: 100, cy: 100, r, fill: 'none', stroke: statusColor(row.status), 'stroke-width': 26,
              'stroke-dasharray': `${Math.max(0, len - gap)} ${c}`, 'stroke-dashoffset': -offset, transform: 'rotate(-90 100 100)',
              'data-status': row.status, 'data-value': row.orders, 'data-share': row.share ?? '' }, `${row.status}: ${fmtInt(row.orders)} (${fmtPct(share)})`);
            offset += len;
            const li = htmlEl(list, 'li', { 'data-status': row.status });
            htmlEl(li, 'i', { class: 'swatch', style: `background:${statusColor(row.status)}` });
            htmlEl(li, 'span', {}, row.status);
            htmlEl(li, 'span', { class: 'n' }, fmtInt(row.orders));
            htmlEl(li, 'span', { class: 'pct' }, fmtPct(share));
          }
          const big = fmtInt(total); // shrink long totals to stay inside the ring
          svgEl(svg, 'text', { x: 100, y: 102, 'text-anchor': 'middle', class: 'strong', style: `font-size:${Math.min(28, Math.floor(160 / big.length))}px` }).textContent = big;
          svgEl(svg, 'text', { x: 100, y: 122, 'text-anchor': 'middle', style: 'font-size:12px' }).textContent = 'orders';
        }

        function renderTimings(rows) {
          const svg = document.querySelector('[data-testid="chart-timings"]');
          const sorted = [...rows].sort((a, b) => (STAGES.indexOf(a.stage) + 1 || 99) - (STAGES.indexOf(b.stage) + 1 || 99));
          const rowH = 62, height = Math.max(1, sorted.length) * rowH;
          const width = prepare(svg, 'timings-empty', sorted.length === 0, height);
          if (!sorted.length) return;
          const labelW = 92, valueW = 58, plotW = width - labelW - valueW;
          const max = Math.max(1e-9, ...sorted.flatMap((r) => [r.avg_hours, r.median_hours].filter((v) => v != null)));
          sorted.forEach((row, i) => {
            const top = i * rowH + 8, color = statusColor(row.stage);
            svgEl(svg, 'text', { x: 0, y: top + 14, class: 'strong', style: 'font-size:13px' }).textContent = title(String(row.stage));
            svgEl(svg, 'text', { x: 0, y: top + 31, 'data-stage': row.stage, 'data-metric': 'orders_reached', 'data-value': row.orders_reached })
              .textContent = `${fmtInt(row.orders_reached)} orders`;
            [['median_hours', 1, 'median'], ['avg_hours', 0.4, 'average']].forEach(([metric, opacity, label], j) => {
              const v = row[metric], by = top + j * 22;
              svgEl(svg, 'rect', { x: labelW, y: by, width: plotW, height: 16, rx: 4, fill: 'var(--grid)', opacity: 0.5 });
              if (v == null) {
                svgEl(svg, 'text', { x: labelW + 6, y: by + 12, 'data-stage': row.stage, 'data-metric': metric, 'data-value': 'null' }).textContent = 'no data';
                return;
              }
              svgEl(svg, 'rect', { class: 'bar', x: labelW, y: by, width: Math.max(2, (v / max) * plotW).toFixed(2), height: 16, rx: 4, fill: color,
                opacity, 'data-stage': row.stage, 'data-metric': metric, 'data-value': v }, `${row.stage} · ${label}: ${fmtHours(v)}`);
              svgEl(svg, 'text', { x: width, y: by + 12, 'text-anchor': 'end', class: j === 0 ? 'strong' : '' }).textContent = fmtHours(v);
            });
          });
        }

        function renderKpis(summary, timings) {
          const total = summary.reduce((sum, r) => sum + r.orders, 0);
          const count = (k) => summary.filter((r) => key(r.status) === k).reduce((sum, r) => sum + r.orders, 0);
          $('kpi-total').textContent = fmtInt(total);
          $('kpi-total').dataset.value = total;
          for (const k of ['delivered', 'cancelled']) {
            $('kpi-' + k).textContent = fmtInt(count(k));
            $(`kpi-${k}-note`).textContent = total ? `${fmtPct(count(k) / total)} of all orders` : '\u00a0';
          }
          const delivered = timings.find((r) => r.stage === 'delivered');
          $('kpi-delivery').textContent = delivered && delivered.median_hours != null ? fmtHours(delivered.median_hours) : '–';
        }

        function renderFilter(summary) {
          const select = $('filter'), wanted = state.filter;
          const statuses = summary.map((r) => key(r.status)).filter(Boolean).sort(byStatus);
          if (wanted && !statuses.includes(wanted)) statuses.push(wanted);
          select.replaceChildren(new Option('All statuses', ''));
          for (const s of statuses) {
            const row = summary.find((r) => key(r.status) === s);
            select.append(new Option(row ? `${s} (${fmtInt(row.orders)})` : s, s));
          }
          select.value = wanted;
        }

        function renderOrders(rows) {
          const table = $('orders-table'), body = table.tBodies[0];
          body.replaceChildren();
          table.dataset.filter = state.filter;
          table.hidden = rows.length === 0;
          showEmpty('orders-empty', rows.length === 0);
          if (!state.filter) $('orders-empty').textContent = 'No orders yet.';
          for (const r of rows) {
            const tr = htmlEl(body, 'tr', { 'data-order-id': r.order_id, 'data-status': r.order_status, 'data-seq': r.seq });
            htmlEl(tr, 'td', { class: 'strong' }, r.order_id);
            htmlEl(htmlEl(tr, 'td'), 'span', { class: 'badge', style: `--c:${statusColor(r.order_status)}` }, r.order_status);
            htmlEl(tr, 'td', { class: 'opt', title: r.order_date ?? '' }, fmtTime(r.order_date));
            htmlEl(tr, 'td', { title: r.updated_at ?? r.ingested_at ?? '' }, fmtTime(r.updated_at ?? r.ingested_at));
            htmlEl(tr, 'td', { class: 'num opt' }, r.versions ?? '');
            htmlEl(tr, 'td', { class: 'opt' }, r.source ?? '');
            htmlEl(tr, 'td', { class: 'details opt', title: r.order_details ?? '' }, r.order_details ?? '');
          }
          const summary = state.data.summary || [];
          const known = summary.filter((s) => !state.filter || key(s.status) === state.filter).reduce((sum, s) => sum + s.orders, 0);
          const total = Math.max(known, rows.length);
          $('orders-note').textContent = !rows.length ? '' : rows.length < total
            ? `Showing ${fmtInt(rows.length)} of ${fmtInt(total)} orders, the most recently changed first`
            : `Showing all ${fmtInt(rows.length)} orders`;
        }

        /** GETs one view as JSON rows; a non-2xx answer throws with the problem document's detail. */
        async function fetchView(name, query) {
          const url = `${apiBase}views/${encodeURIComponent(name)}?${new URLSearchParams(query)}`;
          const headers = { Accept: 'application/json' };
          if (token) headers.Authorization = 'Bearer ' + token;
          const response = await fetch(url, { cache: 'no-cache', headers });
          const text = await response.text();
          if (!response.ok) {
            let detail = '';
            try { detail = JSON.parse(text).detail || ''; } catch (_) { /* not a problem document */ }
            throw new Error(`${name}: HTTP ${response.status}${detail ? ' (' + detail + ')' : ''}`);
          }
          const rows = JSON.parse(text);
          if (!Array.isArray(rows)) throw new Error(`${name}: the answer is not a JSON array`);
          return { rows, text };
        }

        /** The most recently changed orders, newest first; the filter matches the lower-cased status. */
        async function fetchOrders() {
          const query = { limit: TABLE_LIMIT };
          if (state.filter) query.status = state.filter;
          const answer = await fetchView('recent_orders_v', query);
          return { rows: answer.rows, text: state.filter + answer.text };
        }

        const sources = {
          daily: () => fetchView('order_status_daily_v', { limit: 10000 }),
          summary: () => fetchView('order_status_summary_v', { limit: 1000 }),
          timings: () => fetchView('order_stage_timings_v', { limit: 1000 }),
          orders: fetchOrders,
        };

        function renderAll() {
          const d = state.data;
          if (d.daily) renderDaily(d.daily);
          if (d.summary) { renderStatus(d.summary); renderFilter(d.summary); }
          if (d.timings) renderTimings(d.timings);
          if (d.summary && d.timings) renderKpis(d.summary, d.timings);
          if (d.orders) renderOrders(d.orders);
          document.body.dataset.renderedWidth = window.innerWidth;
        }

        function showErrors(errors) {
          const banner = $('banner');
          banner.hidden = errors.length === 0;
          banner.replaceChildren();
          if (!errors.length) return;
          const loaded = Object.keys(state.data).length > 0;
          htmlEl(banner, 'strong', {}, loaded ? 'Some data could not be refreshed; showing what was last loaded.' : 'The dashboard could not load its data.');
          const list = htmlEl(banner, 'ul');
          for (const e of errors) htmlEl(list, 'li', {}, e.message || String(e));
          if (errors.some((e) => /HTTP 401/.test(e.message)) && !token) htmlEl(banner, 'div', {}, 'The API needs a token: open this page as /dashboard?token=…');
        }

        /** Loads the given views (all by default) in parallel; re-renders only what changed. */
        async function refresh(names = Object.keys(sources)) {
          if (state.busy) { state.again = true; return; }
          state.busy = true;
          const results = await Promise.allSettled(names.map((n) => sources[n]()));
          const errors = [], cards = { daily: 'daily', summary: 'status', timings: 'timings', orders: 'orders' };
          let changed = false;
          results.forEach((result, i) => {
            const name = names[i];
            if (result.status === 'rejected') {
              errors.push(result.reason);
              if (!state.data[name]) {
                showEmpty(cards[name] + '-empty', true, `Could not load this view: ${result.reason && result.reason.message}`);
                const chart = $(cards[name] + '-chart') || $('orders-table');
                chart.hidden = true;
              }
              console.error(`ordersync dashboard: ${result.reason && result.reason.message || result.reason}`);
            } else if (state.texts[name] !== result.value.text) {
              state.texts[name] = result.value.text;
              state.data[name] = result.value.rows;
              changed = true;
            }
          });
          if (changed) renderAll();
          showErrors(errors);
          const now = new Date().toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
          $('updated').textContent = errors.length ? `Update failed at ${now}` : `Updated ${now}`;
          document.body.dataset.state = errors.length ? 'error' : 'ready';
          document.body.dataset.refreshes = Number(document.body.dataset.refreshes) + 1;
          state.busy = false;
          if (state.again) { state.again = false; refresh(); }
        }

        function schedule() {
          clearInterval(state.timer);
          state.timer = setInterval(() => { if (!document.hidden) refresh(); }, refreshSeconds * 1000);
        }

        $('every').textContent = refreshSeconds;
        $('refresh').addEventListener('click', () => { refresh(); schedule(); });
        $('filter').addEventListener('change', (event) => {
          state.filter = event.target.value;
          const url = new URL(location.href);
          if (state.filter) url.searchParams.set('status', state.filter); else url.searchParams.delete('status');
          history.replaceState(null, '', url);
          document.body.dataset.state = 'loading';
          refresh(['orders']);
        });
        document.addEventListener('visibilitychange', () => { if (!document.hidden) refresh(); });
        let resizeTimer = null, lastWidth = window.innerWidth;
        window.addEventListener('resize', () => {
          clearTimeout(resizeTimer);
          resizeTimer = setTimeout(() => { if (window.innerWidth !== lastWidth) { lastWidth = window.innerWidth; renderAll(); } }, 120);
        });
        refresh();
        schedule();
        </script>
        </body>
        </html>
        """#
}
