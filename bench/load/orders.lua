-- wrk script: durable order placement against `neocloud serve`. Each request is a random bid (two thirds) from one
-- of the buyers' tokens, or a random ask (one third) on the provider's `bench` pool. Tokens come from the environment.
local provider = os.getenv("NEOCLOUD_PROVIDER_TOKEN")
local buyers = {}
for token in string.gmatch(os.getenv("NEOCLOUD_BUYER_TOKENS") or "", "[^,]+") do table.insert(buyers, token) end

local markets = {}
for sku, pool in string.gmatch(os.getenv("NEOCLOUD_BENCH_MARKETS") or "GB300:bench", "([^:,]+):([^,]+)") do
  table.insert(markets, { sku = sku, pool = pool })
end

-- NEOCLOUD_BENCH_KEYS=1 sends every order under an Idempotency-Key of its own (what a careful client does).
local keyed = os.getenv("NEOCLOUD_BENCH_KEYS") == "1"
local sent = 0

local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(seed * 7919)
end

local function headers(token)
  local h = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
  if keyed then
    sent = sent + 1
    h["Idempotency-Key"] = string.format("bench-%d-%d-%d", seed, sent, math.random(0, 1000000000))
  end
  return h
end

request = function()
  local start = 490000 + math.random(0, 80000)
  local hours = math.random(1, 720)
  local market = markets[math.random(#markets)]
  if math.random(3) == 1 then
    local body = string.format('{"pool":"%s","gpus":%d,"start":%d,"end":%d,"price":"%.2f"}',
      market.pool, math.random(1, 64), start, start + hours, 2.0 + math.random(0, 99) / 100)
    return wrk.format("POST", "/api/v1/orders/asks", headers(provider), body)
  end
  local body = string.format('{"sku":"%s","gpus":%d,"start":%d,"end":%d,"limit":"%.2f","tif":"GTC"}',
    market.sku, math.random(1, 32), start, start + hours, 1.5 + math.random(0, 99) / 100)
  local buyer = buyers[math.random(#buyers)]
  return wrk.format("POST", "/api/v1/orders/bids", headers(buyer), body)
end

response = function(status, headers, body)
  if status ~= 201 and status ~= 422 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end
