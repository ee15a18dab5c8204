-- wrk script for bench:webhooks (`--generator wrk`): POSTs service hook deliveries, each with a
-- work item id and revision no other request used, so every one is stored (not a duplicate).
--
-- wrk ... -s webhookWrk.lua <url> -- <template file> <secret> <base> <linked ids> <linked share>
--   template file: a delivery whose work item id is 1111111111 and revision 2122222222
--   base: added to every revision, so phases of one run never repeat a delivery
--   linked ids: comma-separated work items issues link to ("-" for none), sent <linked share>
--   of the time (0..1); the rest go to unlinked work items and are stored settled.

local template, base, linked, share
local counter = 0

function init(args)
  local file = assert(io.open(args[1], "r"))
  template = file:read("*a")
  file:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Shared-Secret"] = args[2]
  base = tonumber(args[3])
  linked = {}
  for id in string.gmatch(args[4] or "", "%d+") do
    linked[#linked + 1] = id
  end
  share = tonumber(args[5] or "0")
end

function request()
  counter = counter + 1
  local id, rev
  if #linked > 0 and (counter % 1000) < share * 1000 then
    id = linked[counter % #linked + 1]
    rev = base + counter
  else
    id = tostring(1000000 + counter % 50000)
    rev = base + 1 + math.floor(counter / 50000)
  end
  local body = template:gsub("1111111111", id):gsub("2122222222", tostring(rev))
  return wrk.format(nil, nil, nil, body)
end
