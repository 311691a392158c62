#!/bin/sh
# The language model's settings and status, against a real OpenAI-compatible server on
# loopback (tests/ai/server.mjs): each failure said plainly, exit codes, the key never shown
# or stored; the administrators' settings page.
. "$(dirname "$0")/lib.sh" 2>/dev/null || . "$SRCDIR/tests/cli/lib.sh"

KEY="sk-t1100-$(date +%s)-secret"
unset ASURIF_AI_KEY
asurif init "$WORK/ws" >/dev/null

node "$SRCDIR/tests/ai/server.mjs" --key "$KEY" --log "$WORK/requests.jsonl" --dim 48 >port.txt 2>server-ai.err &
ai_server=$!
web_server=
trap 'kill $ai_server 2>/dev/null; [ -n "$web_server" ] && kill $web_server 2>/dev/null; wait 2>/dev/null' EXIT
i=0
until [ -s port.txt ] || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
aiport=$(head -n 1 port.txt)
check "the test model service started" '[ -n "$aiport" ]'
url="http://127.0.0.1:$aiport"

# Nothing set up
expect_fail 1 "status with nothing set up fails" asurif ai status
check "and says nothing is set up, and that the rest works" 'grep -q "Nothing is set up yet" out && grep -q "works without a model" out'
expect_ok "config with nothing set up" asurif ai config --json
jq_check "empty settings, no key" '.base_url == "" and .chat_model == "" and .key == "none"' out
expect_fail 2 "no option takes the key" asurif ai config --key "$KEY"
check "says where the key goes" 'grep -q "ASURIF_AI_KEY" err && grep -q "keys/ai.key" err'
expect_fail 2 "nor --api-key" asurif ai config --api-key="$KEY"
expect_ok "every sub-command has help" asurif ai status --help
check "the status help" 'grep -q "usage: asurif ai status" out'
expect_ok "ai --help lists the sub-commands" asurif ai --help
check "config and status" 'grep -q "asurif ai config" out && grep -q "asurif ai status" out'

# Settings
expect_fail 2 "a base URL that is not http is refused" asurif ai config --base-url "ftp://127.0.0.1/v1"
check "naming the field" 'grep -q "base URL" err'
expect_fail 2 "a base URL holding a password is refused" asurif ai config --base-url "http://me:$KEY@127.0.0.1:$aiport/v1"
check "nothing was stored" '[ -z "$(sqlite3 ws/asurif.db "SELECT value FROM meta WHERE key LIKE '"'"'ai.%'"'"'")" ]'
expect_ok "set the service and the models" asurif ai config --base-url "$url" --chat-model chat --embed-model embed
check "/v1 added to an address without a path" 'grep -q "base URL: *$url/v1$" out'
check "stored as meta rows" '[ "$(sqlite3 ws/asurif.db "SELECT value FROM meta WHERE key = '"'"'ai.chat_model'"'"'")" = chat ]'
check "logged" '[ "$(sqlite3 ws/asurif.db "SELECT count(*) FROM audit WHERE action = '"'"'ai-config'"'"'")" = 1 ]'
check "config says there is no key" 'grep -q "key: *none" out'

# The service wants a key
expect_fail 1 "status without the key fails" asurif ai status
check "the service refused the key, no key was sent" 'grep -q "refused the key (401)" out && grep -q "no key was sent" out'
expect_fail 1 "a wrong key" env ASURIF_AI_KEY=sk-wrong "$ASURIF" ai status
check "refused, and the message says where to fix it" 'grep -q "refused the key (401)" out && grep -q "check the key in ASURIF_AI_KEY" out'
check "the wrong key is not printed" '! grep -q "sk-wrong" out'

expect_ok "with the key from the environment everything works" env ASURIF_AI_KEY="$KEY" "$ASURIF" ai status
check "each line says it works" '[ "$(grep -c "^[a-z]* *works " out)" = 3 ] && grep -q "Everything set up works" out'
check "the chat model answered" 'grep -q "the chat model \"chat\" answers" out'
expect_ok "as JSON" env ASURIF_AI_KEY="$KEY" "$ASURIF" ai status --json
jq_check "ok, the models, the vectors' size" '.ok == true and .models >= 3 and .dimension == 48 and .key == "environment" and .chat.state == "ok"' out
expect_ok "config says where the key comes from" env ASURIF_AI_KEY="$KEY" "$ASURIF" ai config
check "from the environment" 'grep -q "from the environment variable ASURIF_AI_KEY" out'
check "never the key" '! grep -q "$KEY" out'

printf '%s\n' "$KEY" >ws/keys/ai.key
chmod 600 ws/keys/ai.key
expect_ok "with the key in keys/ai.key (0600)" asurif ai status
expect_ok "config says it comes from the file" asurif ai config --json
jq_check "file" '.key == "file" and (.key_file | endswith("keys/ai.key"))' out
check "never the key" '! grep -q "$KEY" out'
chmod 644 ws/keys/ai.key
expect_fail 1 "a key file others may read is refused" asurif ai status
check "saying how to fix it" 'grep -q "mode 0644" out && grep -q "chmod 600" out'
expect_ok "config shows the problem" asurif ai config
check "not used" 'grep -q "NOT USED" out && ! grep -q "$KEY" out'
chmod 600 ws/keys/ai.key

# Each failure of the service, said plainly
expect_ok "a chat model that is busy once" asurif ai config --chat-model busy
expect_ok "is tried again after the wait it asks" asurif ai status
expect_ok "an unknown chat model" asurif ai config --chat-model qwen-missing
expect_fail 1 "fails" asurif ai status
check "no model by that name (404), and it is not listed" 'grep -q "no chat model named \"qwen-missing\"" out && grep -q "(404)" out && grep -q "does not list this model" out'
check "the embedding model still works" 'grep -q "^embeddings *works" out'
expect_ok "a broken chat model" asurif ai config --chat-model broken
expect_fail 1 "fails" asurif ai status
check "failed (500) after a retry, with the service's words" 'grep -q "failed (500), tried 2 times" out && grep -q "the model is broken" out'
expect_ok "a reply cut in the middle" asurif ai config --chat-model cut
expect_fail 1 "fails" asurif ai status
check "cut off" 'grep -q "dropped before the reply was complete" out'
expect_ok "a reply that is not JSON" asurif ai config --chat-model badjson --embed-model embed-short
expect_fail 1 "fails" asurif ai status
check "not valid JSON" 'grep -q "is not valid JSON" out'
check "the embedding model returned too few vectors" 'grep -q "returned 1 vectors for 2 texts" out'
expect_ok "a service that is not running" asurif ai config --base-url "http://127.0.0.1:9/v1" --chat-model chat --embed-model embed
expect_fail 1 "fails" asurif ai status
check "connection refused; the models not tried" 'grep -q "connection was refused" out && [ "$(grep -c "not tried" out)" = 2 ]'

# What was sent: the key only in the Authorization header; nothing stored in clear
check "requests carried the key as a bearer token" 'grep -q "\"authorization\":\"\[present\]\"" requests.jsonl'
check "the status question is the only text sent" '[ "$(jq -r "select(.path == \"/v1/chat/completions\") | .body.messages[].content" requests.jsonl | sort -u)" = "Reply with one word: ok" ]'
check "the key is not in the database file" '! grep -qa "$KEY" ws/asurif.db && ! grep -qas "$KEY" ws/asurif.db-wal'
check "nor anywhere in the workspace but its file" '[ "$(grep -rla "$KEY" ws | grep -v "keys/ai.key$" | wc -l)" = 0 ]'

# Clearing
expect_ok "clear the settings" asurif ai config --base-url "" --chat-model "" --embed-model ""
expect_fail 1 "status: nothing set up again" asurif ai status --json
jq_check "not set up" '.ok == false and .service.state == "not_set_up"' out

# ---- the administrators' page ----
asurif ai config --base-url "$url" --chat-model chat --embed-model embed >/dev/null
printf 'correct horse battery\n' | asurif user add admin --role admin --name "Amina" >/dev/null
printf 'member password 1\n' | asurif user add member --role member >/dev/null
web_start 1100 web ASURIF_AI_KEY="$KEY"
web_server=$web_pid
trap 'kill $ai_server 2>/dev/null; [ -n "$web_server" ] && kill $web_server 2>/dev/null; wait 2>/dev/null' EXIT
base=$web_base
check "the administrator signs in" '[ "$(signin jar admin "correct horse battery")" = 303 ]'
check "the member signs in" '[ "$(signin jarm member "member password 1")" = 303 ]'
check "members cannot open the page" '[ "$(curl -s -b jarm -o /dev/null -w "%{http_code}" "$base/admin/ai")" = 403 ]'
check "the administration links to it" 'curl -s -b jar "$base/admin/users" | grep -q "href=\"/admin/ai\""'
check "the page opens" '[ "$(curl -s -b jar -o ai.html -w "%{http_code}" "$base/admin/ai")" = 200 ]'
check "with the settings" 'grep -q "value=\"$url/v1\"" ai.html && grep -q "value=\"embed\"" ai.html'
check "where the key comes from, never the key" 'grep -q "ASURIF_AI_KEY" ai.html && ! grep -q "$KEY" ai.html'
t=$(csrf_of ai.html)
check "saving without the CSRF token is refused" '[ "$(curl -s -b jar -o /dev/null -w "%{http_code}" --data-urlencode "do=save" --data-urlencode "base_url=http://x/v1" --data-urlencode "chat_model=a" --data-urlencode "embed_model=b" "$base/admin/ai")" = 403 ]'
check "a bad address is refused with the field named" '[ "$(curl -s -b jar -o bad.html -w "%{http_code}" --data-urlencode "csrf=$t" --data-urlencode "do=save" --data-urlencode "base_url=ftp://x" --data-urlencode "chat_model=echo" --data-urlencode "embed_model=embed" "$base/admin/ai")" = 400 ]'
check "the error points at the field and keeps what was typed" 'grep -q "href=\"#base_url\"" bad.html && grep -q "value=\"ftp://x\"" bad.html && grep -q "value=\"echo\"" bad.html'
check "nothing changed" '[ "$(sqlite3 ws/asurif.db "SELECT value FROM meta WHERE key = '"'"'ai.chat_model'"'"'")" = chat ]'
check "saving works" '[ "$(curl -s -b jar -c jar -o /dev/null -w "%{http_code}" --data-urlencode "csrf=$t" --data-urlencode "do=save" --data-urlencode "base_url=$url/v1/" --data-urlencode "chat_model=echo" --data-urlencode "embed_model=embed" "$base/admin/ai")" = 303 ]'
check "stored" '[ "$(sqlite3 ws/asurif.db "SELECT value FROM meta WHERE key = '"'"'ai.chat_model'"'"'")" = echo ] && [ "$(sqlite3 ws/asurif.db "SELECT value FROM meta WHERE key = '"'"'ai.base_url'"'"'")" = "$url/v1" ]'
check "and logged with the person" '[ "$(sqlite3 ws/asurif.db "SELECT count(*) FROM audit WHERE action = '"'"'ai-config'"'"' AND login = '"'"'admin'"'"'")" = 1 ]'
check "the test of the connection runs" '[ "$(curl -s -b jar -o test.html -w "%{http_code}" --data-urlencode "csrf=$t" --data-urlencode "do=test" "$base/admin/ai")" = 200 ]'
check "three checks that work, in Arabic" '[ "$(grep -o "<strong>يعمل</strong>" test.html | wc -l)" = 3 ] && grep -q "كل ما تم إعداده يعمل" test.html'
check "the vectors' size is shown" 'grep -q "48" test.html'
curl -s -b jar -o /dev/null --data-urlencode "csrf=$t" --data-urlencode "do=save" --data-urlencode "base_url=$url/v1" --data-urlencode "chat_model=qwen-missing" --data-urlencode "embed_model=embed" "$base/admin/ai"
curl -s -b jar -o test2.html --data-urlencode "csrf=$t" --data-urlencode "do=test" "$base/admin/ai"
check "a failing check says so plainly" 'grep -q "ai-check ai-failed\"><dt>نموذج المحادثة" test2.html && grep -q "<strong>لا يعمل</strong>" test2.html && grep -q "لا يوجد لدى الخدمة نموذج بهذا الاسم" test2.html && grep -q "qwen-missing" test2.html'
check "the key is never on the page" '! grep -q "$KEY" test.html test2.html'
check "nor in the server's output" '! grep -q "$KEY" web.out web.err'
finish
