-- wrk script of the sign-in flood (tests/bench/flood.sh): every connection
-- posts a wrong password to one commune's sign-in form, with the form's
-- token and its cookie, one request every `delay` milliseconds; the
-- answers are tallied by status.
--
--   wrk ... -s flood.lua <url> -- <host> <cookie> <token> <email> <delay ms>

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local host, cookie, token, email = args[1], args[2], args[3], args[4]
  wait_ms = tonumber(args[5])
  statuses = {}
  wrk.method = "POST"
  wrk.headers["Host"] = host
  wrk.headers["Cookie"] = cookie
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.body = "csrf=" .. token .. "&email=" .. email .. "&password=mat-khau-sai-de-thu"
end

function delay()
  return wait_ms
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local counted = thread:get("statuses")
    for status, n in pairs(counted) do
      total[status] = (total[status] or 0) + n
    end
  end
  local line = "flood-result"
  for status, n in pairs(total) do
    line = line .. " " .. status .. "=" .. n
  end
  io.write(line .. "\n")
end
