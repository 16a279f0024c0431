extension DashboardPage {
    /// The dashboard's inline vanilla JavaScript: fetches the views, draws the charts and the table.
    /// Statuses take their lifecycle stage from the views' `stage` column (the status vocabulary,
    /// docs/contract.md §2) and one palette colour each; the daily chart keeps to the data's dense run
    /// of days; line items read as "title × quantity".
    static var script: String { drawingScript + loadingScript }

    /// The script's first part: settings, formatting, colours, and the charts and tables drawn.
    static let drawingScript: String = #"""
        'use strict';
        const params = new URLSearchParams(location.search);
        const token = params.get('token');
        const refreshSeconds = Math.max(2, Number(params.get('refresh')) || 30);
        const apiBase = location.pathname.replace(/dashboard\/?$/, '');
        const SVG = 'http://www.w3.org/2000/svg';
        const TABLE_LIMIT = 50;
        const STAGES = ['processing', 'shipped', 'delivered'];
        // The lifecycle stages of the status vocabulary (sql/tables/status_stages.sql), in order.
        const STAGE_ORDER = ['placed', 'processing', 'shipped', 'delivered', 'cancelled', 'refunded', 'returned'];
        const STATUS_ORDER = ['new', 'open', 'pending', 'authorized', 'partially_paid', 'on-hold', 'processing', 'paid', 'shipped',
          'partially_fulfilled', 'fulfilled', 'delivered', 'completed', 'cancelled', 'voided', 'failed', 'refunded', 'partially_refunded', 'returned'];
        // 20 colours far apart in hue and lightness, readable on the light and the dark card; the first
        // ones go to the statuses named in PREFERRED, the rest to any other status present.
        const PALETTE = ['#3b82f6', '#f5a524', '#8b5cf6', '#12b76a', '#f04438', '#ee46bc', '#f97316', '#0e9384', '#94a3b8', '#92400e',
          '#06aed4', '#84cc16', '#1e40af', '#4d7c0f', '#9f1239', '#c2b280', '#7e22ce', '#fda4af', '#ca8a04', '#64748b'];
        const PREFERRED = { processing: 0, pending: 1, shipped: 2, delivered: 3, cancelled: 4, refunded: 5, returned: 6, completed: 7,
          'on-hold': 8, failed: 9, paid: 10, fulfilled: 11, partially_fulfilled: 12, open: 13, voided: 14, authorized: 15, new: 16,
          partially_refunded: 17, partially_paid: 18 };
        // The daily chart shows one dense run of days: data days further apart than this start another run.
        const GAP_DAYS = 14;
        const state = { data: {}, texts: {}, filter: params.get('status') || '', timer: null, busy: false, again: false,
          colors: new Map(), stages: new Map() };

        const $ = (id) => document.getElementById(id);
        const nf = new Intl.NumberFormat();
        const fmtInt = (n) => nf.format(n);
        const fmtPct = (x) => (x * 100).toFixed(x < 0.1 && x > 0 ? 1 : 0) + '%';
        const key = (status) => String(status ?? '').trim().toLowerCase();
        const title = (s) => s.charAt(0).toUpperCase() + s.slice(1);

        function hashOf(text) {
          let hash = 0;
          for (const ch of text) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
          return hash;
        }
        /** One colour per status, the same in every chart: set by assignColors from all statuses shown. */
        function statusColor(status) {
          const k = key(status), i = state.colors.get(k);
          return PALETTE[i ?? hashOf(k) % PALETTE.length];
        }
        /**
         * Gives every status present its own palette colour (distinct while there are at most 20): a
         * status in PREFERRED keeps its colour; any other takes the first free one from its name's hash,
         * so its colour stays the same as long as the set of statuses does.
         */
        function assignColors(statuses) {
          const all = [...new Set(statuses.map(key).filter(Boolean))].sort(byStatus), colors = new Map(), used = new Set();
          for (const s of all) {
            const i = PREFERRED[s];
            if (i != null && !used.has(i)) { colors.set(s, i); used.add(i); }
          }
          for (const s of all) {
            if (colors.has(s)) continue;
            let i = hashOf(s) % PALETTE.length;
            for (let n = 0; n < PALETTE.length && used.has(i); n++) i = (i + 1) % PALETTE.length;
            colors.set(s, i);
            used.add(i);
          }
          state.colors = colors;
        }
        /** A status's lifecycle stage, from the views' `stage` column (null when the vocabulary does not know it). */
        const stageOf = (status) => state.stages.get(key(status)) ?? null;
        function statusRank(status) {
          const stage = STAGE_ORDER.indexOf(stageOf(status) ?? ''), i = STATUS_ORDER.indexOf(key(status));
          return (stage < 0 ? STAGE_ORDER.length : stage) * 100 + (i < 0 ? STATUS_ORDER.length : i);
        }
        const byStatus = (a, b) => statusRank(a) - statusRank(b) || key(a).localeCompare(key(b));

        function fmtHours(h) {
          if (h == null) return 'no data';
          if (h < 1) return Math.round(h * 60) + ' min';
          if (h < 48) return h.toFixed(1) + ' h';
          return (h / 24).toFixed(1) + ' d';
        }
        function fmtDay(day) {
          const d = new Date(day + 'T00:00:00Z');
          if (isNaN(d)) return day;
          return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
        }
        /** Order details as a person reads them: line items as "title × quantity", other JSON as "key: value". */
        function readableDetails(details) {
          if (details == null) return '';
          const text = String(details).trim();
          if (!/^[[{]/.test(text)) return text;
          let value;
          try { value = JSON.parse(text); } catch (_) { return text; }
          const items = Array.isArray(value) ? value : value && Array.isArray(value.line_items) ? value.line_items : null;
          if (!items) return describe(value);
          // At most 20 items are named (a long order stays one readable line; the rest is counted).
          const parts = items.slice(0, 20).map((item) => {
            if (item == null || typeof item !== 'object') return item == null ? '' : String(item);
            const name = item.title ?? item.name ?? item.sku ?? item.product;
            if (name == null || typeof name === 'object') return describe(item);
            const quantity = item.quantity ?? item.qty;
            return quantity == null || typeof quantity === 'object' ? String(name) : `${name} × ${quantity}`;
          }).filter(Boolean);
          if (items.length > 20) parts.push(`${items.length - 20} more`);
          return parts.length ? parts.join(', ') : 'no items';
        }
        /** Any JSON value as text: objects as "key: value" (nested ones in parentheses), arrays as lists; 3 levels deep. */
        function describe(value, depth = 0) {
          if (value == null || typeof value !== 'object') return String(value ?? '');
          if (depth >= 3) return '…';
          const inner = (v) => (v != null && typeof v === 'object' ? `(${describe(v, depth + 1)})` : String(v));
          if (Array.isArray(value)) return value.slice(0, 8).map(inner).join(', ') + (value.length > 8 ? ', …' : '');
          return Object.entries(value).slice(0, 8).map(([k, v]) => `${k}: ${inner(v)}`).join(', ');
        }
        /** A date and time; `short` (phone width) keeps the date only, the title attribute has the rest. */
        function fmtTime(value, short) {
          if (!value) return '–';
          const d = new Date(value);
          if (isNaN(d)) return String(value);
          // The year only when it is not this year's: synced history and today's orders sit side by side.
          const year = d.getFullYear() === new Date().getFullYear() ? undefined : 'numeric';
          const time = short ? {} : { hour: '2-digit', minute: '2-digit' };
          return d.toLocaleString(undefined, { year, month: 'short', day: 'numeric', ...time });
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
        const dayTime = (day) => (/^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(day + 'T00:00:00Z') : NaN);
        /**
         * The days the daily chart shows, every calendar day of one dense run: data days more than
         * GAP_DAYS apart split runs, the run holding the most orders wins (the later on a tie), and of it
         * at most `maxDays` up to its last day. So a lone order far from the rest (an order without
         * updated_at counts on the day it arrived) or a gap of months neither stretches nor squeezes it.
         */
        function dayAxis(rows, maxDays) {
          const perDay = new Map();
          for (const r of rows) if (!isNaN(dayTime(r.day))) perDay.set(r.day, (perDay.get(r.day) || 0) + r.orders);
          const days = [...perDay.keys()].sort();
          if (!days.length) return [];
          let best = null, run = null;
          days.forEach((day, i) => {
            if (!run || (dayTime(day) - dayTime(days[i - 1])) / 864e5 > GAP_DAYS) run = { first: day, last: day, orders: 0 };
            run.last = day;
            run.orders += perDay.get(day);
            if (!best || run === best || run.orders >= best.orders) best = run;
          });
          const last = dayTime(best.last), first = Math.max(dayTime(best.first), last - (maxDays - 1) * 864e5);
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
          const days = dayAxis(rows, narrow ? 31 : 92), index = new Map(days.map((d, i) => [d, i]));
          const stacks = days.map(() => []), totals = new Map();
          let hiddenOrders = 0;
          for (const r of rows) {
            if (!index.has(r.day)) { hiddenOrders += r.orders; continue; }
            stacks[index.get(r.day)].push(r);
            totals.set(r.status, (totals.get(r.status) || 0) + r.orders);
          }
          Object.assign(svg.dataset, { firstDay: days[0], lastDay: days[days.length - 1], hiddenOrders });
          $('daily-range').textContent = `${fmtDay(days[0])} – ${fmtDay(days[days.length - 1])}` + (hiddenOrders
            ? ` · ${fmtInt(hiddenOrders)} status ${hiddenOrders === 1 ? 'entry' : 'entries'} on days outside this range not shown` : '');
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
                'data-day': r.day, 'data-status': r.status, 'data-value': r.orders }, `${fmtDay(r.day)} · ${r.status}: ${fmtInt(r.orders)}`);
              acc += r.orders;
            }
            if (band >= 30 && acc > 0) svgEl(svg, 'text', { x: x + barW / 2, y: y(acc) - 4, 'text-anchor': 'middle', class: 'strong' }).textContent = fmtInt(acc);
          });
          // Every label names its year ("Aug 3, 2025"), centred under its day but kept inside the chart; a label
          // that would touch the one before it is left out.
          const every = Math.ceil(84 / band);
          let lastRight = -Infinity;
          days.forEach((day, i) => {
            if (i % every !== 0) return;
            const label = svgEl(svg, 'text', { class: 'axis-x', y: height - 8, 'data-day': day });
            label.textContent = fmtDay(day);
            const w = label.getComputedTextLength() || label.textContent.length * 6.5;
            const left = Math.max(0, Math.min(width - w, m.left + i * band + band / 2 - w / 2));
            if (left < lastRight + 12) { label.remove(); return; }
            label.setAttribute('x', left.toFixed(1));
            lastRight = left + w;
          });
          for (const status of [...totals.keys()].sort(byStatus)) {
            const item = htmlEl(legend, 'span', { 'data-status': status });
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
            const li = htmlEl(list, 'li', { 'data-status': row.status, 'data-color': statusColor(row.status), 'data-stage': row.stage ?? '' });
            htmlEl(li, 'i', { class: 'swatch', style: `background:${statusColor(row.status)}` });
            htmlEl(li, 'span', {}, row.status);
            if (row.stage && row.stage !== key(row.status)) htmlEl(li, 'span', { class: 'stage' }, row.stage);
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
            const top = i * rowH + 8, color = PALETTE[PREFERRED[row.stage] ?? 0];
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
          // By lifecycle stage, so Shopify's voided counts as cancelled (sql/tables/status_stages.sql).
          const count = (k) => summary.filter((r) => (r.stage ?? key(r.status)) === k).reduce((sum, r) => sum + r.orders, 0);
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
          const narrow = window.innerWidth < 560;
          for (const r of rows) {
            const details = readableDetails(r.order_details);
            const tr = htmlEl(body, 'tr', { 'data-order-id': r.order_id, 'data-status': r.order_status, 'data-seq': r.seq,
              'data-details': details, 'data-color': statusColor(r.order_status) });
            const id = htmlEl(tr, 'td', { class: 'strong order' }, r.order_id);
            if (details) htmlEl(id, 'div', { class: 'details-inline', title: details }, details);
            htmlEl(htmlEl(tr, 'td'), 'span', { class: 'badge', style: `--c:${statusColor(r.order_status)}`, title: r.order_status }, r.order_status);
            htmlEl(tr, 'td', { class: 'opt', title: r.order_date ?? '' }, fmtTime(r.order_date));
            htmlEl(tr, 'td', { class: 'when', title: r.updated_at ?? r.ingested_at ?? '' }, fmtTime(r.updated_at ?? r.ingested_at, narrow));
            htmlEl(tr, 'td', { class: 'num opt' }, r.versions ?? '');
            htmlEl(tr, 'td', { class: 'opt' }, r.source ?? '');
            htmlEl(tr, 'td', { class: 'details opt', title: details }, details);
          }
          const summary = state.data.summary || [];
          const known = summary.filter((s) => !state.filter || key(s.status) === state.filter).reduce((sum, s) => sum + s.orders, 0);
          const total = Math.max(known, rows.length);
          $('orders-note').textContent = !rows.length ? '' : rows.length < total
            ? `Showing ${fmtInt(rows.length)} of ${fmtInt(total)} orders, the most recently changed first`
            : `Showing all ${fmtInt(rows.length)} orders`;
        }

        /** A plain table of rows: one cell per column, numbers right-aligned, times shortened. */
        function renderTable(id, rows, columns) {
          const table = $(id), body = table.tBodies[0];
          body.replaceChildren();
          table.hidden = rows.length === 0;
          showEmpty(id.replace('-table', '-empty'), rows.length === 0);
          for (const r of rows) {
            const tr = htmlEl(body, 'tr', Object.fromEntries(columns.map((c) => ['data-' + c.replace(/_/g, '-'), r[c] ?? ''])));
            for (const c of columns) {
              const value = r[c];
              if (typeof value === 'number') htmlEl(tr, 'td', { class: 'num' }, fmtInt(value));
              else if (/_at$/.test(c)) htmlEl(tr, 'td', { class: 'when', title: value ?? '' }, fmtTime(value, true));
              else htmlEl(tr, 'td', {}, value ?? '');
            }
          }
        }

        """#
}
