extension DashboardPage {
    /// The script's second part (after `drawingScript`, whose helpers it uses): loading the views and
    /// the outbox, the error banner, and the refresh loop.
    static let loadingScript: String = #"""
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

        /** The outbox per CRM (`GET /outbox`); a server without the customer store (503) has none. */
        async function fetchOutbox() {
          const headers = { Accept: 'application/json' };
          if (token) headers.Authorization = 'Bearer ' + token;
          const response = await fetch(`${apiBase}outbox`, { cache: 'no-cache', headers });
          const text = await response.text();
          if (response.status === 503) return { rows: [], text: '' };
          if (!response.ok) throw new Error(`outbox: HTTP ${response.status}`);
          const answer = JSON.parse(text);
          if (!answer || !Array.isArray(answer.crms)) throw new Error('outbox: the answer has no crms array');
          return { rows: answer.crms, text };
        }

        const sources = {
          daily: () => fetchView('order_status_daily_v', { limit: 10000 }),
          summary: () => fetchView('order_status_summary_v', { limit: 1000 }),
          timings: () => fetchView('order_stage_timings_v', { limit: 1000 }),
          orders: fetchOrders,
          events: () => fetchView('source_event_summary_v', { limit: 1000 }),
          conflicts: () => fetchView('conflict_summary_v', { limit: 1000 }),
          outbox: fetchOutbox,
        };

        function renderAll() {
          const d = state.data, rows = [...(d.summary || []), ...(d.daily || [])];
          state.stages = new Map(rows.filter((r) => r.stage).map((r) => [key(r.status), r.stage]));
          assignColors([...rows.map((r) => r.status), ...(d.orders || []).map((r) => r.order_status)]);
          if (d.daily) renderDaily(d.daily);
          if (d.summary) { renderStatus(d.summary); renderFilter(d.summary); }
          if (d.timings) renderTimings(d.timings);
          if (d.summary && d.timings) renderKpis(d.summary, d.timings);
          if (d.orders) renderOrders(d.orders);
          if (d.events) renderTable('events-table', d.events, ['source', 'status', 'events', 'last_received_at']);
          if (d.conflicts) renderTable('conflicts-table', d.conflicts, ['kind', 'winner_source', 'loser_source', 'conflicts', 'last_logged_at']);
          if (d.outbox) renderTable('outbox-table', d.outbox, ['crm', 'pending_customers', 'pending_versions', 'oldest_pending_age_seconds', 'dead', 'delivered']);
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
          const errors = [], cards = { daily: 'daily', summary: 'status', timings: 'timings', orders: 'orders', events: 'events',
            conflicts: 'conflicts', outbox: 'outbox' };
          let changed = false;
          results.forEach((result, i) => {
            const name = names[i];
            if (result.status === 'rejected') {
              errors.push(result.reason);
              if (!state.data[name]) {
                showEmpty(cards[name] + '-empty', true, `Could not load this view: ${result.reason && result.reason.message}`);
                const chart = $(cards[name] + '-chart') || $(cards[name] + '-table');
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
        """#
}
