# Brings what a fresh machine of this kind lacks. Sourced by scripts/start.sh and scripts/test.sh.
# Every step is idempotent and quiet when the thing is already there.

PNPM_VERSION=12.4.2
# The one Node.js pin (development, CI, images, Lambda): .node-version at the repository root.
NODE_VERSION=$(tr -d ' \n\r' <"$(dirname "${BASH_SOURCE[0]}")/../../.node-version")
# Where ensure_node puts a Node.js it installs (one folder per version, so a second run finds it).
NODE_INSTALL_ROOT=${NODE_INSTALL_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/photoreel}

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else log "need root for: $*"; return 1; fi; }

# node_is_usable <have> <want>: the same major line as the pin and not older than it (versions without the "v").
# Another major (older, or a newer line the Lambda runtime doesn't offer yet) gets the pinned version instead.
node_is_usable() {
  local have=$1 want=$2
  [ -n "$have" ] || return 1
  [ "${have%%.*}" = "${want%%.*}" ] || return 1
  [ "$(printf '%s\n%s\n' "$want" "$have" | sort -V | head -1)" = "$want" ]
}

# Puts the pinned Node.js first on PATH. The machine's own is used when node_is_usable says so; otherwise the
# build is taken from the npm registry (node-linux-<arch>@<version>: the official binary, checked by npm against
# the registry's integrity hash) into $NODE_INSTALL_ROOT, the only network this kind of machine has.
ensure_node() {
  local have dir arch tmp
  have=$(node -v 2>/dev/null | sed 's/^v//')
  if node_is_usable "$have" "$NODE_VERSION"; then return 0; fi
  dir=$NODE_INSTALL_ROOT/node-v$NODE_VERSION
  if [ "$("$dir/bin/node" -v 2>/dev/null)" != "v$NODE_VERSION" ]; then
    case "$(uname -m)" in x86_64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) log "no Node.js build for $(uname -m)"; return 1 ;; esac
    log "Node.js ${have:-(none)} is not $NODE_VERSION's line or is older: installing node-linux-$arch@$NODE_VERSION from the npm registry"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack "node-linux-$arch@$NODE_VERSION" --silent >/dev/null) || { rm -rf "$tmp"; log "could not fetch node-linux-$arch@$NODE_VERSION"; return 1; }
    rm -rf "$dir" && mkdir -p "$dir"
    tar xzf "$tmp"/node-linux-"$arch"-*.tgz --strip-components=1 -C "$dir" && rm -rf "$tmp"
    [ "$("$dir/bin/node" -v 2>/dev/null)" = "v$NODE_VERSION" ] || { log "the installed Node.js does not run"; return 1; }
  fi
  export PATH="$dir/bin:$PATH"
  hash -r
}

ensure_pnpm() {
  if ! command -v pnpm >/dev/null || [ "$(pnpm -v 2>/dev/null)" != "$PNPM_VERSION" ]; then
    log "installing pnpm $PNPM_VERSION"
    npm i -g "pnpm@$PNPM_VERSION" --silent >/dev/null 2>&1 || as_root npm i -g "pnpm@$PNPM_VERSION" --silent
  fi
}

APT_UPDATED=
ensure_apt() { # ensure_apt <command-to-check> <package>...
  local check=$1; shift
  command -v "$check" >/dev/null && return 0
  log "installing $* (apt)"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq >/dev/null; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_media_tools() {
  ensure_apt ffmpeg ffmpeg
  ensure_apt ffprobe ffmpeg
  ensure_apt heif-enc libheif-examples # the tests make real HEIC/AVIF files with it (the app decodes with libheif-js)
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || ensure_apt fc-list fonts-dejavu-core
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || { APT_UPDATED=${APT_UPDATED:-}; DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq fonts-dejavu-core >/dev/null; }
}

ensure_chromium() { ensure_apt chromium chromium; }

ensure_packages() {
  log "installing node packages (pnpm install --frozen-lockfile)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 pnpm install --frozen-lockfile --reporter=silent
}

# A PostgreSQL server for the tests: the machine's own if it answers, else start it, else a throwaway cluster.
ensure_postgres() {
  export TEST_DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return 0; fi
  if ls /etc/postgresql/*/main >/dev/null 2>&1; then
    log "starting the machine's PostgreSQL"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in $(seq 1 20); do pg_isready -q -h 127.0.0.1 -p 5432 && return 0; sleep 0.5; done
  fi
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$bin" ]; then
    ensure_apt psql postgresql
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
  local dir; dir=$(mktemp -d); chown postgres: "$dir" 2>/dev/null || true
  log "starting a throwaway PostgreSQL cluster on 127.0.0.1:55432 ($dir)"
  runuser -u postgres -- "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync >/dev/null
  runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-p 55432 -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:55432/postgres
}

ensure_moto() {
  if ! command -v moto_server >/dev/null; then
    log "moto_server is missing: the AWS adapter tests also run against moto. Trying pip install 'moto[server]'."
    pip install -q "$(grep '^moto' "$(dirname "${BASH_SOURCE[0]}")/../ci/python-tools.txt")" >/dev/null 2>&1 || log "could not install moto; the moto-backed tests will fail and say so"
  fi
}

# cfn-lint exactly as scripts/ci/python-tools.txt pins it: new releases add rules, and "no findings" must mean the
# same on every machine and in CI.
ensure_cfn_lint() {
  local want
  want=$(sed -n 's/^cfn-lint==//p' "$(dirname "${BASH_SOURCE[0]}")/../ci/python-tools.txt")
  [ "$(cfn-lint --version 2>/dev/null)" = "cfn-lint $want" ] && return 0
  pip install -q "cfn-lint==$want" >/dev/null 2>&1 || log "cfn-lint $want is missing and could not be installed"
}
