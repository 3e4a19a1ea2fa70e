-- wrk script: POST one JSON document (read once from $SPAMSCALPEL_BODY_FILE) to the path given on
-- the command line, and count non-2xx answers by status so errors are visible in the summary.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local fh = assert(io.open(os.getenv("SPAMSCALPEL_BODY_FILE"), "rb"))
wrk.body = fh:read("*a")
fh:close()

local bad = {}
function response(status, headers, body)
  if status >= 300 then
    bad[status] = (bad[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  -- Threads keep separate Lua states, so per-status counts here cover thread 1 only; the
  -- summary's "Non-2xx or 3xx responses" line is the authoritative total.
  for status, n in pairs(bad) do
    io.write(string.format("status %d: %d (one thread)\n", status, n))
  end
end
