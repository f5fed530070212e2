-- wrk script: POST /api/v1/embed/render as page views of new visitors,
-- each with a fresh anonymous id and its own client address (the server
-- trusts 127.0.0.1 as a proxy), so the rate limits count per visitor as
-- they would in production.
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function request()
  n = (n or 0) + 1
  local visitor = string.format("%d-%d", id, n)
  local ip = string.format("198.%d.%d.%d", (id * 8 + math.floor(n / 65536)) % 256, math.floor(n / 256) % 256, n % 256)
  return wrk.format("POST", nil, {
    ["Content-Type"] = "text/plain;charset=UTF-8",
    ["X-Forwarded-For"] = ip,
  }, '{"segment":"Default Users","anonymous_id":"v' .. visitor .. '"}')
end

function done(summary, latency, requests)
  io.write(string.format("non-2xx: %d\n", summary.errors.status))
end
