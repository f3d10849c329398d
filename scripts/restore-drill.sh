#!/usr/bin/env bash
# Restore drill: proves that a base backup plus the archived WAL bring back every published result.
#
# On a small database of its own it does what a commune's backups do and what a restore after a
# lost server does, then checks the restored copy as an auditor would:
#   1. a primary cluster with continuous WAL archiving (archive_command, as config/postgresql/
#      mizan-archiving.conf sets it), Mizan's roles and migrations, the demo's published cycle;
#   2. a base backup with pg_basebackup (-X none: the WAL comes from the archive, as in production),
#      verified with pg_verifybackup;
#   3. after the backup, a second cycle run to published results (only the archived WAL holds it);
#   4. what the public knows before the loss: each published scope's pb_sha256 and the audit head;
#   5. the primary destroyed; the backup restored into a fresh folder, the archive replayed to its end;
#   6. on the restored database: `mizan audit verify --expect-head N:HASH`, and for every published
#      cycle an export checked with `mizan verify --expect-pb-sha256` for each of its scopes.
# Exit 0 and "restore drill: PASS" only if every check passes.
#
#   scripts/restore-drill.sh [--mizan PATH] [--keep] [--lose-last-wal]
# --lose-last-wal deletes the newest archived WAL segment before restoring, as a broken archive
# would: the drill must then FAIL (what it published after the backup is gone).
# The mizan binary defaults to .build/debug/mizan (built by `swift build`). As root, PostgreSQL runs as
# the postgres user (created if missing), as the tests do. Ports are chosen free at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
PROJECT=$(pwd)
MIZAN="$PROJECT/.build/debug/mizan"
KEEP=0
LOSE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --mizan) MIZAN=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2 ;;
    --keep) KEEP=1; shift ;;
    --lose-last-wal) LOSE=1; shift ;;
    *) echo "usage: $0 [--mizan PATH] [--keep] [--lose-last-wal]" >&2; exit 1 ;;
  esac
done
[ -x "$MIZAN" ] || { echo "restore drill: no mizan binary at $MIZAN (run swift build first)" >&2; exit 1; }

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$PGBIN/pg_basebackup" ] || { echo "restore drill: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
AS_PG=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin postgres
  AS_PG=(runuser -u postgres --)
fi
pg() { (cd /tmp && "${AS_PG[@]}" "$@"); }

WORK=$(mktemp -d /tmp/mizan-restore-drill.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK"/{primary,restored,archive,base,sock,export,config}
chmod 700 "$WORK"/{primary,restored,base,config}
[ ${#AS_PG[@]} -gt 0 ] && chown postgres: "$WORK"/{primary,restored,archive,base,sock}
PRIMARY_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
RESTORED_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SERVE_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

SERVER=""
cleanup() {
  [ -n "$SERVER" ] && kill -INT "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
  for data in primary restored; do
    [ -f "$WORK/$data/postmaster.pid" ] && pg "$PGBIN/pg_ctl" -D "$WORK/$data" -m immediate -w stop >/dev/null 2>&1 || true
  done
  if [ "$KEEP" -eq 0 ]; then rm -rf "$WORK"; else echo "kept $WORK"; fi
}
trap cleanup EXIT
step() { echo "restore drill: $*"; }
fail() { echo "restore drill: FAIL: $*" >&2; exit 1; }

# The secret, as a deployment keeps it: apart from the database and its backups.
export MIZAN_SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(32))')
export XDG_CONFIG_HOME="$WORK/config" MIZAN_SQL_DIR="$PROJECT/sql"
unset MIZAN_SECRET_FILE MIZAN_HOME PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD PGSERVICE || true
url() { echo "postgresql://$1@%2F${WORK//\//%2F}%2Fsock:$2/mizan"; }
psql_at() { pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$WORK/sock" -p "$1" -U postgres -d mizan -At -c "$2"; }

step "1. primary cluster with WAL archiving into $WORK/archive"
pg "$PGBIN/initdb" -D "$WORK/primary" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
cat >> "$WORK/primary/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$WORK/sock'
port = $PRIMARY_PORT
wal_level = replica
archive_mode = on
archive_command = '$PROJECT/scripts/archive-wal.sh %p %f $WORK/archive'
archive_timeout = 60
EOF
pg "$PGBIN/pg_ctl" -D "$WORK/primary" -l "$WORK/primary/server.log" -w start >/dev/null
pg "$PGBIN/createdb" -h "$WORK/sock" -p "$PRIMARY_PORT" -U postgres mizan
DATABASE_URL=$(url postgres "$PRIMARY_PORT") "$MIZAN" db roles --apply >/dev/null
DATABASE_URL=$(url mizan_owner "$PRIMARY_PORT") "$MIZAN" migrate >/dev/null
# The demo's Oujda cycle: 3,200 ballots, tallied and published.
DATABASE_URL=$(url mizan_app "$PRIMARY_PORT") "$MIZAN" serve --demo --port "$SERVE_PORT" > "$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 600); do grep -q "Server started and listening" "$WORK/serve.log" && break; kill -0 $SERVER 2>/dev/null || break; sleep 1; done
grep -q "Server started and listening" "$WORK/serve.log" || { cat "$WORK/serve.log"; fail "mizan serve --demo did not start"; }
kill -INT $SERVER; wait $SERVER || true; SERVER=""

step "2. base backup (pg_basebackup, WAL from the archive), verified"
pg "$PGBIN/pg_basebackup" -h "$WORK/sock" -p "$PRIMARY_PORT" -U postgres -D "$WORK/base/full" -Fp -X none --checkpoint=fast \
  --manifest-checksums=SHA256 --label="restore drill"
pg "$PGBIN/pg_verifybackup" -n "$WORK/base/full" >/dev/null || fail "pg_verifybackup found the backup damaged"
step "   $(du -sh "$WORK/base/full" | cut -f1) backup, $(ls "$WORK/archive" | wc -l) WAL file(s) archived so far"

step "3. after the backup: a second cycle, from creation to published results"
export DATABASE_URL=$(url mizan_app "$PRIMARY_PORT")
"$MIZAN" cycle create --commune 02.113.01.09 --year 2027 --budget 1000000 --ballot approval --max 2 --rule mes --json > "$WORK/cycle.json"
CYCLE=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$WORK/cycle.json")
"$MIZAN" cycle advance "$CYCLE" >/dev/null
for p in "Éclairage public, rue 12:200000" "Terrain de proximité:300000" "Bibliothèque de quartier:600000"; do
  "$MIZAN" proposal add --cycle "$CYCLE" --title "${p%%:*}" --category "Voirie" --cost "${p##*:}" >/dev/null
done
"$MIZAN" cycle advance "$CYCLE" >/dev/null
for id in $("$MIZAN" proposal list --cycle "$CYCLE" --json | python3 -c 'import json,sys; print(" ".join(str(p["id"]) for p in json.load(sys.stdin)))'); do
  "$MIZAN" proposal accept "$id" --cost 250000 >/dev/null
done
{ echo "national_id,birth_date"; for i in $(seq 10 29); do echo "RD1000$i,1980-01-$i"; done; } > "$WORK/voters.csv"
"$MIZAN" registry import --cycle "$CYCLE" "$WORK/voters.csv" >/dev/null 2>&1
"$MIZAN" cycle advance "$CYCLE" >/dev/null
PROJECTS=($("$MIZAN" proposal list --cycle "$CYCLE" --json | python3 -c 'import json,sys; print(" ".join(str(p["id"]) for p in json.load(sys.stdin)))'))
{ echo "voter,choices"; i=0; for v in $(seq 10 29); do echo "RD1000$v,${PROJECTS[$((i % 3))]} ${PROJECTS[$(((i + 1) % 3))]}"; i=$((i + 1)); done; } > "$WORK/paper.csv"
"$MIZAN" ballots enter-paper --cycle "$CYCLE" "$WORK/paper.csv" >/dev/null
"$MIZAN" cycle advance "$CYCLE" >/dev/null
"$MIZAN" tally --cycle "$CYCLE" >/dev/null
"$MIZAN" publish --cycle "$CYCLE" >/dev/null

step "4. what was published before the loss"
psql_at "$PRIMARY_PORT" "SELECT cycle_id || ' ' || pb_sha256 FROM tallies WHERE published_at IS NOT NULL ORDER BY cycle_id, id" > "$WORK/published.txt"
HEAD=$("$MIZAN" audit verify | grep -oE '[0-9]+:[0-9a-f]{64}' | head -1)
[ -n "$HEAD" ] || fail "no audit head on the primary"
CYCLES=$(cut -d' ' -f1 "$WORK/published.txt" | sort -u | tr '\n' ' ')
[ "$(echo $CYCLES | wc -w)" -ge 2 ] || fail "expected two published cycles, found: $CYCLES"
step "   published cycles: $CYCLES; audit head $HEAD"
# The last segment is archived now, as archive_timeout would within a minute.
SEGMENT=$(psql_at "$PRIMARY_PORT" "SELECT pg_walfile_name(pg_switch_wal())")
for _ in $(seq 1 600); do [ -f "$WORK/archive/$SEGMENT" ] && break; sleep 0.2; done
[ -f "$WORK/archive/$SEGMENT" ] || fail "WAL segment $SEGMENT was never archived"
if [ "$LOSE" -eq 1 ]; then
  step "   (losing the archived segment $SEGMENT, as a broken archive would)"
  rm -f "$WORK/archive/$SEGMENT"
fi

step "5. the primary is lost; restoring the base backup into a fresh cluster and replaying the archive"
pg "$PGBIN/pg_ctl" -D "$WORK/primary" -m immediate -w stop >/dev/null
rm -rf "$WORK/primary"
START=$(date +%s.%N)
pg cp -a "$WORK/base/full/." "$WORK/restored/"
rm -f "$WORK/restored/backup_manifest"
cat >> "$WORK/restored/postgresql.conf" <<EOF
port = $RESTORED_PORT
archive_mode = off
restore_command = 'cp $WORK/archive/%f %p'
recovery_target_timeline = 'latest'
EOF
pg touch "$WORK/restored/recovery.signal"
pg "$PGBIN/pg_ctl" -D "$WORK/restored" -l "$WORK/restored/server.log" -w -t 600 start >/dev/null
for _ in $(seq 1 3000); do [ "$(psql_at "$RESTORED_PORT" "SELECT pg_is_in_recovery()" 2>/dev/null)" = "f" ] && break; sleep 0.2; done
[ "$(psql_at "$RESTORED_PORT" "SELECT pg_is_in_recovery()")" = "f" ] || fail "the restored cluster never left recovery"
END=$(date +%s.%N)
step "   restored and promoted in $(python3 -c "print(f'{$END - $START:.1f}')") s ($(grep -c 'restored log file' "$WORK/restored/server.log") WAL file(s) replayed)"

step "6. checks on the restored database"
export DATABASE_URL=$(url mizan_app "$RESTORED_PORT")
"$MIZAN" audit verify --expect-head "$HEAD" || fail "the audit log does not contain the published head $HEAD"
for cycle in $CYCLES; do
  "$MIZAN" export --cycle "$cycle" --format pb --out "$WORK/export/$cycle" >/dev/null
  expected=()
  for hash in $(grep "^$cycle " "$WORK/published.txt" | cut -d' ' -f2); do expected+=(--expect-pb-sha256 "$hash"); done
  (cd "$WORK" && env -u DATABASE_URL "$MIZAN" verify "$WORK/export/$cycle" "${expected[@]}") | tail -1 | grep -qx MATCH \
    || fail "cycle $cycle: the restored ballots do not give the published pb_sha256 and outcome"
  step "   cycle $cycle: ballots files are the published ones ($(grep -c "^$cycle " "$WORK/published.txt") scope(s)), outcome recomputed: MATCH"
done
step "PASS"
