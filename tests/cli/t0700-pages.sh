#!/bin/sh
# The hub's web pages and the JSON API over real HTTP: roles, uploads, search, escaping,
# editing, removing, keys, administration, the activity log.
. "$(dirname "$0")/lib.sh" 2>/dev/null || . "$SRCDIR/tests/cli/lib.sh"
FIXTURES=${FIXTURES:?}

asurif init "$WORK/ws" >/dev/null
printf 'admin password 1\n' | asurif user add admin --role admin --name "Amina" >/dev/null
printf 'coord password 1\n' | asurif user add coord --role coordinator >/dev/null
printf 'member password 1\n' | asurif user add member --role member >/dev/null
printf 'viewer password 1\n' | asurif user add reader --role viewer >/dev/null

# A law, a text citing it, a title that tries to run a script, and enough documents for two pages.
{
	printf '%s\n' '{"id":"law","title":"القانون رقم 31.13 المتعلق بالحق في الحصول على المعلومات","lang":"ar","kind":"law","text":"المادة 1\nيحق لكل مواطن الحصول على المعلومات التي تحوزها الإدارات العمومية."}'
	printf '%s\n' '{"id":"cite","title":"مذكرة الجمعية حول الشفافية","lang":"ar","kind":"report","text":"تطالب الجمعية بتطبيق المادة 12 من القانون رقم 31.13 على المجالس الجماعية ونشر الميزانيات."}'
	printf '%s\n' '{"id":"decree","title":"مرسوم رقم 2.22.431 بتطبيق القانون رقم 31.13","lang":"ar","kind":"decree","text":"يحدد هذا المرسوم كيفيات نشر المعلومات."}'
	printf '%s\n' '{"id":"dahir","title":"ظهير شريف رقم 1.15.85 بتنفيذ القانون التنظيمي رقم 113.14 المتعلق بالجماعات","lang":"ar","kind":"organic-law","text":"المادة 1\nتحدد أحكام هذا القانون التنظيمي شروط تدبير الجماعة لشؤونها."}'
	printf '%s\n' '{"id":"commune","title":"ملاحظات حول ميزانية الجماعة","lang":"ar","kind":"report","text":"حسب المادة 92 من القانون التنظيمي رقم 113.14 يتداول المجلس في الميزانية."}'
	i=1
	while [ $i -le 55 ]; do
		printf '{"id":"n%d","title":"Note %d","lang":"fr","kind":"other","text":"Note numéro %d sur la gouvernance locale."}\n' $i $i $i
		i=$((i + 1))
	done
	printf '%s\n' '{"id":"xss","title":"<script>alert(1)</script> Rapport zorglub","lang":"fr","kind":"report","text":"Le rapport zorglub parle de transparence budgétaire."}'
} >docs.jsonl
asurif add docs.jsonl >/dev/null 2>&1
law=$(sqlite3 ws/asurif.db "SELECT id FROM documents WHERE ext_id = 'law'")
cite=$(sqlite3 ws/asurif.db "SELECT id FROM documents WHERE ext_id = 'cite'")
xss=$(sqlite3 ws/asurif.db "SELECT id FROM documents WHERE ext_id = 'xss'")
decree=$(sqlite3 ws/asurif.db "SELECT id FROM documents WHERE ext_id = 'decree'")
dahir=$(sqlite3 ws/asurif.db "SELECT id FROM documents WHERE ext_id = 'dahir'")
commune=$(sqlite3 ws/asurif.db "SELECT id FROM documents WHERE ext_id = 'commune'")
check "the test documents are in" '[ -n "$law" ] && [ -n "$cite" ] && [ -n "$xss" ]'

web_start 7 server
base=$web_base
server=$web_pid
# code JAR PATH [curl options...]: the HTTP status of a GET (the page kept in ./page.html)
code() {
	j=$1
	p=$2
	shift 2
	curl -s -b "$j" -o page.html -w '%{http_code}' "$@" "$base$p"
}
# token JAR: a CSRF token of the session in JAR
token() {
	curl -s -b "$1" -o tok.html "$base/settings"
	csrf_of tok.html
}
# post JAR PATH [curl options...]: a POST with the session's CSRF token; prints the status
post() {
	j=$1
	p=$2
	shift 2
	curl -s -b "$j" -c "$j" -o page.html -w '%{http_code}' --data-urlencode "csrf=$(token "$j")" "$@" "$base$p"
}
# postf JAR PATH [curl -F options...]: the same as a multipart form (files)
postf() {
	j=$1
	p=$2
	shift 2
	curl -s -b "$j" -c "$j" -o page.html -w '%{http_code}' -F "csrf=$(token "$j")" "$@" "$base$p"
}
# nothing a strict CSP would block: no style attributes, no inline script, no event handlers
clean_html() { ! grep -q ' style=' "$1" && ! grep -q '<script>' "$1" && ! grep -Eqi ' on[a-z]+=' "$1"; }

check "sign in: administrator" '[ "$(signin admin.jar admin "admin password 1")" = 303 ]'
check "sign in: coordinator" '[ "$(signin coord.jar coord "coord password 1")" = 303 ]'
check "sign in: member" '[ "$(signin member.jar member "member password 1")" = 303 ]'
check "sign in: reader" '[ "$(signin reader.jar reader "viewer password 1")" = 303 ]'

# ---- who may open what ----
for p in / /search "/search?q=%D8%A7%D9%84%D9%85%D8%B9%D9%84%D9%88%D9%85%D8%A7%D8%AA" /documents "/documents/$law" /settings; do
	check "a reader opens $p" '[ "$(code reader.jar "$p")" = 200 ] && clean_html page.html'
done
for p in /upload "/documents/$law/edit"; do
	check "a reader may not open $p" '[ "$(code reader.jar "$p")" = 403 ]'
	check "a member opens $p" '[ "$(code member.jar "$p")" = 200 ] && clean_html page.html'
done
check "a member may not open the removal page" '[ "$(code member.jar "/documents/$law/delete")" = 403 ]'
check "a coordinator opens the removal page" '[ "$(code coord.jar "/documents/$law/delete")" = 200 ] && grep -q "action=\"/documents/$law/delete\"" page.html'
for p in /admin/users /admin/audit; do
	check "a coordinator may not open $p" '[ "$(code coord.jar "$p")" = 403 ]'
	check "an administrator opens $p" '[ "$(code admin.jar "$p")" = 200 ] && clean_html page.html'
done
check "nobody signed in is sent to the sign-in page" '[ "$(curl -s -o /dev/null -w "%{http_code} %{redirect_url}" "$base/documents")" = "303 $base/signin" ]'
check "a reader cannot upload" '[ "$(postf reader.jar /upload -F "files=@$FIXTURES/sample.docx")" = 403 ]'
check "a reader cannot remove" '[ "$(post reader.jar "/documents/$law/delete")" = 403 ]'
check "a member cannot remove" '[ "$(post member.jar "/documents/$law/delete")" = 403 ]'
check "the document is still there" '[ "$(code reader.jar "/documents/$law")" = 200 ]'

# ---- home page ----
code reader.jar / >/dev/null
check "home: counts by kind as an SVG bar chart with text" 'grep -q "<svg class=\"bar-svg\"" page.html && grep -q "<title>" page.html && grep -q "61 " page.html'
check "home: a search box" 'grep -q "action=\"/search\"" page.html'
check "home: a reader has no link to add documents" '! grep -q "href=\"/upload\"" page.html'
check "home: a member has one" '[ "$(code member.jar /)" = 200 ] && grep -q "href=\"/upload\"" page.html'
check "home: the current navigation item is marked" 'grep -q "href=\"/\" aria-current=\"page\"" page.html'

# ---- escaping ----
code reader.jar / >/dev/null
check "a title with a script is escaped on the home page" 'grep -q "&lt;script&gt;alert(1)&lt;/script&gt;" page.html && ! grep -q "<script>alert" page.html'
code reader.jar "/documents?kind=report" >/dev/null
check "... in the list of documents" 'grep -q "&lt;script&gt;alert(1)" page.html && ! grep -q "<script>alert" page.html'
code reader.jar "/documents/$xss" >/dev/null
check "... on the document's page" 'grep -q "&lt;script&gt;alert(1)" page.html && ! grep -q "<script>alert" page.html'
code reader.jar "/search?q=zorglub" >/dev/null
check "... in search results, with the word highlighted" 'grep -q "&lt;script&gt;alert(1)" page.html && ! grep -q "<script>alert" page.html && grep -q "<mark>zorglub</mark>" page.html'

# ---- search ----
check "Arabic search highlights the matched words" '[ "$(code reader.jar "/search?q=%D9%85%D8%B9%D9%84%D9%88%D9%85%D8%A9")" = 200 ] && grep -q "<mark>المعلومات</mark>" page.html'
check "a hit links to its passage" 'grep -q "href=\"/documents/$law#p[0-9]*\"" page.html'
check "the total is shown" 'grep -q "class=\"total\"" page.html'
code reader.jar "/search?q=zorglub" >/dev/null
check "a French passage on an Arabic page is marked with its language" 'grep -q "class=\"snippet\" lang=\"fr\" dir=\"auto\"" page.html'
check "a bad date is an error linked to its field, the value kept" '[ "$(code reader.jar "/search?q=note&since=2024-13-45")" = 400 ] && grep -q "error-summary" page.html && grep -q "href=\"#since\"" page.html && grep -q "value=\"2024-13-45\"" page.html && grep -q "aria-invalid=\"true\"" page.html'
check "a query with nothing to search for is an error on the search field" '[ "$(code reader.jar "/search?q=%22%22")" = 400 ] && grep -q "href=\"#q\"" page.html'
code reader.jar "/search?q=gouvernance&kind=other" >/dev/null
check "results come 20 to a page, with a link to the next" 'grep -q "rel=\"next\"" page.html && [ "$(grep -c "class=\"snippet\"" page.html)" = 20 ]'
check "the next page keeps the filters" 'grep -q "href=\"/search?q=gouvernance&amp;kind=other&amp;page=2\"" page.html'
code reader.jar "/search?q=gouvernance&kind=other&page=3" >/dev/null
check "the last page has the rest and a way back" '[ "$(grep -c "class=\"snippet\"" page.html)" = 15 ] && grep -q "rel=\"prev\"" page.html && ! grep -q "rel=\"next\"" page.html'
code reader.jar "/search?q=gouvernance&kind=law" >/dev/null
check "filters apply" 'grep -q "class=\"total\"" page.html && [ "$(grep -c "class=\"snippet\"" page.html)" = 0 ]'

# ---- documents ----
code reader.jar /documents >/dev/null
check "the list has 50 documents a page and a next page" '[ "$(grep -c "class=\"item-title\"" page.html)" = 50 ] && grep -q "href=\"/documents?page=2\"" page.html'
code reader.jar "/documents/$law" >/dev/null
check "a document shows its text, each passage with an anchor" 'grep -q "id=\"p[0-9]*\"" page.html && grep -q "يحق لكل مواطن" page.html'
check "the law lists the documents citing it" 'grep -q "href=\"/documents/$cite\"" page.html && grep -q "href=\"/documents/$cite#p[0-9]*\"" page.html'
code reader.jar "/documents/$cite" >/dev/null
check "the citing document lists what it cites, linked to a search" 'grep -q "href=\"/search?q=31.13\"" page.html'
check "law numbers are isolated" 'grep -q "<bdi>31.13</bdi>" page.html'
check "a missing document is 404" '[ "$(code reader.jar /documents/99999)" = 404 ]'

# ---- adding documents ----
check "a member uploads a DOCX" '[ "$(postf member.jar /upload -F "files=@$FIXTURES/sample.docx")" = 200 ] && grep -q "upload-item" page.html && ! grep -q "is-failed" page.html'
docx=$(sqlite3 ws/asurif.db "SELECT id FROM documents WHERE source = 'sample.docx'")
check "it is recorded under its own name" '[ -n "$docx" ]'
check "the page links to it" 'grep -q "href=\"/documents/$docx\"" page.html'
curl -s -b member.jar -o up.json -w '%{http_code}' -H "Accept: application/json" -H "X-CSRF-Token: $(token member.jar)" \
	-F "files=@$FIXTURES/sample.docx" -F "files=@$FIXTURES/empty.txt" "$base/upload" >up.code
jq_check "several files at once, answered in JSON for scripts" '.added == 0 and .duplicates == 1 and .failed == 1 and .documents[0].status == "duplicate" and .documents[1].source == "empty.txt" and (.documents[1].error | length > 0)' up.json
check "a failure names the file, not the temporary folder" '! grep -q "upload-" up.json'
check "sending no file is an error on the file field" '[ "$(postf member.jar /upload -F "note=x")" = 400 ] && grep -q "href=\"#files\"" page.html'
check "its text is found by the search page" '[ "$(code reader.jar "/search?q=guichet")" = 200 ] && grep -q "href=\"/documents/$docx#p" page.html'
curl -s -b reader.jar -o s.json "$base/api/v1/search?q=guichet"
jq_check "... and by the API" ".total >= 1 and .results[0].doc_id == $docx and (.results[0].snippet | test(\"<mark>\"))" s.json
curl -s -b reader.jar -D orig.h -o orig.bin "$base/documents/$docx/original"
check "the original downloads as an attachment with its name" 'cmp -s orig.bin "$FIXTURES/sample.docx" && grep -qi "^content-disposition: attachment; filename=\"sample.docx\"" orig.h'

# ---- editing ----
check "an edit with a wrong date is refused, values kept" '[ "$(post member.jar "/documents/$docx/edit" --data-urlencode "title=Accès des TPE" -d "kind=law&lang=fr&date=2024-02-30")" = 400 ] && grep -q "href=\"#date\"" page.html && grep -q "value=\"2024-02-30\"" page.html && grep -q "value=\"Accès des TPE\"" page.html'
check "an edit without a title is refused" '[ "$(post member.jar "/documents/$docx/edit" -d "title=&kind=law&lang=fr")" = 400 ] && grep -q "href=\"#title\"" page.html'
check "a member changes the details and the language" '[ "$(post member.jar "/documents/$docx/edit" --data-urlencode "title=Access of small firms" -d "kind=study&lang=en&issuer=Région&date=2024-03-15&url=https://example.org/a")" = 303 ]'
check "the change is saved" '[ "$(sqlite3 ws/asurif.db "SELECT title || \"|\" || kind || \"|\" || lang || \"|\" || date FROM documents WHERE id = $docx")" = "Access of small firms|study|en|2024-03-15" ]'
check "the index is still sound after the language changed" 'asurif check >out 2>err'
curl -s -b reader.jar -o s2.json "$base/api/v1/search?q=guichet"
jq_check "the passages are still found" ".total >= 1 and .results[0].doc_id == $docx and .results[0].lang == \"en\"" s2.json
check "clearing an optional field" '[ "$(post member.jar "/documents/$docx/edit" --data-urlencode "title=Access of small firms" -d "kind=study&lang=fr&issuer=&date=&url=")" = 303 ] && [ "$(sqlite3 ws/asurif.db "SELECT coalesce(date, \"none\") FROM documents WHERE id = $docx")" = none ]'
check "and the index is still sound" 'asurif check >out 2>err'

# ---- the API ----
check "the API without a key is 401 in JSON" '[ "$(curl -s -o a.json -w "%{http_code}" "$base/api/v1/documents")" = 401 ] && jq -e ".error and .status == 401" a.json >/dev/null'
check "a wrong key is 401" '[ "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer asr_nope" "$base/api/v1/documents")" = 401 ]'
post member.jar /settings/tokens -d "name=script" >/dev/null
key=$(grep -o 'asr_[A-Za-z0-9_=-]*' page.html | head -n 1)
check "a new key is shown once" '[ -n "$key" ] && [ "$(code member.jar /settings)" = 200 ] && ! grep -q "$key" page.html'
check "a key works" '[ "$(curl -s -o a.json -w "%{http_code}" -H "Authorization: Bearer $key" "$base/api/v1/documents")" = 200 ]'
jq_check "the list of documents" "(.documents | length) == 62 and (.documents[] | select(.doc_id == $docx) | .title) == \"Access of small firms\"" a.json
curl -s -H "Authorization: Bearer $key" -o d.json "$base/api/v1/documents/$cite"
jq_check "one document with its passages and what it cites" '(.passages_text | length) >= 1 and ([.cites[].key] | index("law:31.13")) != null' d.json
curl -s -H "Authorization: Bearer $key" -o d.json "$base/api/v1/documents/$law"
jq_check "and what cites it" "[.cited_by[].doc_id] | index($cite) != null" d.json
curl -s -H "Authorization: Bearer $key" -o d.json "$base/api/v1/documents/$decree"
jq_check "a decree applying a law is not cited by what cites the law" '.cited_by == []' d.json
curl -s -H "Authorization: Bearer $key" -o d.json "$base/api/v1/documents/$dahir"
jq_check "a dahir promulgating a law is cited by what cites the law" "([.cited_by[].doc_id] | index($commune)) != null and ([.cited_by[].key] | unique) == [\"organic-law:113.14\"]" d.json
check "an API search error is 400 JSON" '[ "$(curl -s -o a.json -w "%{http_code}" -H "Authorization: Bearer $key" "$base/api/v1/search?q=")" = 400 ] && jq -e .error a.json >/dev/null'
check "a member's key cannot remove" '[ "$(curl -s -o /dev/null -w "%{http_code}" -X DELETE -H "Authorization: Bearer $key" "$base/api/v1/documents/$xss")" = 403 ]'
check "the API takes uploads with a key" '[ "$(curl -s -o a.json -w "%{http_code}" -H "Authorization: Bearer $key" -F "files=@$FIXTURES/sample.md" -F kind=study "$base/api/v1/documents")" = 200 ]'
jq_check "and answers like asurif add --json" '.added == 1 and .documents[0].status == "added" and .documents[0].source == "sample.md" and (.documents[0].doc_id > 0)' a.json
md=$(jq .documents[0].doc_id a.json)
check "a write with the session but no CSRF token is refused" '[ "$(curl -s -b coord.jar -o a.json -w "%{http_code}" -X DELETE "$base/api/v1/documents/$md")" = 403 ] && jq -e .error a.json >/dev/null'
check "with the token it is done" '[ "$(curl -s -b coord.jar -o a.json -w "%{http_code}" -X DELETE -H "X-CSRF-Token: $(token coord.jar)" "$base/api/v1/documents/$md")" = 200 ] && [ "$(code reader.jar "/documents/$md")" = 404 ]'
kid=$(sqlite3 ws/asurif.db "SELECT id FROM api_tokens WHERE name = 'script'")
check "a key is revoked" '[ "$(post member.jar "/settings/tokens/$kid/revoke")" = 303 ] && [ "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $key" "$base/api/v1/documents")" = 401 ]'
check "nobody revokes another person's key" 'post admin.jar /settings/tokens -d "name=mine" >/dev/null; aid=$(sqlite3 ws/asurif.db "SELECT id FROM api_tokens WHERE name = '"'"'mine'"'"'"); [ "$(post member.jar "/settings/tokens/$aid/revoke")" = 404 ]'

# ---- removing ----
check "a coordinator removes a document" '[ "$(post coord.jar "/documents/$docx/delete")" = 303 ] && [ "$(code coord.jar "/documents/$docx")" = 404 ]'
check "the hub is sound afterwards" 'asurif check >out 2>err'
check "its text is no longer found" '[ "$(curl -s -b reader.jar "$base/api/v1/search?q=guichet" | jq .total)" = 0 ]'

# ---- administration ----
admin_id=$(sqlite3 ws/asurif.db "SELECT id FROM users WHERE login = 'admin'")
check "the last administrator cannot be demoted" '[ "$(post admin.jar "/admin/users/$admin_id/role" -d role=member)" = 409 ] && grep -q "error-summary" page.html && [ "$(sqlite3 ws/asurif.db "SELECT role FROM users WHERE id = $admin_id")" = admin ]'
check "nor disabled" '[ "$(post admin.jar "/admin/users/$admin_id/disable")" = 409 ] && [ "$(sqlite3 ws/asurif.db "SELECT disabled FROM users WHERE id = $admin_id")" = 0 ]'
check "an administrator adds a person, with their association" '[ "$(post admin.jar /admin/users -d "login=second&name=Second&role=admin" --data-urlencode "org=جمعية تادلة للتنمية" --data-urlencode "password=second password 1")" = 303 ]'
check "the list shows the association" 'curl -s -b admin.jar "$base/admin/users" | grep -q "جمعية تادلة للتنمية"'
check "a taken name is refused, next to the field" '[ "$(post admin.jar /admin/users -d "login=second&role=member" --data-urlencode "password=second password 1")" = 400 ] && grep -q "href=\"#login\"" page.html'
check "a short password is refused" '[ "$(post admin.jar /admin/users -d "login=third&role=member&password=short")" = 400 ] && grep -q "href=\"#password\"" page.html'
second=$(sqlite3 ws/asurif.db "SELECT id FROM users WHERE login = 'second'")
check "with two administrators, one can be demoted" '[ "$(post admin.jar "/admin/users/$second/role" -d role=coordinator)" = 303 ] && [ "$(sqlite3 ws/asurif.db "SELECT role FROM users WHERE id = $second")" = coordinator ]'
reader_id=$(sqlite3 ws/asurif.db "SELECT id FROM users WHERE login = 'reader'")
check "disabling a person ends their session" '[ "$(post admin.jar "/admin/users/$reader_id/disable")" = 303 ] && [ "$(code reader.jar /)" = 303 ]'
check "and enabling lets them sign in again" '[ "$(post admin.jar "/admin/users/$reader_id/enable")" = 303 ] && [ "$(signin reader.jar reader "viewer password 1")" = 303 ]'
code admin.jar /admin/audit >/dev/null
check "the activity log lists the upload" 'grep -q "sample.docx" page.html'
check "... the removal" 'grep -q "document $docx" page.html'
check "... the download of an original" '[ "$(sqlite3 ws/asurif.db "SELECT count(*) FROM audit WHERE action = '"'"'export'"'"'")" = 1 ]'
check "... and the role change" '[ "$(sqlite3 ws/asurif.db "SELECT count(*) FROM audit WHERE action = '"'"'role'"'"' AND target = '"'"'second'"'"'")" = 1 ]'
check "the log is newest first" '[ "$(sqlite3 ws/asurif.db "SELECT action FROM audit ORDER BY id DESC LIMIT 1")" = signin ] && grep -q "<tbody>" page.html'

# ---- settings ----
check "a wrong current password is refused" '[ "$(post member.jar /settings/password -d "current=nope" --data-urlencode "password=member password 2" --data-urlencode "password2=member password 2")" = 400 ] && grep -q "href=\"#current\"" page.html'
check "two different new passwords are refused" '[ "$(post member.jar /settings/password --data-urlencode "current=member password 1" --data-urlencode "password=member password 2" --data-urlencode "password2=member password 3")" = 400 ] && grep -q "href=\"#password2\"" page.html'
check "the password is changed and the person stays signed in" '[ "$(post member.jar /settings/password --data-urlencode "current=member password 1" --data-urlencode "password=member password 2" --data-urlencode "password2=member password 2")" = 303 ] && [ "$(code member.jar /settings)" = 200 ]'
check "the new password opens a session" '[ "$(signin m2.jar member "member password 2")" = 303 ]'

# ---- French ----
curl -s -b reader.jar -c reader.jar -o /dev/null --data-urlencode "csrf=$(token reader.jar)" -d "lang=fr&back=/" "$base/language"
check "the pages speak French, left to right" '[ "$(code reader.jar /)" = 200 ] && grep -q "<html lang=\"fr\" dir=\"ltr\">" page.html'

kill -TERM $server
wait $server
trap - EXIT
check "the database is sound at the end" 'asurif check >out 2>err'
finish
