-- wrk script: submits contracts and waits for each review (Prefer: wait=30), so wrk's latency is the end-to-end review
-- latency (ingest → extract → rules → judge → decide → queue). BODIES names a file listing request bodies, one path a line,
-- sent in turn; otherwise BODY is the one body sent again and again. Usage: see deploy/load/run.sh and deploy/load/bench.sh.
local bodies = {}
local function read(path)
  local f = assert(io.open(path, "r"))
  local body = f:read("*a")
  f:close()
  return body
end
if os.getenv("BODIES") then
  for path in io.lines(os.getenv("BODIES")) do bodies[#bodies + 1] = read(path) end
else
  bodies[1] = read(os.getenv("BODY") or "deploy/load/body.json")
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Prefer"] = "wait=30"
wrk.headers["X-Api-Key"] = os.getenv("API_KEY") or "dev-analyst-key"

local sent = 0
function request()
  sent = sent + 1
  return wrk.format(nil, nil, nil, bodies[sent % #bodies + 1])
end

-- Non-2xx answers by status, kept per thread as "status=count ..." (wrk's threads share no Lua state).
local threads = {}
function setup(thread) threads[#threads + 1] = thread end
failed = ""
local counts = {}
function response(status, headers, body)
  if status >= 300 then
    counts[status] = (counts[status] or 0) + 1
    local parts = {}
    for code, n in pairs(counts) do parts[#parts + 1] = code .. "=" .. n end
    failed = table.concat(parts, " ")
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("p50 %.1f ms, p90 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms; %d requests, %.1f/s; errors: %d non-2xx, %d connect, %d read, %d timeout\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.requests, summary.requests / (summary.duration / 1e6),
    e.status, e.connect, e.read, e.timeout))
  for _, thread in ipairs(threads) do
    local f = thread:get("failed")
    if f and f ~= "" then io.write("  non-2xx by status (status=count): " .. f .. "\n") end
  end
end
