-- wrk script: each request casts a ballot for the next voter of requests.tsv (cookie TAB body).
local file = os.getenv("REQUESTS") or "requests.tsv"
local path = os.getenv("BALLOT_PATH")
local counter = 0

function setup(thread)
  thread:set("offset", counter)
  counter = counter + 1
end

function init(args)
  requests = {}
  for line in io.lines(file) do
    local tab = line:find("\t")
    requests[#requests + 1] = { line:sub(1, tab - 1), line:sub(tab + 1) }
  end
  index = offset
  failures = 0
end

function request()
  local entry = requests[(index % #requests) + 1]
  index = index + 2
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = entry[1],
  }, entry[2])
end

function response(status, headers, body)
  if status ~= 303 then failures = failures + 1 end
end
