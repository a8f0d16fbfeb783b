-- Each request from a new client address, as the proxy in front says (production trusts
-- one X-Forwarded-For hop): per-address rate limits count each resident on their own.
-- wrk ... -s fresh_client.lua URL -- OFFSET   (OFFSET keeps runs on different addresses)
local n = 0
local offset = 0

function init(args)
  offset = tonumber(args[1] or "0")
end

function request()
  n = n + 1
  local a = offset + n
  wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.floor(a / 65536) % 256,
                                                 math.floor(a / 256) % 256, a % 256)
  return wrk.format(nil, nil)
end
