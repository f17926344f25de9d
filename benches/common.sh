# What the load scripts under benches/ share: errors, installing what is
# missing, building the release binary and the load program, free ports, the
# load average. Sourced, not run.

die() {
  echo "error: $*" >&2
  exit 1
}

# install_missing PACKAGE...: installs them with apt-get when running as root,
# else says how.
install_missing() {
  [ $# -eq 0 ] && return
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "== installing $*"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    die "missing $*: install them (Debian: sudo apt-get install -y $*)"
  fi
}

build() {
  echo "== building oncall (release) and the load program"
  cargo build --release --locked --quiet --bin oncall
  cargo bench --locked --quiet --no-run --bench hub_load 2>/dev/null ||
    cargo bench --locked --no-run --bench hub_load
}

load_program() { cargo bench --locked --quiet --bench hub_load -- "$@"; }

load() { cut -d' ' -f1-3 /proc/loadavg; }

# A port nothing listens on now (for servers that must be told one).
free_port() {
  local p
  for p in $(shuf -i 20000-60000 -n 100); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  die "no free port found on 127.0.0.1"
}
