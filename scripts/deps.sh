#!/bin/sh
# Installs the Debian packages Asurif needs, only those missing.
#   scripts/deps.sh          what building and running needs
#   scripts/deps.sh --test   plus what the tests need
#   scripts/deps.sh --bench  plus what the benchmarks need
set -eu

BUILD_PKGS="build-essential pkg-config libsqlite3-dev libstemmer-dev libutf8proc-dev libjansson-dev
libxml2-dev libzip-dev libpoppler-glib-dev libpcre2-dev libcmark-dev libsodium-dev libmicrohttpd-dev
libpango1.0-dev libcairo2-dev libfontconfig-dev libqrencode-dev libxlsxwriter-dev libcurl4-openssl-dev fonts-noto-core"
TEST_PKGS="libcmocka-dev sqlite3 jq curl zip unzip poppler-utils qpdf chromium nodejs
libreoffice-writer-nogui libreoffice-calc-nogui"
BENCH_PKGS="sqlite3 wrk jq curl"

want="$BUILD_PKGS"
case "${1:-}" in
--test) want="$want $TEST_PKGS" ;;
--bench) want="$want $TEST_PKGS $BENCH_PKGS" ;;
"") ;;
*) echo "usage: scripts/deps.sh [--test|--bench]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "Installing:$missing"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || true
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
