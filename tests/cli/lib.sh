# Shared by the command-line tests: a fresh workspace and small assertions.
# Each test script sources this, calls the assertions, and ends with `finish`.
set -u
ASURIF=${ASURIF:?}
WORK=${WORK:-$(mktemp -d)}
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1
export ASURIF_WORKSPACE="$WORK/ws"
unset XDG_DATA_HOME
n_pass=0
n_fail=0
n=0

asurif() { "$ASURIF" "$@"; }

pass() {
	n=$((n + 1))
	n_pass=$((n_pass + 1))
	echo "ok $n - $1"
}

fail() {
	n=$((n + 1))
	n_fail=$((n_fail + 1))
	echo "not ok $n - $1"
	[ -f out ] && { echo "  stdout:"; sed 's/^/    /' out | head -n 20; }
	[ -f err ] && { echo "  stderr:"; sed 's/^/    /' err | head -n 20; }
	return 0
}

# expect_ok DESC CMD... : the command succeeds (stdout in ./out, stderr in ./err)
expect_ok() {
	d=$1
	shift
	if "$@" >out 2>err; then pass "$d"; else fail "$d (exit $?)"; fi
}

# expect_fail CODE DESC CMD... : the command exits with CODE
expect_fail() {
	code=$1
	d=$2
	shift 2
	"$@" >out 2>err
	rc=$?
	if [ "$rc" -eq "$code" ]; then pass "$d"; else fail "$d (exit $rc, wanted $code)"; fi
}

# check DESC SHELL-CONDITION : evaluates the condition
check() {
	d=$1
	shift
	if eval "$*"; then pass "$d"; else fail "$d: $*"; fi
}

# jq_check DESC FILTER FILE : the jq filter is true for the JSON in FILE
jq_check() {
	if jq -e "$2" "$3" >/dev/null 2>&1; then pass "$1"; else
		fail "$1: jq '$2'"
		head -c 600 "$3"
		echo
	fi
}

finish() {
	echo "# passed $n_pass failed $n_fail"
	[ "$n_fail" -eq 0 ]
	exit $?
}

# ---- the web app ----

# web_start OFFSET LOG [NAME=VALUE...] : starts `asurif serve` (with the environment given) on a
# free loopback port from 20000 + (pid + OFFSET) % 20000, its output in LOG.out and LOG.err, and
# waits until it answers. Sets web_base (the address) and web_pid; the EXIT trap stops it (a
# script with more to stop sets its own trap after this).
web_start() {
	web_port=$((20000 + ($$ + $1) % 20000))
	web_log=$2
	shift 2
	while curl -s -o /dev/null "http://127.0.0.1:$web_port/" 2>/dev/null; do web_port=$((web_port + 1)); done
	web_base="http://127.0.0.1:$web_port"
	env "$@" "$ASURIF" serve --listen "127.0.0.1:$web_port" >"$web_log.out" 2>"$web_log.err" &
	web_pid=$!
	trap 'kill $web_pid 2>/dev/null; wait $web_pid 2>/dev/null' EXIT
	web_wait=0
	until curl -sf "$web_base/healthz" >/dev/null 2>&1 || [ $web_wait -ge 100 ]; do
		sleep 0.1
		web_wait=$((web_wait + 1))
	done
}

# csrf_of FILE : the first form's CSRF token in a saved page
csrf_of() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$1" | head -n 1; }

# signin JAR LOGIN PASSWORD : signs in on web_base, the session in the cookie jar JAR; prints the
# HTTP status (303 when it worked)
signin() {
	curl -s -c "$1" -b "$1" -o signin.html "$web_base/signin"
	curl -s -c "$1" -b "$1" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$(csrf_of signin.html)" \
		--data-urlencode "login=$2" --data-urlencode "password=$3" "$web_base/signin"
}
