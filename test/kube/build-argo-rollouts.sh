#!/usr/bin/env bash
# Builds the Argo Rollouts controller the tests can run against the test cluster, once per machine, cached:
# github.com/argoproj/argo-rollouts/cmd/rollouts-controller at the version test/kube/argo-rollouts/go.mod pins
# (go.sum pins every hash), compiled with the machine's Go through the Go module proxy; its CRDs
# (manifests/crds of the same module, go.sum-checked) copied beside it. Prints the version it built, or found.
# About 10 minutes on 2 cores from an empty build cache (567 s measured here), plus about a minute of downloads
# from an empty module cache.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
CACHE=${HOTFIX_CACHE:-$HOME/.cache/hotfix-deployer}
ROLLOUTS_VERSION=$(sed -n 's/^require github.com\/argoproj\/argo-rollouts v//p' "$here/argo-rollouts/go.mod")
W=${HOTFIX_ROLLOUTS_DIR:-$CACHE/argo-rollouts-$ROLLOUTS_VERSION}
LOG=$W/build.log
export GOMODCACHE=${GOMODCACHE_HOTFIX:-$CACHE/go/mod} GOFLAGS="-modcacherw -buildvcs=false" GOTOOLCHAIN=local
mkdir -p "$W/bin"
. "$here/progress.sh"

exec 9>"$W/.build.lock"
if ! flock -n 9; then
  echo "[build-argo-rollouts] another build-argo-rollouts.sh is running; waiting for it to finish"
  flock 9
fi
if [ -x "$W/bin/rollouts-controller" ] && [ -f "$W/crds/rollout-crd.yaml" ]; then
  echo "[build-argo-rollouts] cached: $("$W/bin/rollouts-controller" --version 2>/dev/null | head -1) in $W/bin"; exit 0
fi
command -v go >/dev/null || { echo "[build-argo-rollouts] Go is not installed: install Go 1.26 (https://go.dev/doc/install) and run again" >&2; exit 1; }

progress_plan "Argo Rollouts $ROLLOUTS_VERSION" "$W/progress" "fetching the Go modules:1" "compiling rollouts-controller:10"
: > "$LOG"
export GOCACHE=$W/gocache   # removed after the build
V=github.com/argoproj/argo-rollouts/utils/version
progress_step 1; run_logged "$LOG" bash -c "cd '$here/argo-rollouts' && go mod download"
src=$(cd "$here/argo-rollouts" && go list -m -f '{{.Dir}}' github.com/argoproj/argo-rollouts)
rm -rf "$W/crds" && mkdir -p "$W/crds"
cp "$src"/manifests/crds/*-crd.yaml "$W/crds/"   # not kustomization.yaml: only the five CRDs
chmod u+w "$W"/crds/*.yaml
progress_step 2; run_logged "$LOG" bash -c "cd '$here/argo-rollouts' && CGO_ENABLED=0 go build -trimpath -ldflags '-s -w -X $V.version=$ROLLOUTS_VERSION' -o '$W/bin/.rollouts-controller.tmp' github.com/argoproj/argo-rollouts/cmd/rollouts-controller && mv '$W/bin/.rollouts-controller.tmp' '$W/bin/rollouts-controller'"
rm -rf "$GOCACHE"
progress_done "$("$W/bin/rollouts-controller" --version 2>/dev/null | head -1) and $(ls "$W/crds" | wc -l) CRDs in $W"
