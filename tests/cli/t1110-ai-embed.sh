#!/bin/sh
# Passage vectors for meaning-based search, against the test model service (tests/ai/server.mjs):
# embedding the demo documents, re-embedding when the model changes, new documents embedded
# as they are added, a model service that is down (adding still works, the backlog catches up
# later), and a run killed midway that keeps whole batches and resumes.
. "$SRCDIR/tests/cli/lib.sh"

srv=""
# start_model [ARGS...]: the test model service on a free port; sets $url and $srv
start_model() {
	rm -f model.port
	node "$SRCDIR/tests/ai/server.mjs" --dim 96 --models embed2 "$@" >model.port 2>model.err &
	srv=$!
	i=0
	while [ ! -s model.port ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	url="http://127.0.0.1:$(head -n 1 model.port)/v1"
}
stop_model() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null && wait "$srv" 2>/dev/null
	srv=""
}
trap 'stop_model' EXIT

# vectors MODEL: how many vectors of MODEL are stored; passages: how many passages
DB="$WORK/ws/asurif.db"
vectors() { sqlite3 "$DB" "SELECT count(*) FROM passage_vectors WHERE model = '$1'"; }
passages() { sqlite3 "$DB" "SELECT count(*) FROM passages"; }

asurif init "$WORK/ws" >/dev/null
expect_ok "demo documents added without a model" asurif add "$SRCDIR"/data/demo/0*
check "no word about vectors when no model is set up" '! grep -qi "embed" out err'
expect_fail 1 "ai embed without a model fails" asurif ai embed
check "it says plainly that no embedding model is set up" 'grep -q "no embedding model is set up" err'
expect_fail 1 "the same in JSON" asurif ai embed --json
jq_check "JSON: configured false" '.configured == false' out

start_model
expect_ok "embedding model set" asurif ai config --base-url "$url" --embed-model embed
expect_ok "ai embed" asurif ai embed --json
P=$(passages)
jq_check "every passage embedded in batches" ".embedded == $P and .backlog == $P and .vectors == $P and .passages == $P and .dim == 96 and .requests >= 1" out
check "vectors stored = passages ($P)" '[ "$(vectors embed)" -eq "$P" ] && [ "$P" -gt 20 ]'
check "stored as signed bytes of the vector size" '[ "$(sqlite3 "$DB" "SELECT count(*) FROM passage_vectors WHERE length(vec) = 96 AND dim = 96 AND scale > 0")" -eq "$P" ]'
expect_ok "ai embed again" asurif ai embed
check "nothing left to embed" 'grep -q "Nothing to embed" out && grep -q "$P of $P passages have a vector" out'

expect_ok "another embedding model" asurif ai config --embed-model embed2
expect_ok "ai embed with the new model" asurif ai embed --json
jq_check "old vectors dropped, all embedded again" ".model == \"embed2\" and .dropped == $P and .embedded == $P and .vectors == $P" out
check "only the new model's vectors remain" '[ "$(vectors embed)" -eq 0 ] && [ "$(vectors embed2)" -eq "$P" ]'

printf '# Budget participatif\n\nLa commune consulte les associations sur son budget participatif.\n\n# Suivi\n\nUn comité suit les projets votés.\n' >new.md
expect_ok "adding a document" asurif add new.md
check "its passages are embedded at once" 'grep -q "embedded   2 passages" out && [ "$(vectors embed2)" -eq "$(passages)" ]'
expect_ok "adding in JSON" asurif add --json "$SRCDIR/data/demo/05-rapport-litteratie-numerique-ia.txt"
jq_check "JSON output unchanged (a duplicate)" '.duplicates == 1' out

# the upload page embeds what it takes in, too
printf 'member password 1\n' | asurif user add member --role member >/dev/null
port=$((20000 + ($$ + 11) % 20000))
while curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; do port=$((port + 1)); done
base="http://127.0.0.1:$port"
"$ASURIF" serve --listen "127.0.0.1:$port" >server.out 2>server.err &
web=$!
trap 'stop_model; kill $web 2>/dev/null; wait $web 2>/dev/null' EXIT
i=0
until curl -sf "$base/healthz" >/dev/null 2>&1 || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
csrf_of() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$1" | head -n 1; }
curl -s -c jar -b jar -o signin.html "$base/signin"
curl -s -c jar -b jar -o /dev/null --data-urlencode "csrf=$(csrf_of signin.html)" --data-urlencode "login=member" \
	--data-urlencode "password=member password 1" "$base/signin"
curl -s -b jar -c jar -o up.html "$base/upload"
printf '# Transport scolaire\n\nLa commune organise le transport scolaire des élèves du monde rural.\n' >web.md
check "an upload through the web page" '[ "$(curl -s -b jar -c jar -H "Accept: application/json" -o up.json -w "%{http_code}" -F "csrf=$(csrf_of up.html)" -F "files=@web.md" "$base/upload")" = 200 ]'
jq_check "its passage is embedded at once" '.added == 1 and .vectors.embedded == 1 and .vectors.waiting == 0' up.json
check "every passage has its vector" '[ "$(vectors embed2)" -eq "$(passages)" ]'
kill $web 2>/dev/null
wait $web 2>/dev/null

stop_model
printf '# Eau potable\n\nLa coopérative demande un raccordement au réseau d eau potable.\n' >down.md
start=$(date +%s)
expect_ok "adding works while the model service is down" asurif add down.md
took=$(($(date +%s) - start))
check "and is not slowed ($took s)" '[ "$took" -le 3 ]'
check "it says so in one line, naming the way to catch up" 'grep -q "added" out && [ "$(wc -l <err)" -eq 1 ] && grep -q "asurif ai embed" err'
check "the new passage waits in the backlog" '[ "$(vectors embed2)" -eq $(($(passages) - 1)) ]'
expect_fail 1 "ai embed while the service is down fails" asurif ai embed
check "with the service's failure and what to do" 'grep -q "reach the model service" err && grep -q "run asurif ai embed again" err'

start_model
expect_ok "the service is back (new address)" asurif ai config --base-url "$url"
expect_ok "the backlog catches up" asurif ai embed --json
jq_check "only the waiting passage was embedded" ".embedded == 1 and .backlog == 1 and .vectors == .passages" out

expect_ok "removing a document" asurif rm 1
check "its vectors go with it" '[ "$(vectors embed2)" -eq "$(passages)" ]'

# a long run killed midway keeps whole batches and resumes: the "slow" model answers in 400 ms
# (a workspace of 300 short passages, so that every batch holds 64)
stop_model
start_model --slow-ms 400
export ASURIF_WORKSPACE="$WORK/ws2"
DB="$WORK/ws2/asurif.db"
asurif init "$WORK/ws2" >/dev/null
i=1
while [ $i -le 300 ]; do printf '# Section %d\n\nParagraphe %d sur la gestion des marchés publics de la commune numéro %d.\n\n' $i $i $i; i=$((i + 1)); done >long.md
expect_ok "a long document added" asurif add long.md
expect_ok "slow model set" asurif ai config --base-url "$url" --embed-model slow
total=$(passages)
"$ASURIF" ai embed >run.out 2>run.err &
run=$!
i=0 # killed once the first batches are in (each takes 400 ms)
while [ "$(vectors slow)" -lt 128 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
kill -9 $run 2>/dev/null
wait $run 2>/dev/null
kept=$(vectors slow)
check "killed midway: some batches kept ($kept of $total)" '[ "$kept" -gt 0 ] && [ "$kept" -lt "$total" ]'
check "whole batches of 64 (the passages are short)" '[ $((kept % 64)) -eq 0 ]'
expect_ok "the next run resumes" asurif ai embed --json
jq_check "only the rest is embedded" ".backlog == $((total - kept)) and .embedded == $((total - kept)) and .vectors == $total and .dropped == 0" out
check "the database is sound" 'asurif check >/dev/null 2>&1'

finish
