#!/usr/bin/env bash
# Builds the Argo Rollouts controller the tests can run against the test cluster, once per machine, cached:
# github.com/argoproj/argo-rollouts/cmd/rollouts-controller at the version test/kube/argo-rollouts/go.mod pins
# (go.sum pins every hash), compiled with the machine's Go through the Go module proxy; its CRDs
# (manifests/crds of the same module, go.sum-checked) copied beside it, and the kubectl plugin's Go sources of the
# verbs the product mirrors (pkg/kubectl-argo-rollouts/cmd/{promote,abort,retry,pause,restart,undo,set}, tests left
# out) in plugin-source/<verb>/, which test/integration/argo-rollouts-patches.test.ts compares the product's
# patches with. Prints the version it built, or found; a cached build missing only plugin-source/ gets it copied
# from the module cache without recompiling.
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
built() { [ -x "$W/bin/rollouts-controller" ] && [ -f "$W/crds/rollout-crd.yaml" ]; }
PLUGIN_VERBS=(promote abort retry pause restart undo set)
# The plugin's verbs from the module source dir SRC (a go.sum-checked download), copied whole or not at all.
copy_plugin_source() { # SRC
  local verb f tmp="$W/.plugin-source.tmp"
  rm -rf "$tmp" && mkdir -p "$tmp"
  for verb in "${PLUGIN_VERBS[@]}"; do
    mkdir -p "$tmp/$verb"
    for f in "$1/pkg/kubectl-argo-rollouts/cmd/$verb"/*.go; do
      case "$f" in *_test.go) ;; *) cp "$f" "$tmp/$verb/" ;; esac
    done
  done
  chmod -R u+w "$tmp"
  [ -f "$tmp/promote/promote.go" ] || { echo "[build-argo-rollouts] promote.go not found under $1/pkg/kubectl-argo-rollouts/cmd" >&2; exit 1; }
  rm -rf "$W/plugin-source" && mv "$tmp" "$W/plugin-source"
}
module_source() {
  (cd "$here/argo-rollouts" && go list -m -f '{{.Dir}}' github.com/argoproj/argo-rollouts)
}
if built && [ -f "$W/plugin-source/promote/promote.go" ]; then
  echo "[build-argo-rollouts] cached: $("$W/bin/rollouts-controller" --version 2>/dev/null | head -1) in $W/bin"; exit 0
fi
command -v go >/dev/null || { echo "[build-argo-rollouts] Go is not installed: install Go 1.26 (https://go.dev/doc/install) and run again" >&2; exit 1; }
if built; then
  # Only the plugin's source is missing (a build from before it was kept): the module alone, no compiling.
  (cd "$here/argo-rollouts" && go mod download github.com/argoproj/argo-rollouts) >>"$LOG" 2>&1 || { echo "[build-argo-rollouts] go mod download github.com/argoproj/argo-rollouts failed: read $LOG" >&2; exit 1; }
  copy_plugin_source "$(module_source)"
  echo "[build-argo-rollouts] cached: $("$W/bin/rollouts-controller" --version 2>/dev/null | head -1) in $W/bin; copied the plugin's source to $W/plugin-source"; exit 0
fi

progress_plan "Argo Rollouts $ROLLOUTS_VERSION" "$W/progress" "fetching the Go modules:1" "compiling rollouts-controller:10"
: > "$LOG"
export GOCACHE=$W/gocache   # removed after the build
V=github.com/argoproj/argo-rollouts/utils/version
progress_step 1; run_logged "$LOG" bash -c "cd '$here/argo-rollouts' && go mod download"
src=$(module_source)
rm -rf "$W/crds" && mkdir -p "$W/crds"
cp "$src"/manifests/crds/*-crd.yaml "$W/crds/"   # not kustomization.yaml: only the five CRDs
chmod u+w "$W"/crds/*.yaml
copy_plugin_source "$src"
progress_step 2; run_logged "$LOG" bash -c "cd '$here/argo-rollouts' && CGO_ENABLED=0 go build -trimpath -ldflags '-s -w -X $V.version=$ROLLOUTS_VERSION' -o '$W/bin/.rollouts-controller.tmp' github.com/argoproj/argo-rollouts/cmd/rollouts-controller && mv '$W/bin/.rollouts-controller.tmp' '$W/bin/rollouts-controller'"
rm -rf "$GOCACHE"
progress_done "$("$W/bin/rollouts-controller" --version 2>/dev/null | head -1), $(ls "$W/crds" | wc -l) CRDs and the plugin's source in $W"
