-- wrk script for bench/respondent.py: each request takes the next path of a file, so that every
-- POST uses a link of its own (the platform refuses a second submit of one link).
--   wrk -t2 -c32 -d8s -s bench/wrk.lua http://127.0.0.1:PORT -- PATHS THREADS [METHOD BODYFILE [once]]
-- Thread n of T takes the lines n, n+T, n+2T..., and starts again at the top when they run out;
-- with "once" (the submit), a thread that runs out says so and sends its last link again (the
-- platform refuses it, so it counts as a non-2xx/3xx response).

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  step = tonumber(args[2])
  method = args[3] or "GET"
  body = nil
  headers = {}
  if args[4] then
    local file = io.open(args[4], "rb")
    body = file:read("*a")
    file:close()
    headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
  once = args[5] == "once"
  position = id
  ran_out = 0
end

function request()
  local n = position
  position = position + step
  if n >= #paths then
    if once then
      ran_out = 1
      n = #paths - 1
    else
      n = n % #paths
    end
  end
  return wrk.format(method, paths[n + 1], headers, body)
end

function done(summary, latency, requests)
  local out, next = 0, 0
  for _, thread in ipairs(threads) do
    out = out + (thread:get("ran_out") or 0)
    next = math.max(next, thread:get("position") or 0)
  end
  io.write(string.format("WRK requests=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d "
    .. "p50_us=%d p99_us=%d max_us=%d ran_out=%d next=%d\n",
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout, latency:percentile(50), latency:percentile(99), latency.max, out, next))
end
