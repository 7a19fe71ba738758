-- wrk script for recsys4j serve: POSTs :recommend (top K) for users 1..943 in turn, and stops
-- each wrk thread once it has sent its share of the run's request budget, so a run is bounded in requests
-- as well as in time (-d). Arguments after "--": REQUESTS_PER_THREAD [PATH] [K]
local counter = 0
local budget = math.huge
local requests = {}

init = function(args)
  budget = tonumber(args[1]) or math.huge
  local path = args[2] or "/v1/models/retrieval:recommend"
  local k = args[3] or "10"
  local headers = { ["Content-Type"] = "application/json" }
  for u = 1, 943 do
    requests[u] = wrk.format("POST", path, headers,
      '{"query": {"user_id": "' .. u .. '"}, "k": ' .. k .. '}')
  end
end

request = function()
  counter = counter + 1
  if counter > budget then
    wrk.thread:stop()
  end
  return requests[(counter % 943) + 1]
end

-- No response() function: with one, wrk hands every response's headers and body to Lua, which cost
-- wrk's threads more CPU than the server's JSON work on this 2-core machine (client and server share it).
