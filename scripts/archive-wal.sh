#!/bin/sh
# PostgreSQL's archive_command for Mizan (config/postgresql/mizan-archiving.conf):
#   archive_command = '/opt/mizan/scripts/archive-wal.sh %p %f /srv/backup/mizan/wal'
# Copies one finished WAL segment into the archive folder and returns 0 only once the copy is on
# disk. A segment already archived with the same bytes is accepted (PostgreSQL may retry after a
# crash); one with different bytes is refused, so an archive is never silently overwritten.
set -eu
source_path=$1 name=$2 archive=$3
target="$archive/$name"
if [ -f "$target" ]; then
  cmp -s "$source_path" "$target" && exit 0
  echo "archive-wal: $target exists with different contents; refusing to overwrite" >&2
  exit 1
fi
cp "$source_path" "$target.partial"
sync "$target.partial"
mv "$target.partial" "$target"
sync "$archive"
