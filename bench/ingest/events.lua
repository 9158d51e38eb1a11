-- wrk script: every request is a new stop-hook snapshot (unique session_id + ended_at, rising
-- running total), so the server does real work: the append path of the run ledger.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local n = 0
local base = 1772870400 -- 2026-03-07T08:00:00Z
request = function()
  n = n + 1
  local session = string.format("bench-%d-%d", tid, n % 500)
  local body = string.format(
    '{"session_id":"%s","role":"polecat","rig":"rig%d","worker":"w%d","model":"claude-sonnet-4-5","cost_usd":%.6f,' ..
    '"input_tokens":%d,"output_tokens":%d,"cache_read_tokens":%d,"ended_at":"%s.%06d-05:00"}',
    session, n % 7, n % 500, n * 0.0001, n * 3, n * 11, n * 97,
    os.date("!%Y-%m-%dT%H:%M:%S", base + tid * 10000000 + n), tid)
  return wrk.format("POST", "/api/ingest", { ["Content-Type"] = "application/json" }, body)
end
