#!/usr/bin/env bash
# Failover benchmark (BENCHMARKS.md, "Failover: primary killed, web node killed"). On one machine:
# etcd, two PostgreSQL 15 clusters managed by Patroni (a primary and a synchronous streaming
# standby), two `mizan serve` nodes reaching them through a libpq multi-host URL with
# target_session_attrs=read-write, and nginx in front of both nodes. A vote client
# (failover-client.py) casts ballots for new voters through nginx, retrying each one with its same
# form until it is acknowledged, and records every acknowledgement. Midway the primary's postmaster
# is killed with kill -9; later one web node is killed with kill -9. At the end the database is read:
# every acknowledged voter must have exactly one ballot.
#   Benchmarks/failover/failover.sh [MIZAN_BINARY] [SECONDS_BEFORE_EACH_KILL]
set -uo pipefail
cd "$(dirname "$0")/../.."
PROJECT=$(pwd)
MIZAN=$(realpath "${1:-.build/release/mizan}")
PHASE=${2:-20}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
W=$(mktemp -d /tmp/mizan-failover.XXXXXX); chmod 755 "$W"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ETCD_CLIENT=$(free_port); ETCD_PEER=$(free_port)
PG1=$(free_port); PG2=$(free_port); API1=$(free_port); API2=$(free_port)
WEB1=$(free_port); WEB2=$(free_port); NGINX=$(free_port)
AS_PG=(); [ "$(id -u)" -eq 0 ] && AS_PG=(runuser -u postgres --)
PIDS=()
cleanup() {
  # Patroni runs under runuser: its own process ids, found by this run's unique folder.
  for pid in $(pgrep -f "patroni $W/patroni" || true); do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  nginx -c "$W/nginx.conf" -s stop 2>/dev/null
  sleep 2
  for d in pg1 pg2; do [ -f "$W/$d/postmaster.pid" ] && (cd /tmp && "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$W/$d" -m immediate stop >/dev/null 2>&1); done
  for pid in "${PIDS[@]}" $(pgrep -f "patroni $W/patroni" || true); do kill -9 "$pid" 2>/dev/null; done
  [ "${KEEP:-0}" = 1 ] && echo "kept $W" || rm -rf "$W"
}
trap cleanup EXIT
say() { echo "failover: $*"; }

etcd --name e1 --data-dir "$W/etcd" --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT" \
  --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT" --listen-peer-urls "http://127.0.0.1:$ETCD_PEER" \
  --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER" --initial-cluster "e1=http://127.0.0.1:$ETCD_PEER" \
  > "$W/etcd.log" 2>&1 &
PIDS+=($!)

for n in 1 2; do
  port=$([ $n = 1 ] && echo $PG1 || echo $PG2); api=$([ $n = 1 ] && echo $API1 || echo $API2)
  mkdir -p "$W/sock$n"
  cat > "$W/patroni$n.yml" <<YAML
scope: mizan-failover
name: pg$n
restapi: {listen: "127.0.0.1:$api", connect_address: "127.0.0.1:$api"}
etcd3: {host: "127.0.0.1:$ETCD_CLIENT"}
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 1
    retry_timeout: 4
    maximum_lag_on_failover: 0
    # A commit, the moment a ballot is acknowledged, waits for the standby: a failover loses none.
    synchronous_mode: true
    postgresql:
      use_pg_rewind: false
      parameters: {wal_level: replica, hot_standby: "on", max_wal_senders: 10, max_replication_slots: 10, max_connections: 200}
  initdb: [{encoding: UTF8}, {locale: C.UTF-8}, {auth: trust}]
  pg_hba:
    - local all all trust
    - host all all 127.0.0.1/32 trust
    - host replication replicator 127.0.0.1/32 trust
postgresql:
  listen: "127.0.0.1:$port"
  connect_address: "127.0.0.1:$port"
  data_dir: "$W/pg$n"
  bin_dir: "$PGBIN"
  pgpass: "$W/pgpass$n"
  authentication:
    replication: {username: replicator, password: replicator}
    superuser: {username: postgres, password: postgres}
  parameters: {unix_socket_directories: "$W/sock$n"}
YAML
done
[ ${#AS_PG[@]} -gt 0 ] && chown -R postgres: "$W/sock1" "$W/sock2" "$W/patroni1.yml" "$W/patroni2.yml" && chown postgres: "$W"
(cd /tmp && "${AS_PG[@]}" patroni "$W/patroni1.yml" > "$W/patroni1.log" 2>&1) &
PIDS+=($!)
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$API1/primary" >/dev/null && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$API1/primary" >/dev/null || { tail -20 "$W/patroni1.log"; exit 1; }
(cd /tmp && "${AS_PG[@]}" patroni "$W/patroni2.yml" > "$W/patroni2.log" 2>&1) &
PIDS+=($!)
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$API2/sync" >/dev/null && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$API2/sync" >/dev/null || { tail -20 "$W/patroni2.log"; exit 1; }
say "Patroni: pg1 primary on $PG1, pg2 synchronous standby on $PG2"
patronictl -c "$W/patroni1.yml" list 2>/dev/null | sed 's/^/  /'

# Mizan's roles and schema on the primary, through the multi-host URL; the demo's voting cycle.
hosts="127.0.0.1:$PG1,127.0.0.1:$PG2"
url() { echo "postgresql://$1@$hosts/$2?target_session_attrs=read-write"; }
psql "$(url postgres postgres)" -X -q -c "CREATE DATABASE mizan" || exit 1
export MIZAN_SECRET=$(python3 -c "print('cd'*32)") XDG_CONFIG_HOME="$W/config"
unset MIZAN_HOME MIZAN_SECRET_FILE PGHOST PGPORT PGUSER PGDATABASE
DATABASE_URL=$(url postgres mizan) "$MIZAN" db roles --apply >/dev/null || exit 1
DATABASE_URL=$(url mizan_owner mizan) "$MIZAN" migrate >/dev/null || exit 1
start_web() {  # node port [--demo]
  DATABASE_URL=$(url mizan_app mizan) "$MIZAN" serve --port "$2" ${3:-} > "$W/web$1.log" 2>&1 &
  eval "WEB${1}_PID=$!"
  PIDS+=($!)
  for _ in $(seq 1 600); do grep -q "Server started and listening" "$W/web$1.log" && return 0; sleep 0.5; done
  tail -5 "$W/web$1.log"; exit 1
}
start_web 1 "$WEB1" --demo
start_web 2 "$WEB2"
cat > "$W/nginx.conf" <<NGINX
worker_processes 1;
pid $W/nginx.pid;
error_log $W/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $W/ngx-body; proxy_temp_path $W/ngx-proxy; fastcgi_temp_path $W/ngx-fcgi; uwsgi_temp_path $W/ngx-uwsgi; scgi_temp_path $W/ngx-scgi;
  upstream mizan { server 127.0.0.1:$WEB1 max_fails=1 fail_timeout=5s; server 127.0.0.1:$WEB2 max_fails=1 fail_timeout=5s; keepalive 32; }
  server {
    listen 127.0.0.1:$NGINX;
    location / {
      proxy_pass http://mizan;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      # A ballot sent again is recognised by its submission token, so a POST may go to the other node.
      proxy_next_upstream error timeout http_502 non_idempotent;
      proxy_connect_timeout 2s;
    }
  }
}
NGINX
nginx -c "$W/nginx.conf" || exit 1
say "two web nodes on $WEB1 and $WEB2 behind nginx on $NGINX; DATABASE_URL=$(url mizan_app mizan)"

# The load: new voters for the demo's open cycle 1, projects 1 and 2.
python3 Benchmarks/ballots/make-requests.py 1 1,2 400000 > "$W/requests.tsv"
/usr/bin/python3 Benchmarks/failover/failover-client.py "$W/requests.tsv" "127.0.0.1:$NGINX" "$W/acks" "$W/failures" "$W/stop" 16 &
CLIENT=$!
sleep "$PHASE"
PRIMARY_PATRONI=$(pgrep -f "patroni $W/patroni1.yml" | tail -1)
POSTMASTER=$(head -1 "$W/pg1/postmaster.pid")
KILL_PRIMARY=$(date +%s.%N)
kill -9 "$PRIMARY_PATRONI" "$POSTMASTER"
say "killed the primary (Patroni $PRIMARY_PATRONI and postmaster $POSTMASTER) with kill -9"
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$API2/primary" >/dev/null && break; sleep 0.25; done
PROMOTED=$(date +%s.%N)
say "pg2 is primary $(python3 -c "print(f'{$PROMOTED - $KILL_PRIMARY:.1f}')") s after the kill"
sleep "$PHASE"
KILL_WEB=$(date +%s.%N)
kill -9 "$WEB1_PID"
say "killed web node 1 (mizan $WEB1_PID) with kill -9"
sleep "$PHASE"
touch "$W/stop"; wait $CLIENT

# What the database holds, read on the new primary.
psql "$(url postgres mizan)" -X -At -c "SELECT encode(voter_key, 'hex') FROM participation WHERE cycle_id = 1" > "$W/stored"
psql "$(url postgres mizan)" -X -At -c "SELECT count(*) - count(DISTINCT voter_key) FROM participation WHERE cycle_id = 1" > "$W/duplicates"
psql "$(url postgres mizan)" -X -At -c "SELECT (SELECT count(*) FROM sealed_ballots s JOIN participation p USING (cycle_id, voter_key) WHERE p.cycle_id = 1), (SELECT count(*) FROM participation WHERE cycle_id = 1)" > "$W/sealed"
/usr/bin/python3 - "$W" "$KILL_PRIMARY" "$KILL_WEB" <<'PY'
import hashlib, hmac, os, sys
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
work, kill_primary, kill_web = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
registry = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"mizan registry v1").derive(bytes.fromhex(os.environ["MIZAN_SECRET"]))
acks = [(float(t), int(i)) for t, i in (line.split("\t") for line in open(f"{work}/acks"))]
indices = [i for _, i in acks]
stored = set(line.strip() for line in open(f"{work}/stored") if line.strip())
voter = lambda i: hmac.new(registry, f"cin:BM{i:06d}".encode(), hashlib.sha256).hexdigest()
lost = [i for i in indices if voter(i) not in stored]
twice = len(indices) - len(set(indices))
times = sorted(t for t, _ in acks)
def pause(event, until):
    """The longest pause between acknowledgements from the last one before `event` to `until`:
    (when acknowledgements resumed, counted from the event; how long the pause was)."""
    window = [t for t in times if t <= event][-1:] + [t for t in times if event < t <= until]
    if len(window) < 2: return float("nan"), float("nan")
    gap, end = max((b - a, b) for a, b in zip(window, window[1:]))
    return end - event, gap
failures = [line.split("\t") for line in open(f"{work}/failures")]
print(f"failover: acknowledged ballots {len(acks)}; stored for this cycle {len(stored)}")
print(f"failover: acknowledged but not stored (lost): {len(lost)}")
print(f"failover: acknowledged twice by the client: {twice}; voters stored twice: {open(f'{work}/duplicates').read().strip()}")
print(f"failover: sealed ballots / participation rows: {open(f'{work}/sealed').read().strip().replace('|', ' / ')}")
resumed, gap = pause(kill_primary, kill_web)
print(f"failover: primary killed: ballots acknowledged again {resumed:.2f} s after the kill (longest pause without one: {gap:.2f} s)")
resumed, gap = pause(kill_web, times[-1] if times else kill_web)
print(f"failover: web node killed: ballots acknowledged again {resumed:.2f} s after the kill (longest pause without one: {gap:.2f} s)")
kinds = {}
for t, _, what in failures: kinds[what.strip()] = kinds.get(what.strip(), 0) + 1
print(f"failover: failed tries, sent again: {sum(kinds.values())} {kinds}")
PY
