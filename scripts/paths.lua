-- Each connection cycles through the paths listed in a file (one a line;
-- blank lines and lines starting with # skipped), for wrk:
--   wrk -s scripts/paths.lua http://127.0.0.1:8080 -- scripts/text.paths
local paths = {}
local i = 0

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" and line:sub(1, 1) ~= "#" then
      paths[#paths + 1] = line
    end
  end
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
