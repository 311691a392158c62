#!/bin/sh
# Help from the model: summaries (by the model, or extractive without one), barriers proposed
# from a document or a campaign's evidence (the reply validated: a passage not sent rejects the
# proposal), accepted into the campaign with their evidence or rejected (nothing added); drafted
# and translated sections kept as generated until approved or edited; every output shows its
# prompt, model, time and passages. And personal data never reaches the model: after asks,
# summaries, proposals, a section and a translation, the test server's log of every request
# holds no signatory's name or ID number, no member's name or contact details.
. "$(dirname "$0")/lib.sh" 2>/dev/null || . "$SRCDIR/tests/cli/lib.sh"

command -v node >/dev/null 2>&1 || { fail "node is missing (scripts/deps.sh --test installs it)"; finish; }
SERVER="$SRCDIR/tests/ai/server.mjs"
LOG="$WORK/requests.jsonl"

asurif init "$WORK/ws" >/dev/null

mkdir docs
cat >docs/circulaire.txt <<'EOF'
Circulaire sur les délais de paiement

Article 1

Les coopératives attendent en moyenne cent vingt jours le paiement de leurs marchés publics. Ce retard de paiement fragilise leur trésorerie.

Article 2

Les banques refusent souvent de financer les commandes publiques des coopératives. Le financement des marchés reste difficile.

Article 3

Les cahiers des charges exigent des références que les jeunes coopératives n'ont pas. Les petites entreprises sont écartées des marchés.

Article 4

Les délais de paiement des marchés publics doivent être réduits à soixante jours pour les coopératives.
EOF
expect_ok "a document" asurif add docs/circulaire.txt --json
doc=$(jq -r '.documents[0].doc_id' out)
asurif show "$doc" --passages --json >doc.json
p1=$(jq -r '.passages_text[] | select(.article == "Article 1") | .passage_id' doc.json)
p2=$(jq -r '.passages_text[] | select(.article == "Article 2") | .passage_id' doc.json)
p3=$(jq -r '.passages_text[] | select(.article == "Article 3") | .passage_id' doc.json)
check "passages by article" '[ -n "$p1" ] && [ -n "$p2" ] && [ -n "$p3" ]'

# ---- personal data in the workspace: members, a stakeholder's contact, signatures ----
printf 'motdepasse secret 1\nmotdepasse secret 1\n' >pw
asurif user add rkettani --role member --name "Rachida Kettani-Zemmouri" --org "Association Tifawin" <pw >/dev/null 2>&1
expect_ok "a campaign" asurif campaign new --title "Délais de paiement des coopératives" --member rkettani:lead --json
cid=$(jq -r .id out)
expect_ok "a stakeholder with contact details" asurif stakeholder add --campaign "$cid" --name "Conseil communal" --note "Contact: Youssef Amrani-Belkadi, youssef.amrani@tifawin.example.ma, 0661 234 567"
expect_ok "evidence pinned" asurif evidence pin "$p1" --campaign "$cid" --note "Vu avec Rachida Kettani-Zemmouri"
ev1=$(asurif evidence list --campaign "$cid" --json | jq -r '.evidence[0].id')
expect_ok "more evidence" asurif evidence pin "$p2" --campaign "$cid"
expect_ok "a recommendation" asurif recommend add --campaign "$cid" --text "Payer les coopératives dans les soixante jours"
asurif territory Azilal --level commune --json >terr.json
commune=$(jq -r '.territories[0].code' terr.json)
asurif territory Azilal --level province --json >terr.json
province=$(jq -r '.territories[0].code' terr.json)
expect_ok "a petition" asurif petition new --campaign "$cid" --rule ma/province --territory "$province" --by-association "Association Tifawin" --json
pet=$(jq -r .id out)
expect_ok "a signature" asurif petition sign "$pet" --first-name Zoubida --last-name Ouhammou-Tazi --cin "BK 765432" --address "Derb Sidi Bouhlal 12" --commune "$commune" --json
expect_ok "another signature" asurif petition sign "$pet" --first-name Lahcen --last-name Aitbrahim-Oufkir --cin "JC 112233" --address "Hay Nahda 4" --commune "$commune" --json
expect_ok "a memorandum" asurif draft new --campaign "$cid" --type memorandum --lang fr --field "problems=Les coopératives attendent leurs paiements trop longtemps." --field "signatory=Rachida Kettani-Zemmouri" --json
draft=$(jq -r .id out)

# ---- no model: the extractive summary ----
expect_ok "no model: an extractive summary" asurif ai summarise "$doc" --json
jq_check "extractive, sentences of the document, nothing kept" '.extractive == true and .model == null and .output_id == null and (.text | test("coopératives")) and (.text | length) > 40' out
expect_fail 2 "no model: barriers cannot be proposed" asurif ai barriers --doc "$doc"
check "says a model is needed" 'grep -q "needs a model" err'

# ---- the test server ----
node "$SERVER" --log "$LOG" >port 2>server.err &
SPID=$!
trap 'kill $SPID 2>/dev/null' EXIT
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do [ -s port ] && break; sleep 0.1; done
PORT=$(head -n 1 port)
URL="http://127.0.0.1:$PORT"
expect_ok "the model set up" asurif ai config --base-url "$URL/v1" --chat-model chat
next() { curl -s -X POST --data-binary "$1" "$URL/__next" >/dev/null; }

# ---- summaries ----
next "Les coopératives sont payées trop tard et peinent à se financer."
expect_ok "a summary by the model" asurif ai summarise "$doc" --json
jq_check "kept, by the model" '.extractive == false and .model == "chat" and (.output_id | type == "number") and (.text | test("trop tard"))' out
sum=$(jq -r .output_id out)
expect_ok "the output shown" asurif ai output "$sum" --json
jq_check "generated, with prompt and model and time" '.kind == "summary" and .status == "generated" and .model == "chat" and (.at | test("^20")) and (.prompt[1].content | test("cent vingt jours"))' out

# ---- barriers from a document ----
next "{\"barriers\": [{\"title\": \"Paiements tardifs\", \"description\": \"Cent vingt jours d'attente\", \"affected\": \"Coopératives\", \"severity\": \"high\", \"passages\": [$p1]}, {\"title\": \"Financement refusé\", \"severity\": \"medium\", \"passages\": [$p2, 99999]}, {\"title\": \"\", \"passages\": [$p1]}, {\"title\": \"Références exigées\", \"severity\": \"low\", \"passages\": [$p3]}]}"
expect_ok "barriers proposed from a document" asurif ai barriers --doc "$doc" --campaign "$cid" --json
cp out proposals.json
jq_check "two proposals kept" '[.barriers[].title] == ["Paiements tardifs", "Références exigées"]' out
jq_check "a passage not sent rejects its proposal" '[.rejected[] | select(.index == 2 and (.reason | test("99999")))] | length == 1' out
jq_check "an empty title rejects its proposal" '[.rejected[] | select(.index == 3 and (.reason | test("title")))] | length == 1' out
bout=$(jq -r .output_id out)
tail -n 1 "$LOG" >last.json
jq_check "asked for JSON" '.body.response_format != null' last.json
before=$(asurif barrier list --campaign "$cid" --json | jq 'length')
expect_ok "accept the first proposal" asurif ai accept "$bout" --items 1 --json
jq_check "one barrier added" '(.barriers | length) == 1' out
bid=$(jq -r '.barriers[0]' out)
asurif campaign show "$cid" --json >camp.json
jq_check "the barrier is in the campaign with its passage as evidence" "[.barriers[] | select(.id == $bid and .title == \"Paiements tardifs\" and .severity == \"high\")] | length == 1" camp.json
jq_check "its evidence is the cited passage (the pin reused)" "(.barriers[] | select(.id == $bid) | .evidence) as \$e | [.evidence[] | select(.passage_id == $p1) | .id] == \$e" camp.json
expect_ok "the output's status" asurif ai output "$bout" --json
jq_check "approved by a person" '.status == "approved" and (.reviewed_by | length) > 0 and .output.barriers[0].barrier_id != null' out
expect_fail 2 "accepting twice is refused" asurif ai accept "$bout"

next "{\"barriers\": [{\"title\": \"Financement\", \"severity\": \"medium\", \"passages\": [$p2]}]}"
expect_ok "barriers from the campaign's evidence" asurif ai barriers --campaign "$cid" --json
rout=$(jq -r .output_id out)
tail -n 1 "$LOG" >last.json
jq_check "the evidence's passages were sent" "(.body.messages[1].content | test(\"passage $p1\") and test(\"passage $p2\")) and (.body.messages[1].content | test(\"passage $p3\") | not)" last.json
n_before=$(asurif barrier list --campaign "$cid" --json | jq 'length')
expect_ok "reject the proposals" asurif ai reject "$rout"
n_after=$(asurif barrier list --campaign "$cid" --json | jq 'length')
check "rejecting adds nothing" '[ "$n_before" = "$n_after" ]'
asurif ai output "$rout" --json >o.json
jq_check "status rejected" '.status == "rejected"' o.json

next "{\"barriers\": [{\"title\": \"Inventé\", \"passages\": [99999]}]}"
expect_fail 1 "only invalid proposals: refused" asurif ai barriers --campaign "$cid"
check "names the field and the passage" 'grep -q "barriers\[0\]" err && grep -q "99999" err'
next "not json at all"
expect_fail 1 "a reply that is not JSON: refused" asurif ai barriers --campaign "$cid"

# ---- sections and translations ----
next "Les coopératives attendent cent vingt jours [1]. Nous demandons soixante jours."
expect_ok "a section drafted" asurif ai section --draft "$draft" --field problems --evidence "$ev1" --json
sec=$(jq -r .output_id out)
tail -n 1 "$LOG" >last.json
jq_check "the chosen evidence, the recommendations and the current text were sent" '(.body.messages[1].content | test("cent vingt jours") and test("soixante jours") and test("trop longtemps")) and (.body.messages[1].content | test("financer") | not)' last.json
asurif ai output "$sec" --json >o.json
jq_check "kept as generated, for the draft's field" '.status == "generated" and .kind == "section" and .field == "problems" and .draft_id != null' o.json
asurif draft show "$draft" --json >d.json
jq_check "the draft is unchanged until approval" '.values.problems == "Les coopératives attendent leurs paiements trop longtemps."' d.json
expect_ok "approve the section" asurif ai accept "$sec"
asurif draft show "$draft" --json >d.json
jq_check "the draft has the section as a new version" '(.values.problems | test("cent vingt jours")) and .version == 2' d.json
asurif ai output "$sec" --json >o.json
jq_check "approved" '.status == "approved"' o.json

next "تنتظر التعاونيات مائة وعشرين يوما [1]."
expect_ok "a section translated into Arabic" asurif ai translate --draft "$draft" --field problems --to ar --json
tr=$(jq -r .output_id out)
tail -n 1 "$LOG" >last.json
jq_check "asked in Arabic, the field's text sent" '(.body.messages[0].content | test("إلى العربية")) and (.body.messages[1].content | test("cent vingt jours"))' last.json
expect_ok "edit and approve the translation" asurif ai accept "$tr" --text "تنتظر التعاونيات 120 يوما [1]."
asurif ai output "$tr" --json >o.json
jq_check "marked edited, with the person's text" '.status == "edited" and .output == "تنتظر التعاونيات 120 يوما [1]."' o.json
asurif draft show "$draft" --json >d.json
jq_check "the draft has the translation as a new version" '.values.problems == "تنتظر التعاونيات 120 يوما [1]." and .version == 3' d.json
expect_fail 2 "translating into the text's own language is refused" asurif ai translate --draft "$draft" --field problems --to ar
expect_fail 2 "an unknown field is refused" asurif ai translate --draft "$draft" --field nothing --to ar
check "names the field" 'grep -q "nothing" err'

# ---- asks too, then the log of every request ----
next "Les coopératives attendent cent vingt jours [1]."
expect_ok "an ask" asurif ask "Combien de jours attendent les coopératives ?" --campaign "$cid" --json
expect_ok "the outputs listed" asurif ai outputs --campaign "$cid" --json
jq_check "with their status" '[.[] | .status] | index("generated") != null and index("approved") != null and index("rejected") != null' out
n_req=$(grep -c '/v1/chat/completions' "$LOG")
check "the model got every request (8)" '[ "$n_req" -eq 8 ]'
for secret in Zoubida Ouhammou "BK 765432" BK765432 "Derb Sidi" Lahcen Aitbrahim "JC 112233" JC112233 "Hay Nahda" Kettani rkettani "Youssef" "youssef.amrani" "0661 234 567" "Tifawin"; do
	check "no \"$secret\" in any request" '! grep -q "$secret" "$LOG"'
done
finish
