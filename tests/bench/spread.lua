-- wrk script: spreads the load over many sites by sending each request with
-- the next Host header of a list.
--
--   wrk -tT ... -s spread.lua http://127.0.0.1:PORT/ -- HOSTS_FILE [PATH [T [USER_AGENT [ENCODINGS]]]]
--
-- HOSTS_FILE holds one host name a line (one line: every request for the
-- same site); PATH is the path asked for (default /); T, wrk's -t, lets each
-- thread start at its own share of the list. Each thread walks the whole
-- list in order, so the threads do not ask for the same site at the same
-- time and every site is asked for once per pass. USER_AGENT, when given,
-- is sent with every request (without one, the platform counts a robot);
-- ENCODINGS, when given, as Accept-Encoding (browsers send "gzip, br"). The requests are built
-- once, in init(), so asking for 10,000 sites costs the client no more than
-- asking for one.
--
-- done() prints one line that tests/bench reads:
--   wrk-result requests=N duration_us=N rps=N p50_us=N p99_us=N status_errors=N socket_errors=N
-- where status_errors counts answers with a status of 400 or more.

-- setup() runs in wrk's main Lua state, once per thread, before that
-- thread's init().
local counter = 0

function setup(thread)
  thread:set("thread_index", counter)
  counter = counter + 1
end

local requests = {}
local position = 0

function init(args)
  local hosts_file = args[1]
  local path = args[2] or "/"
  local thread_count = tonumber(args[3] or "1") or 1
  local user_agent = args[4]
  local encodings = args[5]
  if not hosts_file then
    error("spread.lua: give the file of host names after --")
  end
  local file = assert(io.open(hosts_file, "r"))
  for host in file:lines() do
    if host ~= "" then
      local headers = { Host = host }
      if user_agent and user_agent ~= "" then
        headers["User-Agent"] = user_agent
      end
      if encodings and encodings ~= "" then
        headers["Accept-Encoding"] = encodings
      end
      requests[#requests + 1] = wrk.format("GET", path, headers)
    end
  end
  file:close()
  if #requests == 0 then
    error("spread.lua: no host names in " .. hosts_file)
  end
  position = math.floor((thread_index or 0) * #requests / thread_count) % #requests
end

function request()
  position = position % #requests + 1
  return requests[position]
end

function done(summary, latency, _)
  local errors = summary.errors
  io.write(string.format(
    "wrk-result requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d status_errors=%d socket_errors=%d\n",
    summary.requests,
    summary.duration,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50),
    latency:percentile(99),
    errors.status,
    errors.connect + errors.read + errors.write + errors.timeout
  ))
end
