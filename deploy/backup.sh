#!/usr/bin/env bash
# Back up the site: the database (pg_dump's custom format) and MEDIA_ROOT (a tar of every uploaded image
# and rendition), into a new folder named after the time, under DESTINATION:
#   DATABASE_URL=postgres://... MEDIA_ROOT=/srv/bodylab/media deploy/backup.sh /var/backups/bodylab
# Prints the folder it wrote. Restore with deploy/restore.sh (README, "Backups"). The database is dumped
# first, then media: an image saved in between is only an extra file in the tar.
set -euo pipefail

destination=${1:?usage: deploy/backup.sh DESTINATION (with DATABASE_URL and MEDIA_ROOT set)}
: "${DATABASE_URL:?set DATABASE_URL (postgres://user:password@host:port/name)}"
: "${MEDIA_ROOT:?set MEDIA_ROOT (the folder of uploaded images)}"

backup="$destination/bodylab-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$backup.partial"
# One consistent snapshot of the database, taken while the site runs (pg_dump reads in one transaction).
# Owners and grants are left out, so that it restores into a database owned by any role.
pg_dump --format=custom --no-owner --no-privileges --file="$backup.partial/database.dump" --dbname="$DATABASE_URL"
tar --create --file="$backup.partial/media.tar" --directory="$MEDIA_ROOT" .
# Complete or absent: an interrupted backup leaves only a *.partial folder.
mv "$backup.partial" "$backup"
echo "$backup"
