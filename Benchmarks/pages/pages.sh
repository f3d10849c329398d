#!/usr/bin/env bash
# Page weights and public-page rates of BENCHMARKS.md, on the demo.
set -uo pipefail
OUT=$(mktemp -d)
cd "$(dirname "$0")/../.."
export MIZAN_SECRET=$(python3 -c "print('cd'*32)") MIZAN_HOME=/tmp/mizan-bench-pages XDG_CONFIG_HOME=/tmp/mizan-bench-pages-config
rm -rf $MIZAN_HOME $XDG_CONFIG_HOME; mkdir -p $MIZAN_HOME; chmod 755 $MIZAN_HOME
.build/release/mizan serve --demo --port 8098 > $OUT/serve-pages.log 2>&1 &
SERVER=$!
for i in $(seq 1 600); do grep -q "Server started and listening" $OUT/serve-pages.log && break; sleep 1; done
B=http://127.0.0.1:8098
PUB=$(grep -o "/fr/cycles/[0-9]*/results" $OUT/serve-pages.log | head -1 | cut -d/ -f4)
# A voter session for the ballot page, as make-requests.py signs it.
python3 Benchmarks/ballots/make-requests.py 1 1 1 900000 > $OUT/one.tsv
COOKIE=$(cut -f1 $OUT/one.tsv)
echo "ballot page (fr, cycle 1): $(curl -s -H "Cookie: $COOKIE" $B/fr/cycles/1/ballot | wc -c) bytes HTML, + $(curl -s $B/static/mizan.css | wc -c) mizan.css + $(curl -s $B/static/ballot.css | wc -c) ballot.css + $(curl -s $B/static/ballot.js | wc -c) ballot.js"
echo "  other hosts referenced: $(curl -s -H "Cookie: $COOKIE" $B/fr/cycles/1/ballot | grep -oE '(src|href)="https?://[^"]*' | grep -v 127.0.0.1 | wc -l)"
echo "results page (fr, cycle $PUB): $(curl -s $B/fr/cycles/$PUB/results | wc -c) bytes HTML"
echo "  other hosts referenced: $(curl -s $B/fr/cycles/$PUB/results | grep -oE '(src|href)="https?://[^"]*' | grep -v 127.0.0.1 | wc -l)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for path in /health /fr/cycles/1 /fr/cycles/$PUB/results /health; do
  echo "== GET $path"; wrk -t2 -c32 -d8s --latency $B$path | grep -E "Requests/sec|99%|Non-2xx"
done
# Identification: the demo's 50 voters with their right birth dates, one signed CSRF pair each.
python3 Benchmarks/pages/make-identify.py 50000 > $OUT/identify.tsv
echo "== POST /fr/cycles/1/vote"
REQUESTS=$OUT/identify.tsv BALLOT_PATH=/fr/cycles/1/vote wrk -t2 -c32 -d8s --latency -s Benchmarks/ballots/post.lua $B | grep -E "Requests/sec|99%|Non-2xx"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
kill -INT $SERVER; wait $SERVER
