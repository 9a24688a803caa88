# Shared environment for the .ci commands. Source it: `. "$(dirname "$0")/env.sh"`.
# It sets the repository root, PATH (Go and the Go tools, which the Jupyter
# kernel inherits), Go settings, the GoMLX backend, and small logging helpers.

ELM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export ELM_ROOT

export PATH=/usr/local/go/bin:$HOME/go/bin:$PATH:/usr/sbin:/sbin
export GOTOOLCHAIN=local
export GOFLAGS=${GOFLAGS:--buildvcs=false}
# The pure-Go backend with the sequential executor (the parallel one deadlocks on 2 cores)
# and no kernel worker goroutines: elmlib/internal/gomlxfix.DefaultBackendConfig.
export GOMLX_BACKEND=${GOMLX_BACKEND:-go:ops_sequential,parallelism=0}
export DEBIAN_FRONTEND=noninteractive

# ci_step NAME: prints a timestamped step header.
ci_step() {
	printf '\n== %s [%s]\n' "$1" "$(date -u +%H:%M:%S)"
}

# ci_die MESSAGE: prints MESSAGE on stderr and exits 1.
ci_die() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}

# ci_elapsed START: prints seconds since START (a value of $SECONDS).
ci_elapsed() {
	echo "$((SECONDS - $1))s"
}
