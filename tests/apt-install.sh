#!/usr/bin/env bash
# Install Debian packages, one install at a time: `make test` starts its runs side by side, and on a fresh
# machine each may find its server missing; two apt-gets at once fail on apt's lock.
#   tests/apt-install.sh redis-server
set -euo pipefail
exec 9>/tmp/bodylab-apt-install.lock
flock 9
missing=()
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
