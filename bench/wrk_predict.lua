-- wrk script for bench/serving.py: varied prediction bodies, status counts, optional pacing.
--
--   wrk -t T -c C -d Ds --timeout 2s -s bench/wrk_predict.lua URL -- MODE ROWS RATE THREADS
--
-- MODE    predict (gateway and inference /v1/predict), predict_id (the same with a
--         `customer_id`, a different one in each of the 20,000 bodies: the gateway pseudonymises
--         it), batch (/v1/predict/batch, ROWS rows),
--         mlflow (`mlflow models serve` /invocations, dataframe_split with ROWS rows)
-- RATE    0 = closed loop; > 0 = fixed arrival rate in requests/s over all threads
-- THREADS the -t value, so each thread paces RATE / THREADS
--
-- Bodies are built in init() from a seeded generator (idade 18-100, renda_anual 0-500,000), so
-- consecutive requests differ and runs are reproducible. Authorization comes from wrk's -H.
--
-- Pacing: wrk's Lua API has no per-connection state (delay/request/response are per thread),
-- so each thread keeps one absolute schedule, slot k at start + k * THREADS / RATE ms, and every
-- delay() call claims the next slot: a connection that is free early waits for it, one that
-- comes late sends at once. The lateness of each send is recorded ("lag"): wrk's own latency
-- starts at the send, so a lag near zero is what makes that latency the one the schedule saw.
--
-- done() prints one line "BENCH_JSON {...}" for the harness to parse.

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]])
local CLOCK_MONOTONIC = 1
local clock = ffi.new("bench_timespec")

local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local LAG_BUCKET_MS = 0.1 -- lag histogram resolution
local LAG_MAX_BUCKET = 100000 -- 10 s; later sends land in the last bucket

-- Per-thread state (each wrk thread runs its own copy of this script).
statuses = {} -- status code -> responses
lags = {} -- bucket -> sends (paced runs only)
slots = 0 -- slots claimed (paced runs only)
thread_index = 0 -- set by setup()

local requests = {}
local cursor = 0
local interval_ms = 0
local schedule_start = nil

local function customer()
  return math.random(18, 100), math.random() * 500000
end

local function predict_body()
  local idade, renda = customer()
  return string.format('{"idade": %d, "renda_anual": %.2f}', idade, renda)
end

local function predict_id_body(i)
  local idade, renda = customer()
  return string.format(
    '{"idade": %d, "renda_anual": %.2f, "customer_id": "bench-%d-%d"}',
    idade,
    renda,
    thread_index,
    i
  )
end

local function batch_body(rows)
  local parts = {}
  for i = 1, rows do
    local idade, renda = customer()
    parts[i] = string.format('{"idade": %d, "renda_anual": %.2f}', idade, renda)
  end
  return '{"instances": [' .. table.concat(parts, ", ") .. "]}"
end

local function mlflow_body(rows)
  local parts = {}
  for i = 1, rows do
    local idade, renda = customer()
    parts[i] = string.format("[%d, %.2f]", idade, renda)
  end
  return '{"dataframe_split": {"columns": ["idade", "renda_anual"], "data": ['
    .. table.concat(parts, ", ")
    .. "]}}"
end

local function paced_delay()
  local now = now_ms()
  if schedule_start == nil then
    schedule_start = now
  end
  local slot = schedule_start + slots * interval_ms
  slots = slots + 1
  if slot > now then
    lags[0] = (lags[0] or 0) + 1
    return math.floor(slot - now)
  end
  local bucket = math.min(math.floor((now - slot) / LAG_BUCKET_MS), LAG_MAX_BUCKET)
  lags[bucket] = (lags[bucket] or 0) + 1
  return 0
end

function init(args)
  local mode = args[1] or "predict"
  local rows = tonumber(args[2] or "1")
  local rate = tonumber(args[3] or "0")
  local threads = tonumber(args[4] or "1")
  math.randomseed(20261130 + 7919 * thread_index)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  local count = 20000
  local build = predict_body
  if mode == "batch" then
    count = math.max(8, math.floor(100000 / rows))
    build = function()
      return batch_body(rows)
    end
  elseif mode == "predict_id" then
    build = predict_id_body
  elseif mode == "mlflow" then
    build = function()
      return mlflow_body(rows)
    end
  elseif mode ~= "predict" then
    error("unknown mode " .. mode)
  end
  for i = 1, count do
    requests[i] = wrk.format(nil, nil, nil, build(i))
  end
  if rate > 0 then
    interval_ms = 1000 * threads / rate
    delay = paced_delay
  end
end

function request()
  cursor = cursor % #requests + 1
  return requests[cursor]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

-- Setup and done run in a separate Lua state that sees every thread.
local threads = {}

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

local function merge(into, from)
  for key, value in pairs(from or {}) do
    into[key] = (into[key] or 0) + value
  end
end

local function lag_percentile(histogram, total, p)
  if total == 0 then
    return 0
  end
  local keys = {}
  for key in pairs(histogram) do
    table.insert(keys, key)
  end
  table.sort(keys)
  local wanted, seen = total * p / 100, 0
  for _, key in ipairs(keys) do
    seen = seen + histogram[key]
    if seen >= wanted then
      return key * LAG_BUCKET_MS
    end
  end
  return keys[#keys] * LAG_BUCKET_MS
end

local function json_map(map)
  local parts = {}
  for key, value in pairs(map) do
    table.insert(parts, string.format('"%s": %d', tostring(key), value))
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, _)
  local merged_statuses, merged_lags, claimed = {}, {}, 0
  for _, thread in ipairs(threads) do
    merge(merged_statuses, thread:get("statuses"))
    merge(merged_lags, thread:get("lags"))
    claimed = claimed + (thread:get("slots") or 0)
  end
  local errors = summary.errors
  io.write(
    string.format(
      "BENCH_JSON {"
        .. '"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, '
        .. '"max_us": %d, "mean_us": %.1f, "connect": %d, "read": %d, "write": %d, '
        .. '"timeout": %d, "status_errors": %d, "statuses": %s, "slots": %d, '
        .. '"lag_p50_ms": %.1f, "lag_p99_ms": %.1f, "lag_max_ms": %.1f}\n',
      summary.requests,
      summary.duration,
      latency:percentile(50),
      latency:percentile(90),
      latency:percentile(99),
      latency.max,
      latency.mean,
      errors.connect,
      errors.read,
      errors.write,
      errors.timeout,
      errors.status,
      json_map(merged_statuses),
      claimed,
      lag_percentile(merged_lags, claimed, 50),
      lag_percentile(merged_lags, claimed, 99),
      lag_percentile(merged_lags, claimed, 100)
    )
  )
end
