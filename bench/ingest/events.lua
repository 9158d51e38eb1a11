-- wrk script: every request is a new stop-hook snapshot (unique session_id + ended_at, rising
-- running total), so the server does real work: the append path of the run ledger.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local n = 0
local run = os.getenv("RUN") or "1" -- a second wrk run against the same database posts other sessions
local base = 1772870400 -- 2026-03-07T08:00:00Z
request = function()
  n = n + 1
  local session = string.format("bench-%s-%d-%d", run, tid, n % 500)
  local body = string.format(
    '{"session_id":"%s","role":"polecat","rig":"rig%d","worker":"w%d","model":"claude-sonnet-4-5","cost_usd":%.6f,' ..
    '"input_tokens":%d,"output_tokens":%d,"cache_read_tokens":%d,"ended_at":"%s.%06d-05:00"}',
    session, n % 7, n % 500, n * 0.0001, n * 3, n * 11, n * 97,
    os.date("!%Y-%m-%dT%H:%M:%S", base + tid * 10000000 + n), tid)
  return wrk.format("POST", "/api/ingest", { ["Content-Type"] = "application/json" }, body)
end

-- RATE set (events per second): each request takes the next slot of one steady schedule, so the
-- load is that rate whatever the latency, like an open-loop generator, for as long as the
-- connections are enough to keep up; a late answer makes the next requests go at once.
local rate = tonumber(os.getenv("RATE") or "")
if rate then
  local ffi = require("ffi")
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } timespec_t;
    int clock_gettime(int clock, timespec_t *t);
  ]]
  local now_t = ffi.new("timespec_t")
  local function now_ms()
    ffi.C.clock_gettime(1, now_t) -- CLOCK_MONOTONIC
    return tonumber(now_t.tv_sec) * 1000 + tonumber(now_t.tv_nsec) / 1e6
  end
  local due = nil
  delay = function()
    local t = now_ms()
    due = (due or t) + 1000 / rate
    return math.max(0, math.floor(due - t))
  end
end
