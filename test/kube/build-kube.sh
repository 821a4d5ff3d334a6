#!/usr/bin/env bash
# Builds a real Kubernetes control plane for the tests, offline: kube-apiserver, kube-controller-manager
# and kube-scheduler v1.20.2 from Debian bookworm's `kubernetes` source package (Go dependencies
# vendored), compiled with Debian's Go 1.19; etcd from Debian. Once per machine, cached (~10 min, ~250 MB).
# The deb-src entries are derived from the machine's own Debian sources: no other host is named.
set -euo pipefail
CACHE=${HOTFIX_CACHE:-$HOME/.cache/hotfix-deployer}
W=${KUBE_CACHE:-$CACHE/kube-1.20.2}
OUT=$W/bin
log() { echo "[build-kube] $*"; }
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo

# One build at a time: a second run (another test run, another terminal) waits, then finds the cache.
mkdir -p "$W"
exec 9>"$W/.build.lock"
if ! flock -n 9; then
  log "another build-kube.sh is running; waiting for it to finish"
  flock 9
fi

need=()
[ -x /usr/lib/go-1.19/bin/go ] || need+=(golang-1.19-go)
command -v etcd >/dev/null || need+=(etcd-server)
command -v rsync >/dev/null || need+=(rsync)
[ -d /usr/share/gocode/src/github.com/modern-go/reflect2 ] || need+=(golang-github-modern-go-reflect2-dev)
command -v openssl >/dev/null || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  log "installing Debian packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ -x "$OUT/kube-apiserver" ] && [ -x "$OUT/kube-controller-manager" ] && [ -x "$OUT/kube-scheduler" ]; then
  log "cached: $OUT"; exit 0
fi

t0=$(date +%s)
log "building Kubernetes v1.20.2 from Debian's source package once (7-10 minutes on 2 cores)"
rm -rf "$W/src"
mkdir -p "$W/apt/parts" "$W/apt/lists/partial" "$W/apt/cache" "$W/src" "$OUT" "$W/home"
src_list=""
for f in /etc/apt/sources.list.d/*.sources; do [ -f "$f" ] && src_list="$f" && break; done
if [ -n "$src_list" ]; then
  sed 's/^Types: deb$/Types: deb-src/' "$src_list" > "$W/apt/parts/debian-src.sources"
else
  grep -h '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' > "$W/apt/parts/debian-src.list"
fi
cat > "$W/apt/apt.conf" <<C
Dir::Etc::SourceList "/dev/null";
Dir::Etc::SourceParts "$W/apt/parts";
Dir::State::Lists "$W/apt/lists";
Dir::Cache "$W/apt/cache";
C
export APT_CONFIG=$W/apt/apt.conf
apt-get update -qq
cd "$W/src"
apt-get source --download-only -qq kubernetes=1.20.5+really1.20.2-1.1+deb12u1 2>/dev/null
tar xzf kubernetes_1.20.5+really1.20.2.orig.tar.gz
cd kubernetes-1.20.2
# Go >= 1.18 crashes with the vendored reflect2 v1.0.1 (fatal error: fault in mapiterinit) on the
# first custom-resource write: use Debian's reflect2 1.0.2 instead.
V=vendor/github.com/modern-go/reflect2
rm -f $V/*.go $V/*.s
cp /usr/share/gocode/src/github.com/modern-go/reflect2/*.go /usr/share/gocode/src/github.com/modern-go/reflect2/*.s $V/
export PATH=/usr/lib/go-1.19/bin:$PATH KUBE_GIT_VERSION=v1.20.2 KUBE_GIT_TREE_STATE=clean HOME=$W/home GOFLAGS=-mod=vendor
make WHAT="cmd/kube-apiserver cmd/kube-controller-manager cmd/kube-scheduler" > "$W/build.log" 2>&1 || { tail -40 "$W/build.log"; exit 1; }
for b in kube-apiserver kube-controller-manager kube-scheduler; do   # atomic: readers never see half a binary
  cp "_output/bin/$b" "$OUT/.$b.tmp" && mv "$OUT/.$b.tmp" "$OUT/$b"
done
cd "$W" && rm -rf src home/.cache   # the 2 GB _output and Go's build cache
log "built in $(( $(date +%s) - t0 ))s: $OUT"
