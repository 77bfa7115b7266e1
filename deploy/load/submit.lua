-- wrk script: submits the same contract again and again and waits for each review (Prefer: wait=30),
-- so wrk's latency is the end-to-end review latency (ingest → extract → rules → decide → queue).
-- Usage: see deploy/load/run.sh.
local f = assert(io.open(os.getenv("BODY") or "deploy/load/body.json", "r"))
wrk.body = f:read("*a")
f:close()
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Prefer"] = "wait=30"
wrk.headers["X-Api-Key"] = os.getenv("API_KEY") or "dev-analyst-key"

local statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("p50 %.1f ms, p90 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms; %d requests, %.1f/s\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.requests, summary.requests / (summary.duration / 1e6)))
end
