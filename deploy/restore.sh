#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into a NEW, EMPTY database and an empty MEDIA_ROOT:
#   createdb --owner=bodylab bodylab_restored        # as a PostgreSQL superuser, or CREATE DATABASE
#   DATABASE_URL=postgres://.../bodylab_restored MEDIA_ROOT=/srv/bodylab/media-restored \
#     deploy/restore.sh /var/backups/bodylab/bodylab-20261130T020000Z
# Then point the site at them (DATABASE_URL, MEDIA_ROOT) and restart gunicorn. Run it with the site's
# environment (SECRET_KEY, REDIS_URL, ...): it empties the cache last, so that no page rendered from the
# data before the restore is served. PY names the site's Python (default: the checkout's .venv).
set -euo pipefail

backup=${1:?usage: deploy/restore.sh BACKUP_FOLDER (with DATABASE_URL and MEDIA_ROOT set)}
: "${DATABASE_URL:?set DATABASE_URL to the new, empty database}"
: "${MEDIA_ROOT:?set MEDIA_ROOT to the new, empty media folder}"
checkout=$(cd "$(dirname "$0")/.." && pwd)
PY=${PY:-$checkout/.venv/bin/python}

# All or nothing: any error stops it and leaves the database empty.
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$DATABASE_URL" \
  "$backup/database.dump"
mkdir -p "$MEDIA_ROOT"
tar --extract --file="$backup/media.tar" --directory="$MEDIA_ROOT"
(cd "$checkout" && "$PY" manage.py clear_cache)
echo "Restored $backup into the database of DATABASE_URL and $MEDIA_ROOT."
