#!/usr/bin/env bash
# Builds the test control plane once per machine, cached: kube-apiserver, kube-controller-manager and
# kube-scheduler of Kubernetes v1.37.2, compiled with the machine's Go from the k8s.io/kubernetes module
# through the Go module proxy (the build module test/kube/k8s pins every staging k8s.io/* module to v0.37.2,
# go.sum pins every hash); etcd 3.6 from the go.etcd.io/etcd modules (test/kube/etcd: Debian's etcd 3.4 is
# too old for this apiserver's watch cache); the standard-channel Gateway API CRDs from
# sigs.k8s.io/gateway-api (test/kube/gateway-api), read from the module cache.
#
# One line per step on the terminal, "building the local cluster: step N of M, about K minutes left"; the
# compiler's output goes to $W/build.log. The same line is kept in $W/progress, for whoever waits on it
# (npm run try shows it in the editor). About 17 minutes on 2 cores from an empty cache; nothing once cached.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
CACHE=${HOTFIX_CACHE:-$HOME/.cache/hotfix-deployer}
KUBE_VERSION=1.37.2
W=${KUBE_CACHE:-$CACHE/kube-$KUBE_VERSION}
OUT=$W/bin
LOG=$W/build.log
export GOMODCACHE=${GOMODCACHE_HOTFIX:-$CACHE/go/mod} GOFLAGS="-modcacherw -buildvcs=false" GOTOOLCHAIN=local
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
mkdir -p "$W" "$OUT"
. "$here/progress.sh"

# One build at a time: a second run (another test run, another terminal) waits, then finds the cache.
exec 9>"$W/.build.lock"
if ! flock -n 9; then
  echo "[build-kube] another build-kube.sh is running; waiting for it to finish"
  flock 9
fi

built() { [ -x "$OUT/kube-apiserver" ] && [ -x "$OUT/kube-controller-manager" ] && [ -x "$OUT/kube-scheduler" ] && [ -x "$OUT/etcd" ] \
  && [ -f "$W/gateway-api/gateway.networking.k8s.io_httproutes.yaml" ]; }
if built; then
  echo "[build-kube] cached: Kubernetes v$KUBE_VERSION, $("$OUT/etcd" --version | head -1), in $OUT"
  rm -f "$W/progress"; exit 0
fi
command -v go >/dev/null || { echo "[build-kube] Go is not installed: install Go 1.26 (https://go.dev/doc/install) and run again" >&2; exit 1; }

# The steps and their minutes on 2 cores from an empty cache (measured here; a faster machine takes less).
progress_plan "the local cluster" "$W/progress" \
  "fetching the Go modules:1" "compiling etcd:2" "compiling kube-apiserver:10" \
  "compiling kube-controller-manager:3" "compiling kube-scheduler:1"
: > "$LOG"
export GOCACHE=$W/gocache   # removed after the build: 2 GB of objects nobody reads again

if ! command -v openssl >/dev/null; then   # the cluster makes its certificates with it
  $SUDO apt-get update -qq >>"$LOG" 2>&1
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends openssl >>"$LOG" 2>&1
fi

# Atomic: readers never see half a binary.
build() { # OUTPUT MODULE_DIR PACKAGE [LDFLAGS]
  local out=$1 dir=$2 pkg=$3 ldflags=${4:-}
  (cd "$here/$dir" && go build -trimpath -ldflags "-s -w $ldflags" -o "$OUT/.$out.tmp" "$pkg") && mv "$OUT/.$out.tmp" "$OUT/$out"
}
V=k8s.io/component-base/version
KLD="-X $V.gitVersion=v$KUBE_VERSION -X $V.gitMajor=${KUBE_VERSION%%.*} -X $V.gitMinor=$(echo "$KUBE_VERSION" | cut -d. -f2) -X $V.gitTreeState=clean"

progress_step 1
run_logged "$LOG" bash -c "cd '$here/k8s' && go mod download && cd '$here/etcd' && go mod download && cd '$here/gateway-api' && go mod download"
gw=$(cd "$here/gateway-api" && go list -m -f '{{.Dir}}' sigs.k8s.io/gateway-api)
rm -rf "$W/gateway-api" && mkdir -p "$W/gateway-api"
cp "$gw"/config/crd/standard/gateway.networking.k8s.io_*.yaml "$W/gateway-api/"
progress_step 2
[ -x "$OUT/etcd" ] || run_logged "$LOG" build etcd etcd hotfix-deployer.test/etcd
progress_step 3
run_logged "$LOG" build kube-apiserver k8s k8s.io/kubernetes/cmd/kube-apiserver "$KLD"
progress_step 4
run_logged "$LOG" build kube-controller-manager k8s k8s.io/kubernetes/cmd/kube-controller-manager "$KLD"
progress_step 5
run_logged "$LOG" build kube-scheduler k8s k8s.io/kubernetes/cmd/kube-scheduler "$KLD"
rm -rf "$GOCACHE"
progress_done "$("$OUT/kube-apiserver" --version), $("$OUT/etcd" --version | head -1), Gateway API $(basename "$gw" | sed 's/.*@//') CRDs in $W"
