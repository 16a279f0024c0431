# shellcheck shell=bash
# bench/lib/crm.sh: (y) issue 13's bar, measured; sourced by bench/run (BENCH_ONLY=crm; BENCH_CRM=1 adds it to a
# full run); it uses run's helpers (start_server, stop_server, check_alive, stop_pid, forget, put, note, say, url).
#   `ordersync-fake-providers` (its HubSpot and Salesforce, docs/fake-providers.md) with faults injected from the
#   start (--fault) and again whenever none is pending (bench/lib/crm.py send), and `ordersync serve` on SQLite
#   with both CRMs configured. Y_CHANGES changes to Y_CUSTOMERS customers (1 % with an email both CRMs refuse)
#   from Y_CONCURRENCY keep-alive clients, each customer's changes in order; the server killed with -9 after a
#   third and after two thirds of the changes were acknowledged, and restarted on the same database each time
#   (the clients retry the change they were on); then both outboxes drained (at most Y_DRAIN_TIMEOUT s) and
#   bench/lib/crm.py check: both CRMs' end state, the order of each customer's versions in the fake's request
#   log, the dead-letter queue, the rate, and the requests made beside the minimum the batching allows.
#   Every wait is bounded; the fake and every server are stopped (bench/run's cleanup stops them on any exit).
Y0=$SECONDS
Y_CUSTOMERS=${Y_CUSTOMERS:-1000} Y_CHANGES=${Y_CHANGES:-10000} Y_CONC=${Y_CONCURRENCY:-8}
Y_DRAIN=${Y_DRAIN_TIMEOUT:-600}
Y_FAKE_BIN=$(dirname "$BIN")/ordersync-fake-providers
put y_customers "$Y_CUSTOMERS"; put y_changes_planned "$Y_CHANGES"; put y_concurrency "$Y_CONC"
Y_FAKE_PID='' Y_FAKE=''
y_outbox() { # the pending versions of both CRMs, "hubspot salesforce" (empty when unreadable)
  curl -sf --max-time 5 "$(url /outbox)" | python3 -c 'import json, sys
c = {x["crm"]: x["pending_versions"] for x in json.load(sys.stdin)["crms"]}
print(c["hubspot"], c["salesforce"])' 2>/dev/null
}
y_last_seq() { # PROVIDER: the last seq of the fake's request log for it
  curl -sf --max-time 5 "$Y_FAKE/_fake/crm/requests?provider=$1&since=999999999&limit=1" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["last_seq"])' 2>/dev/null
}
y_progress() { cat "$OUT/y-progress" 2>/dev/null || echo 0; }
Y_SEG_HS='' Y_SEG_SF='' Y_METRICS=()
y_kill() { # N: scrape /metrics and /outbox, kill -9 the server, note where its requests end in the fake's log
  curl -sf --max-time 5 -o "$OUT/y-metrics-$1.txt" "$(url /metrics)" && Y_METRICS+=("$OUT/y-metrics-$1.txt")
  local pending
  pending=$(y_outbox)
  kill -KILL "$SRV_PID" 2>/dev/null
  wait "$SRV_PID" 2>/dev/null
  forget "$SRV_PID"
  Y_SEG_HS+="$(y_last_seq hubspot),"; Y_SEG_SF+="$(y_last_seq salesforce),"
  put "y_kill${1}_acked" "$(y_progress)"
  put "y_kill${1}_pending" "${pending// //}"
  say "(y) kill -9 #$1 after $(y_progress) changes acknowledged; pending versions (hubspot/salesforce) then: ${pending:-unreadable}"
}
y_start() { # N: the server on the same database, both CRMs configured; its address for the sender
  HUBSPOT_ACCESS_TOKEN=pat-fake HUBSPOT_API_URL=$Y_FAKE/hubspot SALESFORCE_CLIENT_ID=sf-fake-client \
    SALESFORCE_CLIENT_SECRET=sf-fake-secret SALESFORCE_LOGIN_URL=$Y_FAKE SALESFORCE_EXTERNAL_ID_FIELD=Ordersync_Id__c \
    OUTBOX_RETRY_DELAYS=0.05,0.1,0.2,0.5 OUTBOX_MAX_ATTEMPTS=30 start_server "$WORK/y.db" "y$1" || return 1
  url '' >"$OUT/y-base.tmp" && mv "$OUT/y-base.tmp" "$OUT/y-base"
}
y_wait_progress() { # COUNT SENDER-PID: until COUNT changes are acknowledged or the sender ended (at most 900 s)
  local i
  for i in $(seq 9000); do
    [ "$(y_progress)" -ge "$1" ] && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
y_run() {
  say "(y) $Y_CHANGES changes to $Y_CUSTOMERS customers, $Y_CONC clients, faults injected, kill -9 twice (log: bench/out/y-*)"
  "$Y_FAKE_BIN" --port 0 --fault hubspot:rate-limit:2:1 --fault hubspot:status:2:502 --fault salesforce:status:2:503 \
    --fault salesforce-token:status:1:503 --fault salesforce:drop:1 >"$OUT/y-fake.out" 2>"$OUT/y-fake.log" &
  Y_FAKE_PID=$!
  PIDS+=("$Y_FAKE_PID")
  local i
  for i in $(seq 100); do
    Y_FAKE=$(sed -n 's/^listening on \(http:\/\/127\.0\.0\.1:[0-9]*\).*/\1/p' "$OUT/y-fake.out")
    [ -n "$Y_FAKE" ] && break
    kill -0 "$Y_FAKE_PID" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$Y_FAKE" ] || { note "(y) the fake providers never listened: $(tail -3 "$OUT/y-fake.log" | tr '\n' ' ')"; return 1; }
  y_start 1 || return 1
  timeout 1800 python3 "$HERE/lib/crm.py" send --base-file "$OUT/y-base" --fake "$Y_FAKE" --customers "$Y_CUSTOMERS" \
    --changes "$Y_CHANGES" --threads "$Y_CONC" --progress "$OUT/y-progress" --summary "$OUT/y-send.json" \
    2>"$OUT/y-send.log" &
  local sender=$!
  PIDS+=("$sender")
  for i in 1 2; do
    if ! y_wait_progress $((Y_CHANGES * i / 3)) "$sender"; then
      note "(y) the sender ended or stalled before $((Y_CHANGES * i / 3)) changes ($(y_progress) acknowledged): $(tail -2 "$OUT/y-send.log" | tr '\n' ' ')"
      break
    fi
    y_kill "$i"
    y_start $((i + 1)) || { stop_pid "$sender" "(y) sender"; return 1; }
  done
  for i in $(seq 9000); do kill -0 "$sender" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$sender" 2>/dev/null && note "(y) the sender was still running after 900 s more: stopped"
  stop_pid "$sender" "(y) sender"
  local rc=$? pending=''
  [ $rc = 0 ] || note "(y) the sender exited with status $rc: $(tail -2 "$OUT/y-send.log" | tr '\n' ' ')"
  say "(y) all changes sent ($(y_progress)); waiting for both outboxes to drain (at most $Y_DRAIN s)"
  local drained=''
  for i in $(seq $((Y_DRAIN * 5))); do
    pending=$(y_outbox)
    [ "$pending" = "0 0" ] && { drained=$(date +%s.%N); break; }
    check_alive "(y) drain" || return 1
    sleep 0.2
  done
  [ -n "$drained" ] || note "(y) the outboxes did not drain in $Y_DRAIN s: pending versions (hubspot salesforce) ${pending:-unreadable}"
  curl -sf --max-time 5 -o "$OUT/y-metrics-3.txt" "$(url /metrics)" && Y_METRICS+=("$OUT/y-metrics-3.txt")
  curl -sf --max-time 5 -o "$OUT/y-outbox.json" "$(url /outbox)"
  local f k
  f=$(python3 "$HERE/lib/crm.py" check --base "$(url '')" --fake "$Y_FAKE" --summary "$OUT/y-send.json" \
    --segments "hubspot:$Y_SEG_HS;salesforce:$Y_SEG_SF" --metrics "${Y_METRICS[@]}" ${drained:+--drained-at "$drained"} \
    2>"$OUT/y-check.log") || note "(y) check failed: $(tail -2 "$OUT/y-check.log" | tr '\n' ' ')"
  echo "$f" >"$OUT/y-check.txt"
  for k in ${f}; do put "y_${k%%=*}" "${k#*=}"; done
  [ -n "$drained" ] && put y_drained 1
  check_alive "(y) end" && stop_server y3
}
if [ ! -x "$Y_FAKE_BIN" ]; then note "(y) no fake providers at $Y_FAKE_BIN: the section did not run"; else
  y_run
  if [ -n "$Y_FAKE_PID" ]; then stop_pid "$Y_FAKE_PID" "(y) fake providers" || note "(y) the fake providers exited with status $? at SIGTERM"; fi
fi
put y_secs $((SECONDS - Y0))
say "(y) took $((SECONDS - Y0)) s"
