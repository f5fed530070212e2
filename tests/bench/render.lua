-- wrk script: POST /api/v1/embed/render as page views of new visitors,
-- each from its own client address (the server trusts 127.0.0.1 as a
-- proxy), so the rate limits count per visitor as they would in
-- production. A new visitor sends no anonymous id (the server makes one);
-- with RETURNING=1 each sends a fresh one, as a returning anonymous
-- visitor would, which costs the play-limit lookup.
local returning = os.getenv("RETURNING") == "1"
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
  }, returning and ('{"segment":"Default Users","anonymous_id":"v' .. visitor .. '"}')
    or '{"segment":"Default Users"}')
end

function done(summary, latency, requests)
  io.write(string.format("non-2xx: %d\n", summary.errors.status))
end
