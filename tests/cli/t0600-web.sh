#!/bin/sh
# The web server over real HTTP: sign-in, sessions, roles, CSRF, limits, headers.
. "$(dirname "$0")/lib.sh" 2>/dev/null || . "$SRCDIR/tests/cli/lib.sh"

asurif init "$WORK/ws" >/dev/null
printf 'correct horse battery\n' | asurif user add admin --role admin --name "Amina" >/dev/null
printf 'viewer password 1\n' | asurif user add reader --role viewer >/dev/null
printf 'member password 1\n' | asurif user add member --role member >/dev/null

# A free port on the loopback address.
port=$(( 20000 + $$ % 20000 ))
while curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; do port=$((port + 1)); done
base="http://127.0.0.1:$port"
"$ASURIF" serve --listen "127.0.0.1:$port" --max-upload 2 >server.out 2>server.err &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT
i=0
until curl -sf "$base/healthz" >/dev/null 2>&1 || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
check "the server answers" 'curl -sf "$base/healthz" | grep -q ok'
check "it says where it runs" 'grep -q "running at http://127.0.0.1:$port/" server.out'
check "no one-time code once an administrator exists" '! grep -q "one-time code" server.out'

# csrf_of FILE: the CSRF token in a page
csrf_of() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$1" | head -n 1; }
# signin JAR LOGIN PASSWORD: signs in, keeping cookies in JAR; prints the HTTP status
signin() {
	curl -s -c "$1" -b "$1" -o signin.html "$base/signin"
	t=$(csrf_of signin.html)
	curl -s -c "$1" -b "$1" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$t" \
		--data-urlencode "login=$2" --data-urlencode "password=$3" "$base/signin"
}

check "anonymous visitors are sent to the sign-in page" '[ "$(curl -s -o /dev/null -w "%{http_code} %{redirect_url}" "$base/")" = "303 $base/signin" ]'
curl -s -D headers.txt -o signin.html "$base/signin"
check "security headers: CSP without inline script" 'grep -qi "^content-security-policy: default-src .self.; script-src .self.;" headers.txt'
check "security headers: nosniff" 'grep -qi "^x-content-type-options: nosniff" headers.txt'
check "security headers: no framing" 'grep -qi "^x-frame-options: deny" headers.txt'
check "security headers: referrer policy" 'grep -qi "^referrer-policy:" headers.txt'
check "the page is Arabic and right-to-left by default" 'grep -q "<html lang=\"ar\" dir=\"rtl\">" signin.html'
check "no inline script in the page" '! grep -q "<script>" signin.html && ! grep -qi " on[a-z]*=" signin.html'
check "the form carries a CSRF token" '[ -n "$(csrf_of signin.html)" ]'

check "a wrong password is refused" '[ "$(signin jar0 admin wrong-password)" = 401 ]'
check "the right one opens a session" '[ "$(signin jar admin "correct horse battery")" = 303 ]'
check "the session cookie is HttpOnly and SameSite=Strict" 'grep -q "#HttpOnly_127.0.0.1.*asurif_session" jar'
curl -s -D h2.txt -o /dev/null --data-urlencode "csrf=x" --data-urlencode "login=admin" --data-urlencode "password=correct horse battery" -b jar0 -c jar0 "$base/signin"
curl -s -c jar3 -b jar3 -o s3.html "$base/signin"
curl -s -D h3.txt -o /dev/null -c jar3 -b jar3 --data-urlencode "csrf=$(csrf_of s3.html)" --data-urlencode "login=admin" --data-urlencode "password=correct horse battery" "$base/signin"
check "Set-Cookie flags" 'grep -i "^set-cookie: asurif_session=" h3.txt | grep -qi "httponly" && grep -i "^set-cookie: asurif_session=" h3.txt | grep -qi "samesite=strict"'
check "signed in, the home page opens" '[ "$(curl -s -b jar -o home.html -w "%{http_code}" "$base/")" = 200 ]'

# CSRF: a state-changing request without the token is refused, even with the session cookie.
check "a cross-site POST without the token is refused" '[ "$(curl -s -b jar -o /dev/null -w "%{http_code}" -d "lang=fr" "$base/language")" = 403 ]'
check "a POST with a wrong token is refused" '[ "$(curl -s -b jar -o /dev/null -w "%{http_code}" -d "lang=fr&csrf=nope" "$base/language")" = 403 ]'
t=$(csrf_of home.html)
check "with the token it is accepted" '[ "$(curl -s -b jar -c jar -o /dev/null -w "%{http_code}" --data-urlencode "csrf=$t" -d "lang=fr&back=/" "$base/language")" = 303 ]'
check "and the page is now French, left-to-right" 'curl -s -b jar "$base/" | grep -q "<html lang=\"fr\" dir=\"ltr\">"'

# Throttling: five wrong passwords for one account, then even the right one waits.
for k in 1 2 3 4 5; do signin jt member "wrong $k" >/dev/null; done
check "after five failures the account is throttled" '[ "$(signin jt member "member password 1")" = 429 ]'
check "the activity log has the failures" '[ "$(sqlite3 ws/asurif.db "SELECT count(*) FROM audit WHERE action = '"'"'signin-failed'"'"' AND target = '"'"'member'"'"'")" -ge 5 ]'

# Sign out invalidates the session on the server, not only in the browser.
cp jar jar.copy
t=$(csrf_of home.html)
curl -s -b jar -c jar -o /dev/null --data-urlencode "csrf=$(curl -s -b jar "$base/" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)" "$base/signout"
check "after signing out, the old cookie opens nothing" '[ "$(curl -s -b jar.copy -o /dev/null -w "%{http_code}" "$base/")" = 303 ]'

# Limits
long=$(head -c 70000 /dev/zero | tr '\0' a)
check "a huge URL is refused" 'code=$(curl -s -o /dev/null -w "%{http_code}" "$base/$long"); [ "$code" -ge 400 ] && [ "$code" -lt 500 ]'
check "an unknown page is 404 with a readable page" '[ "$(curl -s -o nf.html -w "%{http_code}" "$base/static/nothing")" = 404 ] && grep -q "<h1>" nf.html'
check "a wrong method is 405" '[ "$(curl -s -o /dev/null -w "%{http_code}" -X DELETE "$base/signin")" = 405 ]'
check "a body over the form limit is 413" '[ "$(head -c 100000 /dev/zero | tr "\0" a | curl -s -o /dev/null -w "%{http_code}" --data-binary @- -H "Content-Type: application/x-www-form-urlencoded" "$base/signin")" = 413 ]'
check "static files are cached with their hash" 'curl -sI "$base/static/app.css?v=1" | grep -qi "cache-control: public, max-age=31536000"'
check "the stylesheet is served" 'curl -s "$base/static/app.css" | grep -q "margin-inline"'

# A search index made by another version is pointed out on the search page.
sqlite3 ws/asurif.db "UPDATE meta SET value = '0' WHERE key = 'analyser_version'"
signin jar9 admin "correct horse battery" >/dev/null
check "the search page says the index needs rebuilding" 'curl -s -b jar9 "$base/search?q=test" | grep -q "asurif reindex"'
asurif reindex >/dev/null
check "and no longer once rebuilt" '! curl -s -b jar9 "$base/search?q=test" | grep -q "asurif reindex"'

# Graceful shutdown
kill -TERM $server
wait $server
rc=$?
check "SIGTERM stops the server cleanly" '[ $rc -eq 0 ] && grep -q "stopped" server.out'
trap - EXIT
check "the database is sound afterwards" 'asurif check >/dev/null'
finish
