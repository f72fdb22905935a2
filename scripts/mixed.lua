-- A mix of what the three users of SPEC ask, for wrk (scripts/load.sh):
-- each connection cycles through these requests in turn.
local paths = {
  "/api/search?q=consent&key_stage=ks2",
  "/api/search?q=sexting+year+9",
  "/api/search?q=KS2+consent+lesson",
  "/api/search?q=helpline+tamworth",
  "/api/search?q=HSB+training+for+governors",
  "/api/search?q=upskirting",
  "/api/search?q=relationshps",
  "/api/search?kind=organisation&area=cannock-chase",
  "/api/search?kind=case-study&sector=primary",
  "/api/search?topic=consent&key_stage=ks1&format=lesson-plan",
  "/api/search?ability=send&kind=resource",
  "/api/search?sort=reviewed",
  "/search?q=consent&key_stage=ks2",
  "/search?kind=organisation&area=tamworth",
}
-- Formatted once (see paths.lua): wrk shares the machine with the server.
local requests = {}
for n, path in ipairs(paths) do
  requests[n] = wrk.format("GET", path)
end
local i = 0
request = function()
  i = i % #requests + 1
  return requests[i]
end
