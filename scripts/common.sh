# Shared by scripts/demo.sh and scripts/test.sh: installs what is missing, builds.
# shellcheck shell=bash
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian 12 packages the build, the tests and the throwaway server need.
BLOGDB_PACKAGES=(gcc make cmake pkg-config libpq-dev uuid-dev libpg-query-dev libprotobuf-c-dev
                 libcriterion-dev postgresql postgresql-client clang libclang-rt-14-dev g++ doxygen
                 abigail-tools groff-base libsodium-dev openssl curl python3 pgbouncer)

# install_missing [PACKAGE...]: those (default: BLOGDB_PACKAGES) that are not installed yet.
install_missing() {
  local missing=() p
  local want=("$@")
  [ ${#want[@]} -gt 0 ] || want=("${BLOGDB_PACKAGES[@]}")
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "== installing: ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  # Installing the server must not start Debian's own cluster: ours runs in the build tree.
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# configure DIR [cmake args...]
configure() {
  local dir=$1; shift
  cmake -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBLOGDB_REGENERATE=ON "$@" >/dev/null
}

# build DIR [target]
build() {
  cmake --build "$1" -j"$(nproc)" ${2:+--target "$2"}
}
