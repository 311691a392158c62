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
