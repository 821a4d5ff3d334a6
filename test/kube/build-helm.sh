#!/usr/bin/env bash
# Builds the Helm CLI the tests install real charts with, once per machine, cached: helm.sh/helm/v4 at the
# version test/kube/helm/go.mod pins (go.sum pins every hash), compiled with the machine's Go through the
# Go module proxy. Prints the version it built, or found. About 4 minutes on 2 cores from an empty cache.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
CACHE=${HOTFIX_CACHE:-$HOME/.cache/hotfix-deployer}
HELM_VERSION=$(sed -n 's/^require helm.sh\/helm\/v4 v//p' "$here/helm/go.mod")
W=${HOTFIX_HELM_DIR:-$CACHE/helm-$HELM_VERSION}
LOG=$W/build.log
export GOMODCACHE=${GOMODCACHE_HOTFIX:-$CACHE/go/mod} GOFLAGS="-modcacherw -buildvcs=false" GOTOOLCHAIN=local
mkdir -p "$W/bin"
. "$here/progress.sh"

exec 9>"$W/.build.lock"
if ! flock -n 9; then
  echo "[build-helm] another build-helm.sh is running; waiting for it to finish"
  flock 9
fi
if [ -x "$W/bin/helm" ]; then
  echo "[build-helm] cached: helm $("$W/bin/helm" version --short) in $W/bin"; exit 0
fi
command -v go >/dev/null || { echo "[build-helm] Go is not installed: install Go 1.26 (https://go.dev/doc/install) and run again" >&2; exit 1; }

progress_plan "Helm $HELM_VERSION" "$W/progress" "fetching the Go modules:1" "compiling helm:4"
: > "$LOG"
export GOCACHE=$W/gocache
V=helm.sh/helm/v4/internal/version
progress_step 1; run_logged "$LOG" bash -c "cd '$here/helm' && go mod download"
progress_step 2; run_logged "$LOG" bash -c "cd '$here/helm' && go build -trimpath -ldflags '-s -w -X $V.version=v$HELM_VERSION -X $V.gitTreeState=clean' -o '$W/bin/.helm.tmp' helm.sh/helm/v4/cmd/helm && mv '$W/bin/.helm.tmp' '$W/bin/helm'"
rm -rf "$GOCACHE"
progress_done "helm $("$W/bin/helm" version --short) in $W/bin"
