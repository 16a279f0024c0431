# shellcheck shell=bash disable=SC2154  # W_* are set by run_wrk (bench/run) through declare -g
# bench/lib/events.sh: (w) real time (issue 12), sourced by bench/run (BENCH_ONLY=events; BENCH_EVENTS=1 adds
# it to a full run); it uses run's helpers (start_server, put, note, run_wrk, url). The sender is
# `ordersync-fake-providers send` beside the server binary (docs/fake-providers.md, "Sender").
#   (wa) W_WEBHOOKS signed Shopify + WooCommerce deliveries, 20 % duplicates, shuffled, W_CONCURRENCY senders,
#        on a fresh database with the secrets; then the same orders to POST / (--to-api), same concurrency,
#        on another fresh database: p99 acknowledgement of each, stored state checked by bench/lib/events.py
#        and, for information, the same webhooks offered at W_RATE per second (an open loop)
#   (wb) a Debezium stream of W_CDC changes and a replay of its last 10 % (W_CDC_CONCURRENCY partitions),
#        checked the same way; beside bulk ingest (1,000 orders per POST, 4 connections, wrk) on a fresh database
W0=$SECONDS
W_WEBHOOKS=${W_WEBHOOKS:-10000} W_CDC=${W_CDC:-100000} W_CONC=${W_CONCURRENCY:-64} W_CDC_CONC=${W_CDC_CONCURRENCY:-16}
W_RATE=${W_RATE:-1000}
SENDER=$(dirname "$BIN")/ordersync-fake-providers
put w_webhooks "$W_WEBHOOKS"; put w_rate "$W_RATE"; put w_cdc "$W_CDC"; put w_concurrency "$W_CONC"; put w_cdc_concurrency "$W_CDC_CONC"
w_send() { # NAME ARGS...: one sender run against the current server; its summary line in $OUT/w-NAME.json
  local name=$1; shift
  timeout 1800 "$SENDER" send --target "$(url '')" --shopify-secret bench-shopify-secret \
    --woocommerce-secret bench-woocommerce-secret --seed 12 "$@" >"$OUT/w-$name.json" 2>"$OUT/w-$name.log"
  local rc=$?
  [ $rc = 0 ] || note "(w) sender $name exited with status $rc: $(tail -c 300 "$OUT/w-$name.log") $(head -c 300 "$OUT/w-$name.json")"
}
w_check() { # NAME DB: compares the database with the sender's expectation; puts w_NAME_* keys
  local f k
  f=$(python3 "$HERE/lib/events.py" "$OUT/w-$1.json" "$2" 2>>"$OUT/w-check.log") || note "(w) check $1 failed: $(tail -2 "$OUT/w-check.log" | tr '\n' ' ')"
  echo "$1 $f" >>"$OUT/w-checks.log"
  for k in ${f}; do put "w_$1_${k%%=*}" "${k#*=}"; done
}
if [ ! -x "$SENDER" ]; then note "(w) no sender at $SENDER: the section did not run"; else
  say "(wa) $W_WEBHOOKS signed webhooks (Shopify + WooCommerce), 20 % duplicates, shuffled, $W_CONC senders"
  if SHOPIFY_WEBHOOK_SECRET=bench-shopify-secret WOOCOMMERCE_WEBHOOK_SECRET=bench-woocommerce-secret start_server "$WORK/wa.db" wa; then
    w_send hooks --webhooks "$W_WEBHOOKS" --duplicates 20 --concurrency "$W_CONC"
    check_alive "(wa) webhooks" && stop_server wa
    w_check hooks "$WORK/wa.db"
  fi
  # For information: the same deliveries offered at a fixed rate (an open loop, --rate): the latency of an
  # acknowledgement when the senders do not wait on each other's answers, counted from when each was due.
  say "(wa) open loop: the same webhooks offered at $W_RATE/s, $W_CONC senders"
  if SHOPIFY_WEBHOOK_SECRET=bench-shopify-secret WOOCOMMERCE_WEBHOOK_SECRET=bench-woocommerce-secret start_server "$WORK/wa-rate.db" wa-rate; then
    w_send rate --webhooks "$W_WEBHOOKS" --duplicates 20 --concurrency "$W_CONC" --rate "$W_RATE"
    check_alive "(wa) open loop" && stop_server wa-rate
    w_check rate "$WORK/wa-rate.db"
  fi
  say "(wa) reference: the same orders to POST /, one per request, $W_CONC senders"
  if start_server "$WORK/wa-api.db" wa-api; then
    w_send api --webhooks "$W_WEBHOOKS" --duplicates 20 --concurrency "$W_CONC" --to-api
    check_alive "(wa) POST /" && stop_server wa-api
    w_check api "$WORK/wa-api.db"
  fi
  say "(wb) Debezium: $W_CDC changes (snapshot first), then a replay of the last 10 %, $W_CDC_CONC partitions"
  if start_server "$WORK/wb.db" wb; then
    w_send cdc --cdc-changes "$W_CDC" --cdc-replay-percent 10 --concurrency "$W_CDC_CONC"
    check_alive "(wb) Debezium" && stop_server wb
    w_check cdc "$WORK/wb.db"
  fi
  say "(wb) reference: bulk ingest, 1,000 orders per POST, 4 connections, ${DUR} s"
  if start_server "$WORK/wb-bulk.db" wb-bulk; then
    if run_wrk wbulk "$SRV_PORT" 4 wb 1000; then put w_bulk_rows_per_s "$(calc "$W_acked_rows / $W_secs")"; fi
    check_alive "(wb) bulk" && stop_server wb-bulk
  fi
fi
put w_secs $((SECONDS - W0))
say "(w) took $((SECONDS - W0)) s"
