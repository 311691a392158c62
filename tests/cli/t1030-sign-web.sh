#!/bin/sh
# Signing online over real HTTP: the throttle per address, the QR code of the signing page,
# and a kill -9 of the server while people sign: every confirmed signature is kept.
. "$(dirname "$0")/lib.sh" 2>/dev/null || . "$SRCDIR/tests/cli/lib.sh"

asurif init "$WORK/ws" >/dev/null
printf 'member password 1\n' | asurif user add member --role member >/dev/null
commune=$(asurif territory "Béni Mellal" --level commune --json | jq -r '.territories[0].code')
campaign=$(asurif campaign new --title "Marché hebdomadaire" --goal "L'organiser" --level commune --json | jq .id)
pid=$(asurif petition new --campaign "$campaign" --rule ma/commune --territory "$commune" --json | jq .id)
sqlite3 ws/asurif.db "UPDATE petitions SET signing_open = 1 WHERE id = $pid"
key=$(sqlite3 ws/asurif.db "SELECT public_key FROM petitions WHERE id = $pid")
check "a petition open for signing" '[ -n "$key" ] && [ "$commune" != null ]'

# start_server PORTVAR [ENV...]: a server on a free loopback port; sets $base and $server
start_server() {
	port=$((20000 + ($$ + $1) % 20000))
	while curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; do port=$((port + 1)); done
	base="http://127.0.0.1:$port"
	shift
	env "$@" "$ASURIF" serve --listen "127.0.0.1:$port" >server.out 2>>server.err &
	server=$!
	i=0
	until curl -sf "$base/healthz" >/dev/null 2>&1 || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
}
start_server 0 ASURIF_SIGN_LIMIT=
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT

csrf_of() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$1" | head -n 1; }
curl -s -c jar -b jar -o page.html "$base/p/$key"
csrf=$(csrf_of page.html)
# sign N: one signature with ID number XY<N>; prints the HTTP status (the page in sign-N.html)
sign() {
	curl -s -c jar -b jar -o "sign-$1.html" -w '%{http_code}' --data-urlencode "csrf=$csrf" -d consent=yes \
		-d first_name=Amina -d last_name=Alaoui -d "cin=XY$1" --data-urlencode "address=Rue 5, Hay Al Amal" \
		-d "commune=$commune" "$base/p/$key"
}
check "the signing page opens without an account" '[ "$(curl -s -o /dev/null -w "%{http_code}" "$base/p/$key")" = 200 ]'
check "an unknown key is 404" '[ "$(curl -s -o /dev/null -w "%{http_code}" "$base/p/nothing-here")" = 404 ]'
check "a signature without the CSRF token is refused" '[ "$(curl -s -o /dev/null -w "%{http_code}" -d consent=yes -d cin=XY9 "$base/p/$key")" = 403 ]'
codes=""
for k in 1 2 3 4 5; do codes="$codes $(sign $k)"; done
check "five signatures from one address are taken" '[ "$codes" = " 200 200 200 200 200" ]'
check "each with a withdrawal code" '[ "$(grep -l "id=\"withdrawal-code\">[0-9A-Z]\{4\}-[0-9A-Z]\{4\}-[0-9A-Z]\{4\}<" sign-[1-5].html | wc -l)" -eq 5 ]'
check "the sixth within ten minutes is 429" '[ "$(sign 6)" = 429 ]'
check "with a clear message and when to come back" 'grep -q "error-summary" sign-6.html && curl -s -D h6.txt -o /dev/null -c jar -b jar --data-urlencode "csrf=$csrf" -d consent=yes "$base/p/$key" && grep -qi "^retry-after: [0-9]" h6.txt'
check "and nothing stored for it" '[ "$(asurif petition show $pid --json | jq .signatures.total)" = 5 ]'
check "the withdrawal codes are kept as keyed hashes only" '[ "$(sqlite3 ws/asurif.db "SELECT count(*) FROM signatures WHERE length(withdrawal_hash) = 64")" = 5 ] && ! grep -q "$(sed -n "s/.*id=\"withdrawal-code\">\([^<]*\)<.*/\1/p" sign-1.html)" ws/asurif.db'
check "no ID number or name in the server's log" '! grep -q "XY[0-9]\|Amina\|Alaoui" server.err server.out'

# The QR code, for a member with an API key.
curl -s -c mjar -b mjar -o signin.html "$base/signin"
curl -s -c mjar -b mjar -o /dev/null --data-urlencode "csrf=$(csrf_of signin.html)" -d login=member \
	--data-urlencode "password=member password 1" "$base/signin"
curl -s -b mjar -o settings.html "$base/settings"
curl -s -b mjar -c mjar -o tok.html --data-urlencode "csrf=$(csrf_of settings.html)" -d name=flyers "$base/settings/tokens"
apikey=$(grep -o 'asr_[A-Za-z0-9_=-]*' tok.html | head -n 1)
check "a member's API key" '[ -n "$apikey" ]'
check "no QR code for nobody" '[ "$(curl -s -o /dev/null -w "%{http_code}" "$base/petitions/$pid/qr.svg")" = 303 ]'
check "the QR code as SVG" '[ "$(curl -s -H "Authorization: Bearer $apikey" -D qh.txt -o qr.svg -w "%{http_code}" "$base/petitions/$pid/qr.svg")" = 200 ] && grep -qi "^content-type: image/svg+xml" qh.txt && grep -q "<svg" qr.svg && grep -q "<title>" qr.svg && grep -q "<path" qr.svg'
check "the QR code as PNG" '[ "$(curl -s -H "Authorization: Bearer $apikey" -D qh.txt -o qr.png -w "%{http_code}" "$base/petitions/$pid/qr.png")" = 200 ] && grep -qi "^content-type: image/png" qh.txt && [ "$(head -c 8 qr.png | od -An -tx1 | tr -d " \n")" = 89504e470d0a1a0a ]'
check "of a petition that exists only" '[ "$(curl -s -H "Authorization: Bearer $apikey" -o /dev/null -w "%{http_code}" "$base/petitions/999/qr.png")" = 404 ]'
kill "$server"
wait "$server" 2>/dev/null

# kill -9 while people sign: a response with the confirmation means the row is committed.
start_server 7 ASURIF_SIGN_LIMIT=100000
curl -s -c jar -b jar -o page.html "$base/p/$key"
csrf=$(csrf_of page.html)
k=100
while [ $k -lt 400 ]; do
	(sign $k >"status-$k" 2>/dev/null) &
	k=$((k + 1))
	[ $((k % 20)) -eq 0 ] && sleep 0.05
	[ $k -eq 250 ] && kill -9 "$server"
done
wait
confirmed=$(grep -l 'id="withdrawal-code"' sign-[1-3][0-9][0-9].html 2>/dev/null | sed 's/sign-\([0-9]*\)\.html/\1/')
nconf=$(echo "$confirmed" | grep -c .)
check "some signatures were confirmed before the kill ($nconf)" '[ "$nconf" -gt 0 ]'
asurif petition export "$pid" --format csv -o all.csv >/dev/null 2>&1
missing=0
for k in $confirmed; do grep -q ",XY$k," all.csv || missing=$((missing + 1)); done
check "every confirmed signature is in the database after kill -9" '[ "$missing" -eq 0 ]'
check "the database is sound" '[ "$(sqlite3 ws/asurif.db "PRAGMA integrity_check")" = ok ]'
rm -f all.csv
finish
