-- The app_lua workload: an allocation-heavy Lua 5.4 program (the interpreter allocates every
-- table, string and closure through realloc/free, so the allocator under LD_PRELOAD does all
-- of its memory work). Deterministic: a fixed LCG, no clock, no I/O but the summary line.
-- Usage: lua5.4 alloc_heavy.lua [ROUNDS]   (default 3; 10,000 records a round; prints one
-- summary line)
local rounds = tonumber(arg[1] or "3")
if not rounds or rounds < 1 or rounds % 1 ~= 0 then
  io.stderr:write("usage: lua5.4 alloc_heavy.lua [ROUNDS]  (ROUNDS a whole number >= 1)\n")
  os.exit(2)
end

local seed = 12345
local function rand(n)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % n
end

-- Records as small tables with string fields, kept in a list and an index.
local function make_records(n)
  local list, index = {}, {}
  for i = 1, n do
    local name = "user" .. rand(100000) .. "_" .. i
    local r = {id = i, name = name, tags = {}, score = rand(1000)}
    for t = 1, 1 + rand(4) do
      r.tags[t] = "t" .. rand(50)
    end
    list[i] = r
    index[name] = r
  end
  return list, index
end

-- Strings built by concatenation and table.concat, split again with gmatch.
local function strings(list)
  local parts, total = {}, 0
  for i, r in ipairs(list) do
    parts[#parts + 1] = string.format("%d:%s:%s", r.id, r.name, table.concat(r.tags, ","))
    if #parts == 200 then
      local line = table.concat(parts, ";")
      for field in line:gmatch("[^;]+") do
        total = total + #field
      end
      parts = {}
    end
  end
  return total
end

-- Closures and short-lived tables: a map/filter pipeline over the records.
local function pipeline(list)
  local function map(t, f)
    local out = {}
    for i = 1, #t do out[i] = f(t[i]) end
    return out
  end
  local function filter(t, f)
    local out = {}
    for i = 1, #t do if f(t[i]) then out[#out + 1] = t[i] end end
    return out
  end
  local pairs_ = map(list, function(r) return {r.score, r.name} end)
  local high = filter(pairs_, function(p) return p[1] > 500 end)
  table.sort(high, function(a, b)
    if a[1] ~= b[1] then return a[1] > b[1] end
    return a[2] < b[2]
  end)
  return #high, high[1] and high[1][1] or 0
end

-- Churn: replace random records, so the heap holds a changing live set.
local function churn(list, index, steps)
  local n = #list
  for _ = 1, steps do
    local i = 1 + rand(n)
    index[list[i].name] = nil
    local name = "re" .. rand(1000000) .. "_" .. i
    local r = {id = i, name = name, tags = {"x" .. rand(9), "y" .. rand(9)}, score = rand(1000)}
    list[i] = r
    index[name] = r
  end
end

local checksum = 0
for _ = 1, rounds do
  local list, index = make_records(10000)
  checksum = checksum + strings(list)
  local count, top = pipeline(list)
  checksum = checksum + count + top
  churn(list, index, 20000)
  checksum = checksum + strings(list)
  collectgarbage()
end
print(string.format("alloc_heavy.lua: rounds=%d checksum=%d", rounds, checksum))
