#!/usr/bin/env bash
# A base backup of the local PostgreSQL cluster into $BACKUP_ROOT/base/YYYYmmddTHHMMSSZ, verified
# with pg_verifybackup, then the oldest backups beyond $KEEP removed and the WAL archive
# ($BACKUP_ROOT/wal, filled by archive-wal.sh) pruned to what the oldest kept backup needs.
# Run as the postgres user (config/systemd/mizan-basebackup.service runs it nightly).
#   BACKUP_ROOT=/srv/backup/mizan KEEP=7 scripts/base-backup.sh
set -euo pipefail
BACKUP_ROOT=${BACKUP_ROOT:-/srv/backup/mizan}
KEEP=${KEEP:-7}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
target="$BACKUP_ROOT/base/$stamp"
mkdir -p "$BACKUP_ROOT/base" "$BACKUP_ROOT/wal"
# -X none: the WAL that makes the copy consistent comes from the archive, as does all WAL after it;
# a fast checkpoint starts the copy at once.
"$PGBIN/pg_basebackup" -D "$target.partial" -Fp -X none --checkpoint=fast --manifest-checksums=SHA256 \
  --label="mizan $stamp" ${PGHOST:+-h "$PGHOST"} ${PGPORT:+-p "$PGPORT"}
"$PGBIN/pg_verifybackup" -n "$target.partial"
mv "$target.partial" "$target"
echo "base backup $target: $(du -sh "$target" | cut -f1)"
# Keep the newest $KEEP backups; the WAL archive back to the oldest of them.
ls -1d "$BACKUP_ROOT"/base/*Z | sort | head -n -"$KEEP" | xargs -r rm -rf
oldest=$(ls -1d "$BACKUP_ROOT"/base/*Z | sort | head -1)
first_wal=$(sed -n 's/^START WAL LOCATION: .* (file \([0-9A-F]*\))$/\1/p' "$oldest/backup_label")
[ -n "$first_wal" ] && "$PGBIN/pg_archivecleanup" "$BACKUP_ROOT/wal" "$first_wal"
echo "kept $(ls -1d "$BACKUP_ROOT"/base/*Z | wc -l) base backup(s); WAL archive from $first_wal"
