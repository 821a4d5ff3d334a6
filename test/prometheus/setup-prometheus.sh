#!/usr/bin/env bash
# Installs a real Prometheus for the metric-gate tests: Debian's `prometheus` package, which brings `promtool`.
# Idempotent: exits at once if both are on PATH. Non-interactive; needs root (as in CI) or sudo.
# Nothing is started here: the tests start Prometheus themselves (test/prometheus/prometheus.mjs) and stop it by
# pid. With no systemd, the package's postinst starts nothing; even if it did, the tests would not use it.
#
#   bash test/prometheus/setup-prometheus.sh
set -euo pipefail

if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
  echo "[prometheus] already installed: $(command -v prometheus) ($(prometheus --version 2>&1 | head -n 1))"
  exit 0
fi

started=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo -E)
  else
    echo "[prometheus] not root and no sudo: install Debian's 'prometheus' package yourself" >&2
    exit 1
  fi
fi

apt_install() {
  "${sudo_cmd[@]}" apt-get install -y --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold prometheus
}

echo "[prometheus] installing Debian's prometheus package (apt-get install -y --no-install-recommends prometheus)"
if ! apt_install; then
  echo "[prometheus] install failed: running apt-get update, then retrying"
  "${sudo_cmd[@]}" apt-get update
  apt_install
fi

for tool in prometheus promtool; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "[prometheus] $tool is still not on PATH after the install" >&2
    exit 1
  fi
done
echo "[prometheus] installed $(prometheus --version 2>&1 | head -n 1) in $(( $(date +%s) - started ))s"
