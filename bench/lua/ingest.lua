-- wrk script: POST / with N new orders per request (unique order ids, so the
-- server must insert every one), counting what the server acknowledged.
--   wrk ... -s ingest.lua URL -- PREFIX ROWS_PER_REQUEST
-- done() prints one line: RESULT key=value ... for bench/run to parse.

local threads = {}

-- Runs in the main Lua state; thread:set makes `thread_no` a global of that
-- thread's own state (a local of this name would shadow it there).
function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_no", #threads)
end

local prefix, rows, n = "x", 1, 0
acked, ok200, bad, unchanged = 0, 0, 0, 0

function init(args)
  prefix = (args[1] or "x") .. "-t" .. thread_no .. "-"
  rows = tonumber(args[2] or "1")
end

-- Same column values as bench/c/insert_ref.c.
local head = '{"order_id":"'
local tail = '","order_date":"2025-08-08T10:00:00Z","order_status":"processing",'
  .. '"order_details":"Laptop, Mouse","updated_at":"2025-08-08T10:05:00Z"}'
local hdrs = { ["Content-Type"] = "application/json" }

function request()
  local parts = {}
  for i = 1, rows do
    n = n + 1
    parts[i] = head .. prefix .. n .. tail
  end
  return wrk.format("POST", "/", hdrs, "[" .. table.concat(parts, ",") .. "]")
end

function response(status, headers, body)
  if status == 200 then
    ok200 = ok200 + 1
    acked = acked + (tonumber(string.match(body or "", '"inserted"%s*:%s*(%d+)')) or 0)
    unchanged = unchanged + (tonumber(string.match(body or "", '"unchanged"%s*:%s*(%d+)')) or 0)
  else
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local a, o, b, u = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("acked"); o = o + t:get("ok200")
    b = b + t:get("bad"); u = u + t:get("unchanged")
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d ok200=%d non200=%d acked_rows=%d unchanged=%d "
      .. "err_connect=%d err_read=%d err_write=%d err_timeout=%d "
      .. "p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, o, b, a, u,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
