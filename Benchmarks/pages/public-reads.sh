#!/usr/bin/env bash
# Public reads at national peak (BENCHMARKS.md, "Public reads and identification next to /health"):
# requests/s for the cycle page, the results page, /api/v1/cycles/{id}/outcome and identification,
# each next to /health in the same run, on `mizan serve --demo`; where the answers carry an ETag, the
# same addresses revalidated by a cache (If-None-Match → 304).
#   Benchmarks/pages/public-reads.sh [MIZAN_BINARY] [PORT]
# MIZAN_BINARY defaults to .build/release/mizan; MIZAN_SQL_DIR may name the migrations it expects.
set -uo pipefail
cd "$(dirname "$0")/../.."
MIZAN=${1:-.build/release/mizan}
PORT=${2:-8097}
OUT=$(mktemp -d)
export MIZAN_SECRET=$(python3 -c "print('cd'*32)") MIZAN_HOME=$OUT/home XDG_CONFIG_HOME=$OUT/config
mkdir -p $MIZAN_HOME; chmod 755 $OUT $MIZAN_HOME
"$MIZAN" serve --demo --port $PORT > $OUT/serve.log 2>&1 &
SERVER=$!
for i in $(seq 1 600); do grep -q "Server started and listening" $OUT/serve.log && break; sleep 1; done
B=http://127.0.0.1:$PORT
PUB=$(grep -o "/fr/cycles/[0-9]*/results" $OUT/serve.log | head -1 | cut -d/ -f4)
echo "binary: $MIZAN ($(stat -c %y "$MIZAN" | cut -d. -f1)); published cycle $PUB; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
run() {  # label, wrk arguments…
  local label=$1; shift
  local result; result=$(wrk -t2 -c32 -d8s --latency "$@")
  printf "%-44s %10s req/s  p99 %8s  %s\n" "$label" "$(echo "$result" | awk '/Requests\/sec/ {print $2}')" \
    "$(echo "$result" | awk '$1 == "99%" {print $2}')" "$(echo "$result" | grep -o 'Non-2xx or 3xx responses: [0-9]*')"
}
run "GET /health" $B/health
run "GET /fr/cycles/1 (cycle page)" $B/fr/cycles/1
run "GET /health" $B/health
run "GET /fr/cycles/$PUB/results" $B/fr/cycles/$PUB/results
run "GET /health" $B/health
run "GET /api/v1/cycles/$PUB/outcome" $B/api/v1/cycles/$PUB/outcome
python3 Benchmarks/pages/make-identify.py 50000 > $OUT/identify.tsv
run "GET /health" $B/health
REQUESTS=$OUT/identify.tsv BALLOT_PATH=/fr/cycles/1/vote run "POST /fr/cycles/1/vote (identification)" -s Benchmarks/ballots/post.lua $B
for path in /fr/cycles/$PUB/results /api/v1/cycles/$PUB/outcome; do
  tag=$(curl -s -D - -o /dev/null $B$path | tr -d '\r' | awk 'tolower($1) == "etag:" {print $2}')
  if [ -n "$tag" ]; then
    echo "$path If-None-Match $tag → $(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $tag" $B$path)"
    run "GET $path, revalidated (304)" -H "If-None-Match: $tag" $B$path
  fi
done
run "GET /health" $B/health
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
kill -INT $SERVER; wait $SERVER
rm -rf $OUT
