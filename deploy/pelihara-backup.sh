#!/usr/bin/env bash
# One dated backup of a Pelihara installation on SQLite, then the removal of backups older than
# the retention. Run by deploy/systemd/pelihara-backup.service; installed as
# /usr/local/bin/pelihara-backup (docs/deploy.md).
#
#   PELIHARA_DATA              the data folder (as for `pelihara serve`)
#   PELIHARA_BACKUP_DIR        where dated backup folders are written
#   PELIHARA_BACKUP_KEEP_DAYS  backups older than this many days are removed (default 14)
#   PELIHARA_BIN               the pelihara binary (default: pelihara on PATH)
set -euo pipefail

data=${PELIHARA_DATA:?PELIHARA_DATA is not set}
dir=${PELIHARA_BACKUP_DIR:?PELIHARA_BACKUP_DIR is not set}
keep_days=${PELIHARA_BACKUP_KEEP_DAYS:-14}
bin=${PELIHARA_BIN:-pelihara}
[[ $keep_days =~ ^[0-9]+$ && $keep_days -ge 1 ]] ||
    { echo "PELIHARA_BACKUP_KEEP_DAYS must be a whole number of days, at least 1" >&2; exit 2; }

mkdir -p "$dir"
# A backup that fails half-way leaves a folder without manifest.json: restore refuses it, and it
# is written under a .partial name so that it is never mistaken for a good one.
name=$(date +%Y-%m-%dT%H%M%S)
"$bin" backup --data "$data" --to "$dir/$name.partial"
mv "$dir/$name.partial" "$dir/$name"
echo "backup written: $dir/$name"

# Only folders this script named (a date and time), never anything else in the folder; the
# backup just written is never among them.
find "$dir" -mindepth 1 -maxdepth 1 -type d \
    -regextype posix-extended -regex '.*/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{6}(\.partial)?' \
    -mtime "+$((keep_days - 1))" ! -name "$name" -print -exec rm -rf {} +
