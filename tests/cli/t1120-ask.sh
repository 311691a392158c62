#!/bin/sh
# Asking the hub: the JSON contract; citations checked against the passages sent ([9] of 5 is
# flagged and never a source, Arabic digits and ranges read); an answer without citation is
# unsupported; the question's language (Arabic, French, English) chooses the prompt's; nothing
# relevant: an honest "not found" without calling the model (checked in the test server's
# log); no model: the extractive answer; model down or refusing the key: non-zero exit with the
# reason; the answer kept with its prompt and passages.
. "$(dirname "$0")/lib.sh" 2>/dev/null || . "$SRCDIR/tests/cli/lib.sh"

command -v node >/dev/null 2>&1 || { fail "node is missing (scripts/deps.sh --test installs it)"; finish; }
command -v sqlite3 >/dev/null 2>&1 || { fail "sqlite3 is missing"; finish; }
SERVER="$SRCDIR/tests/ai/server.mjs"

asurif init "$WORK/ws" >/dev/null
DB="$WORK/ws/asurif.db"
sql() { sqlite3 "$DB" "$1"; }

# Six French passages about cooperatives and public markets, two Arabic ones, one English.
mkdir docs
for i in 1 2 3 4 5 6; do
	printf 'Circulaire %s sur les marchés publics.\n\nLes coopératives et les très petites entreprises accèdent à une part réservée des marchés publics de la commune, point %s. Les délais de paiement sont fixés à soixante jours.\n' "$i" "$i" >"docs/fr$i.txt"
done
printf 'مذكرة حول التعاونيات\n\nتستفيد التعاونيات من حصة محجوزة من الصفقات العمومية للجماعة. يحدد أجل الأداء في ستين يوما.\n' >docs/ar1.txt
printf 'تقرير التكوين\n\nتحتاج التعاونيات النسائية إلى تكوين في الصفقات العمومية والتمويل.\n' >docs/ar2.txt
printf 'Training report\n\nWomen cooperatives need training in public procurement and finance.\n' >docs/en1.txt
expect_ok "documents added" asurif add docs --json

# ---- no model set up: the extractive answer ----
expect_ok "no model: exit 0" asurif ask "Quelle part des marchés publics est réservée aux coopératives ?" --json
cp out extractive.json
jq_check "extractive mode, no model, says no model is connected" '.mode == "extractive" and .model == null and .supported == false and (.answer | test("modèle"))' out
jq_check "the best passages with the matching words highlighted" '(.passages | length) == 5 and ([.passages[] | .extract | test("\u000ecoopératives\u000f")] | all)' out
expect_ok "no model, text output" asurif ask "Quelle part des marchés publics est réservée aux coopératives ?"
check "prints the passages with their marks" 'grep -q "«coopératives»" out && grep -q "Aucun modèle" out'

# ---- the test server ----
node "$SERVER" --log "$WORK/requests.jsonl" >port 2>server.err &
SPID=$!
trap 'kill $SPID 2>/dev/null' EXIT
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do [ -s port ] && break; sleep 0.1; done
PORT=$(head -n 1 port)
check "test server listening" '[ -n "$PORT" ]'
URL="http://127.0.0.1:$PORT"
asurif ai config --base-url "$URL/v1" --chat-model chat >/dev/null
next() { curl -s -X POST --data-binary "$1" "$URL/__next" >/dev/null; }
chats() { grep -c '"path":"/v1/chat/completions"' "$WORK/requests.jsonl" 2>/dev/null || echo 0; }

# ---- citations ----
next 'Une part des marchés est réservée aux coopératives [1]. Les délais sont de soixante jours [9].'
expect_ok "a cited answer" asurif ask "Quelle part des marchés publics est réservée aux coopératives ?" --json
cp out cited.json
jq_check "the JSON contract's fields" 'has("answer") and has("language") and has("model") and has("supported") and has("citations") and has("passages") and (.citations[0] | has("n") and has("passage_id") and has("doc_id") and has("title") and has("valid")) and (.passages[0] | has("n") and has("passage_id") and has("title"))' out
jq_check "five passages sent, numbered 1 to 5" '[.passages[].n] == [1,2,3,4,5]' out
jq_check "[1] valid, with its passage" '.citations[0] | .n == 1 and .valid == true and (.passage_id | type == "number") and (.doc_id | type == "number") and .title == "fr1"' out
jq_check "[9] flagged, no passage" '.citations[1].n == 9 and .citations[1].valid == false and .citations[1].passage_id == null and .citations[1].title == null' out
jq_check "supported, model named, French" '.supported == true and .model == "chat" and .language == "fr" and .mode == "model"' out
tail -n 1 "$WORK/requests.jsonl" >last.json
jq_check "the prompt numbers each passage and asks for [n] in French" '(.body.messages[0].content | test("\\[n\\]") and test("français")) and (.body.messages[1].content | test("\\[1\\]") and test("\\[5\\]") and (test("\\[6\\]") | not))' last.json
jq_check "--json waits for the whole reply" '.body.stream != true' last.json

next 'Une part est réservée [1]. Voir aussi [9].'
expect_ok "text output streams the answer and lists sources" asurif ask "Quelle part des marchés publics est réservée aux coopératives ?"
check "the answer is printed" 'grep -q "Une part est réservée \[1\]" out'
check "sources list [1] and not [9]" 'grep -q "^  \[1\]" out && ! grep -q "^  \[9\]" out'
check "[9] is flagged" 'grep -q "\[9\] is not one of the 5 passages" out'
tail -n 1 "$WORK/requests.jsonl" >last.json
jq_check "the terminal gets the answer streamed" '.body.stream == true' last.json

next 'La réponse est donnée [١] et confirmée [٢-٣]، [4, 5].'
expect_ok "Arabic-Indic digits and ranges" asurif ask "Quelle part des marchés publics est réservée aux coopératives ?" --json
jq_check "[1], [2-3], [4, 5] read" '[.citations[] | select(.valid) | .n] == [1,2,3,4,5]' out

next 'Les coopératives ont une part réservée des marchés.'
expect_ok "an answer without citation" asurif ask "Quelle part des marchés publics est réservée aux coopératives ?" --json
jq_check "marked unsupported" '.supported == false and (.citations | length) == 0 and .mode == "model"' out
expect_ok "text output of an unsupported answer" asurif ask "Quelle part des marchés publics est réservée aux coopératives ?"
check "warns that it is not supported" 'grep -q "not supported by the documents" out'

# ---- the question's language ----
next 'تستفيد التعاونيات من حصة محجوزة [1].'
expect_ok "an Arabic question" asurif ask "ما هي الحصة المحجوزة للتعاونيات من الصفقات العمومية؟" --json
jq_check "language ar" '.language == "ar" and .supported == true' out
tail -n 1 "$WORK/requests.jsonl" >last.json
jq_check "the instructions are in Arabic" '(.body.messages[0].content | test("أجب باللغة العربية")) and (.body.messages[1].content | test("السؤال:"))' last.json
next 'Women cooperatives need training [1].'
expect_ok "an English question" asurif ask "What training do women cooperatives need?" --json
jq_check "language en" '.language == "en"' out
tail -n 1 "$WORK/requests.jsonl" >last.json
jq_check "the instructions are in English" '.body.messages[0].content | test("Answer in English")' last.json

# ---- nothing relevant: not found, the model not called ----
before=$(chats)
expect_ok "nothing relevant: exit 0" asurif ask "Quel est le régime des zeppelins xylophoniques ?" --json
jq_check "an honest not found" '.mode == "not_found" and .supported == false and (.passages | length) == 0 and (.answer | test("Rien"))' out
check "the model was not called" '[ "$(chats)" -eq "$before" ]'
expect_ok "only stop words: not found either" asurif ask "Quel est le ?" --json
jq_check "not found" '.mode == "not_found"' out

# ---- the answer kept with its prompt and passages ----
n_answers=$(sql "SELECT count(*) FROM ai_outputs WHERE kind = 'answer'")
check "each model answer kept (7)" '[ "$n_answers" -eq 7 ]'
id=$(jq -r .output_id cited.json)
check "with its model, status generated, prompt and passages" '[ "$(sql "SELECT model || status || json_array_length(passages) || json_type(prompt, \"\$.messages\") FROM ai_outputs WHERE id = $id")" = "chatgenerated5array" ]'

# ---- the service down, the key refused ----
expect_ok "campaign for a question" asurif campaign new --title "Marchés" --json
cid=$(jq -r .id out)
pid=$(jq -r '.passages[2].passage_id' cited.json)
expect_ok "a pinned passage" asurif evidence pin "$pid" --campaign "$cid"
next 'Voir [1].'
expect_ok "a question about a campaign" asurif ask "Quelle part des marchés publics est réservée aux coopératives ?" --campaign "$cid" --json
jq_check "the campaign's evidence comes first" ".passages[0].passage_id == $pid" out
check "kept with the campaign" '[ "$(sql "SELECT campaign_id FROM ai_outputs ORDER BY id DESC LIMIT 1")" = "$cid" ]'

asurif ai config --base-url "http://127.0.0.1:9/v1" >/dev/null
expect_fail 1 "service down: exit 1" asurif ask "Quelle part des marchés publics est réservée aux coopératives ?" --json
check "the reason on stderr" 'grep -qi "cannot reach\|refused" err && [ ! -s out ]'
kill $SPID 2>/dev/null
wait $SPID 2>/dev/null
: >port
node "$SERVER" --key secret-key >port 2>server.err &
SPID=$!
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do [ -s port ] && break; sleep 0.1; done
PORT=$(head -n 1 port)
asurif ai config --base-url "http://127.0.0.1:$PORT/v1" >/dev/null
ASURIF_AI_KEY=wrong-key asurif ask "Quelle part des marchés publics est réservée aux coopératives ?" >out 2>err
rc=$?
check "key refused: non-zero exit" '[ "$rc" -ne 0 ]'
check "the reason (401) on stderr" 'grep -q "401" err'
ASURIF_AI_KEY=secret-key asurif ask "Quelle part des marchés publics est réservée aux coopératives ?" --json >out 2>err
jq_check "the right key: answered" '.mode == "model" and .answer == "ok"' out
expect_fail 2 "an empty question is refused" asurif ask "   "
finish
