-- Support POSTs, each from a new device (its own signed device cookie, made by bench.py)
-- and a new client address, through htmx (HX-Request), with a valid CSRF token and
-- session when the page carries them ("-" when it does not): every request is a support
-- that must be counted.
-- wrk ... -s support.lua URL -- DEVICES_FILE TARGETS_FILE CSRF_TOKEN SESSION_COOKIE OFFSET
local devices, targets = {}, {}
local n, offset, reused = 0, 0, 0
local csrf, session, origin

function init(args)
  for line in io.lines(args[1]) do devices[#devices + 1] = line end
  for line in io.lines(args[2]) do targets[#targets + 1] = line end
  csrf, session, offset = args[3], args[4], tonumber(args[5] or "0")
  origin = wrk.headers["Host"] or (wrk.host .. ":" .. wrk.port)
end

function request()
  n = n + 1
  local device = devices[n]
  if device == nil then
    reused = reused + 1
    device = devices[(n % #devices) + 1]
  end
  local path = targets[(n % #targets) + 1]
  local a = offset + n
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["HX-Request"] = "true",
    ["X-Forwarded-Proto"] = "https",
    ["Referer"] = "https://" .. origin .. path,
    ["User-Agent"] = wrk.headers["User-Agent"],
    ["Cookie"] = (session ~= "-" and (session .. "; ") or "") .. "device=" .. device,
    ["Sec-Fetch-Site"] = "same-origin",
    ["Origin"] = "https://" .. origin,
    ["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.floor(a / 65536) % 256,
                                        math.floor(a / 256) % 256, a % 256),
  }
  local body = (csrf ~= "-" and ("csrf_token=" .. csrf .. "&") or "") .. "action=support&next=" .. path
  return wrk.format("POST", path .. "/support", headers, body)
end
