#!/bin/sh
# Drafting: document types, a draft pre-filled from its campaign, versions and their
# differences, status, and exports read back by real readers (LibreOffice, pdftotext).
. "$(dirname "$0")/lib.sh" 2>/dev/null || . "$SRCDIR/tests/cli/lib.sh"

for tool in soffice pdftotext pdfinfo unzip; do
	command -v $tool >/dev/null 2>&1 || { fail "$tool is missing (scripts/deps.sh --test installs it)"; finish; }
done

# The text of a PDF in logical order, without the direction marks pdftotext puts around runs.
pdftext() { pdftotext "$1" - | perl -CSD -pe 's/[\x{202A}-\x{202E}\x{2066}-\x{2069}\x{200E}\x{200F}]//g'; }
# pdftotext may move a space or a bracket at the edge of a right-to-left run: the order of
# the words is what is compared.
squash() { tr -d ' ()'; }
MIXED="يحددالمرسوم2-22-431نسبة30%منالصفقاتلفائدةالمقاولاتالصغيرةTPEمنذ2023"

asurif init "$WORK/ws" >/dev/null
cat >decret.txt <<'T'
المادة 1
يخصص صاحب المشروع نسبة ثلاثين في المائة من المبلغ التقديري السنوي للصفقات لفائدة المقاولات الصغيرة جدا والصغرى والمتوسطة والتعاونيات.

المادة 2
تؤدى مستحقات المقاولات داخل أجل لا يتعدى ستين يوما من تاريخ تنفيذ الخدمة.
T
expect_ok "a decree in the hub" asurif add decret.txt --kind decree --title "مرسوم الصفقات العمومية 2-22-431" --issuer "رئيس الحكومة" --date 2023-03-08 --json
doc=$(jq -r '.documents[0].doc_id' out)
asurif show "$doc" --passages --json >show.json
p1=$(jq -r '.passages_text[0].passage_id' show.json)
p2=$(jq -r '.passages_text[1].passage_id' show.json)
check "two passages to pin" '[ -n "$p1" ] && [ "$p1" != null ] && [ -n "$p2" ] && [ "$p2" != null ]'
asurif territory Azilal --level province --json >terr.json
azilal=$(jq -r '.territories[0].code' terr.json)

expect_ok "a campaign" asurif campaign new --title "ولوج المقاولات الصغيرة جدا إلى الصفقات العمومية بأزيلال" --goal "تطبيق نسبة 30% المخصصة للمقاولات الصغيرة في صفقات الإقليم" --theme procurement --level province --territory "$azilal" --target "مجلس عمالة إقليم أزيلال" --json
cid=$(jq -r .id out)
expect_ok "pin the first passage" asurif evidence pin "$p1" --campaign "$cid" --note "النسبة المخصصة" --json
e1=$(jq -r .id out)
expect_ok "pin the second passage" asurif evidence pin "$p2" --campaign "$cid" --note "أجل الأداء" --json
e2=$(jq -r .id out)
expect_ok "a barrier with its evidence" asurif barrier add --campaign "$cid" --title "تأخر الأداء" --description "تنتظر المقاولات أكثر من ستين يوما" --severity high --evidence "$e2" --json
b1=$(jq -r .id out)
expect_ok "another barrier" asurif barrier add --campaign "$cid" --title "جهل النسبة المخصصة" --evidence "$e1" --json
expect_ok "a recommendation answering it" asurif recommend add --campaign "$cid" --text "نشر برنامج توقعي للصفقات المخصصة" --barrier "$b1" --authority "عمالة أزيلال" --json

# ---- the types ----
expect_ok "types --json" asurif draft types --json
jq_check "the nine types by name" '[.types[].name] == ["petition-commune","petition-province","petition-region","petition-government","motion","advisory-opinion","memorandum","policy-brief","information-request"]' out
jq_check "every type has labelled fields, titles in ar and fr, a legal basis with its status" 'all(.types[]; (.fields | length) > 0 and .title.ar and .title.fr and (.legal_basis.status | IN("confirmed","unconfirmed","conflicting")) and all(.fields[]; .name and .label.ar and .label.fr and (.kind | IN("line","text","date","number","list"))))' out
expect_ok "types as text" asurif draft types
check "names the memorandum" 'grep -q "^memorandum" out'

# ---- a draft ----
expect_ok "new memorandum in Arabic" asurif draft new --campaign "$cid" --type memorandum --lang ar --as "سعاد" --json
jq_check "prints its id" '.id > 0' out
memo=$(jq -r .id out)
expect_ok "show --json" asurif draft show "$memo" --json
jq_check "version 1 by its author, status draft" '.version == 1 and .versions[0].author == "سعاد" and .status == "draft" and .type == "memorandum" and .lang == "ar"' out
jq_check "pre-filled from the campaign" '[.values[]] | any(. == "ولوج المقاولات الصغيرة جدا إلى الصفقات العمومية بأزيلال" or . == "تطبيق نسبة 30% المخصصة للمقاولات الصغيرة في صفقات الإقليم")' out
jq_check "the barriers are in a field, one per line" '[.values[]] | any(test("تأخر الأداء")) ' out
jq -r '.missing[]' out >missing.txt

# Fill every field from a file, including hostile text and a mixed paragraph.
asurif draft types --json >types.json
jq -n --slurpfile t types.json '
  ($t[0].types[] | select(.name == "memorandum") | .fields) as $f
  | [$f[] | {(.name): (if .kind == "date" then "2026-11-20" elif .kind == "number" then "3" else "يحدد المرسوم 2-22-431 نسبة 30% من الصفقات لفائدة المقاولات الصغيرة (TPE) منذ 2023" end)}] | add' >values.json 2>/dev/null ||
	jq -n '{}' >values.json
check "values for every field" '[ "$(jq length values.json)" -gt 3 ]'
first=$(jq -r 'keys_unsorted[0]' values.json)
long=$(asurif draft types --json | jq -r '.types[] | select(.name == "memorandum") | .fields[] | select(.kind == "text") | .name' | head -n 1)
{
	printf '{"%s": "# ليس عنوانا <script>alert(1)</script> {{campaign.title}} [رابط](javascript:x)",\n' "$first"
	printf ' "%s": "' "$long"
	i=0
	while [ $i -lt 60 ]; do
		printf 'فقرة رقم %d: تعاني المقاولات الصغيرة جدا في إقليم أزيلال من صعوبة الولوج إلى الصفقات العمومية بسبب طول آجال الأداء وتعقيد المساطر وضعف المعلومات المتاحة حول البرنامج التوقعي السنوي.\\n\\n' $i
		i=$((i + 1))
	done
	printf 'يحدد المرسوم 2-22-431 نسبة 30%% من الصفقات لفائدة المقاولات الصغيرة (TPE) منذ 2023"}\n'
} >hostile.json
expect_ok "edit from a file" asurif draft edit "$memo" --from values.json --as "سعاد" --json
jq_check "version 2" '.version == 2' out
expect_ok "edit again: hostile text and a long field" asurif draft edit "$memo" --from hostile.json --json
jq_check "version 3" '.version == 3' out
expect_ok "the same values again make no new version" asurif draft edit "$memo" --from hostile.json --json
jq_check "still version 3" '.version == 3' out
expect_ok "diff 2 3" asurif draft diff "$memo" 2 3 --json
jq_check "word changes on the changed fields only" '(.fields | length) == 2 and (.fields[0].changes | map(.op) | index("+") != null) and (.fields[0].changes | map(.op) | index("-") != null)' out
expect_ok "diff as text" asurif draft diff "$memo" 2 3
check "marks added words" 'grep -q "{+" out && grep -q "\[-" out'
expect_ok "an older version stays readable" asurif draft show "$memo" --version 2 --json
jq_check "version 2's values" '.version == 2 and .latest == 3' out

# ---- errors ----
expect_fail 2 "an unknown field is named" asurif draft edit "$memo" --field colour=blue
check "names it" 'grep -q "colour" err'
printf '{"subject": "x",\n "oops" }\n' >broken.json
expect_fail 1 "a broken JSON file names file and line" asurif draft new --campaign "$cid" --type memorandum --lang ar --from broken.json
check "file and line" 'grep -q "broken.json, line 2" err'
expect_fail 2 "an unknown type" asurif draft new --campaign "$cid" --type letter --lang ar
expect_fail 1 "an unknown campaign" asurif draft new --campaign 999 --type memorandum --lang ar
expect_fail 2 "a bad language" asurif draft new --campaign "$cid" --type memorandum --lang en
expect_fail 2 "a bad format" asurif draft export "$memo" --format rtf -o x.rtf

# ---- no authority named: the council of the campaign's commune ----
asurif territory "Azilal" --level commune --json >commune.json
commune=$(jq -r '.territories[0].code' commune.json)
commune_ar=$(jq -r '.territories[0].name_ar' commune.json)
expect_ok "a campaign on a commune, without a target" asurif campaign new --title "التكوين المستمر" --level commune --territory "$commune" --json
c2=$(jq -r .id out)
expect_ok "a petition to its council" asurif draft new --campaign "$c2" --type petition-commune --lang ar --json
expect_ok "shown" asurif draft show "$(jq -r .id out)" --json
export COMMUNE_AR="$commune_ar"
jq_check "addressed to the commune's council, written in the commune" '.values.commune_council == ("مجلس جماعة " + env.COMMUNE_AR) and .values.city == env.COMMUNE_AR' out

# ---- a required field left empty ----
expect_ok "an information request with nothing filled in" asurif draft new --campaign "$cid" --type information-request --lang fr --json
d2=$(jq -r .id out)
req=$(asurif draft types --json | jq -r '.types[] | select(.name == "information-request") | [.fields[] | select(.required)][0].name')
asurif draft edit "$d2" --field "$req=" >/dev/null 2>&1
expect_fail 2 "export names the missing field" asurif draft export "$d2" --format pdf -o missing.pdf
check "the field's name" 'grep -q "\"$req\"" err && [ ! -e missing.pdf ]'
expect_fail 2 "final needs it too" asurif draft status "$d2" final
check "names the field" 'grep -q "\"$req\"" err'

# ---- status ----
expect_ok "to review" asurif draft status "$memo" review
expect_ok "to final" asurif draft status "$memo" final
expect_fail 2 "no such status" asurif draft status "$memo" published
expect_ok "submitted" asurif draft status "$memo" submitted
expect_fail 2 "a submitted draft no longer changes" asurif draft edit "$memo" --field "$first=autre"
expect_ok "list --json" asurif draft list --campaign "$cid" --json
jq_check "both drafts, the first submitted" '(.drafts | length) == 2 and (.drafts[] | select(.id == '"$memo"') | .status) == "submitted"' out

# ---- exports ----
for f in md html pdf docx odt; do
	expect_ok "export $f" asurif draft export "$memo" --format $f -o "memo.$f"
	check "memo.$f is not empty" '[ -s memo.$f ]'
done
check "Markdown: numbered citations and the annex" 'grep -q "\[1\]" memo.md && grep -q "ملحق: المصادر" memo.md && grep -q "مرسوم الصفقات العمومية 2-22-431" memo.md'
check "Markdown: the hostile value stays text" 'grep -q "\\\\# ليس عنوانا" memo.md && ! grep -q "^# ليس" memo.md && grep -qF "{{campaign.title}}" memo.md'
check "HTML: right to left, escaped" 'grep -q "dir=\"rtl\"" memo.html && ! grep -q "<script>alert" memo.html && grep -q "&lt;script&gt;" memo.html'
pdftext memo.pdf >memo.txt
check "PDF: the Arabic reads in logical order" 'grep -q "تعاني المقاولات الصغيرة جدا" memo.txt'
check "PDF: the mixed line keeps its numbers and Latin words in place" 'squash <memo.txt | grep -q "^$MIXED"'
check "PDF: the long text flows onto more pages" '[ "$(pdfinfo memo.pdf | awk "/^Pages:/ {print \$2}")" -ge 3 ]'
check "PDF: the sources annex" 'squash <memo.txt | grep -q "ملحق:المصادر" && grep -q "مرسوم الصفقات العمومية" memo.txt'
check "DOCX: endnotes for the citations" 'unzip -p memo.docx word/endnotes.xml | grep -q "مرسوم الصفقات العمومية"'
check "DOCX: right-to-left paragraphs" 'unzip -p memo.docx word/document.xml | grep -q "<w:bidi/>"'
check "ODT: right-to-left" 'unzip -p memo.odt content.xml styles.xml | grep -q "rl-tb"'
mkdir -p lo
soffice --headless --norestore "-env:UserInstallation=file://$WORK/lo-profile" --convert-to pdf --outdir lo memo.docx memo.odt >lo.log 2>&1
check "LibreOffice opens the DOCX and the ODT" '[ -s lo/memo.pdf ] && grep -q "memo.docx" lo.log && grep -q "memo.odt" lo.log'
for f in docx odt; do
	cp "memo.$f" "lo-$f.$f"
	soffice --headless --norestore "-env:UserInstallation=file://$WORK/lo-profile" --convert-to pdf --outdir lo "lo-$f.$f" >/dev/null 2>&1
	pdftext "lo/lo-$f.pdf" >"lo-$f.txt" 2>/dev/null
	check "$f through LibreOffice: the Arabic in logical order" 'grep -q "تعاني المقاولات الصغيرة جدا" lo-$f.txt'
	check "$f through LibreOffice: numbers and Latin words in place" 'squash <lo-$f.txt | grep -q "$MIXED"'
	check "$f through LibreOffice: more than one page" '[ "$(pdfinfo lo/lo-$f.pdf | awk "/^Pages:/ {print \$2}")" -ge 2 ]'
done

# ---- a French draft ----
expect_ok "a French policy brief" asurif draft new --campaign "$cid" --type policy-brief --lang fr --json
d3=$(jq -r .id out)
asurif draft types --json | jq '.types[] | select(.name == "policy-brief") | [.fields[] | {(.name): (if .kind == "date" then "2026-11-20" elif .kind == "number" then "2" else "Les très petites entreprises d'"'"'Azilal attendent plus de 60 jours" end)}] | add' >fr.json
expect_ok "filled in" asurif draft edit "$d3" --from fr.json
expect_ok "exported to PDF" asurif draft export "$d3" --format pdf -o brief.pdf
check "reads back in French" 'pdftext brief.pdf | grep -q "très petites entreprises"'
expect_ok "Markdown to the standard output" asurif draft export "$d3" --format md
check "French annex title" 'grep -q "Annexe : sources" out'

# ---- templates: a workspace's own, and a damaged one ----
mkdir -p ws/overrides/draft/templates
printf '# Note de {{campaign.title}}\n\n{{#evidence}}- {{title}} {{{cite}}}\n{{/evidence}}\n' >ws/overrides/draft/templates/policy-brief.fr.md.mustache
expect_ok "an override replaces the built-in template" asurif draft export "$d3" --format md
check "its text is used" 'grep -q "^# Note de" out'
printf '# Note\n\n{{#evidence}}\n- {{title}\n{{/evidence}}\n' >ws/overrides/draft/templates/policy-brief.fr.md.mustache
expect_fail 1 "a template with a syntax error" asurif draft export "$d3" --format md
check "names the file and the line" 'grep -q "policy-brief.fr.md.mustache" err && grep -q "line 4" err'
rm ws/overrides/draft/templates/policy-brief.fr.md.mustache

# A letterhead: the workspace's own header for DOCX files (there is a header when the
# campaign has an organisation).
expect_ok "the campaign's organisation" asurif campaign edit "$cid" --org "Réseau Tadla-Atlas"
mkdir -p ws/overrides/export/docx
sed 's|{{{header}}}|<w:p><w:r><w:t>Réseau Tadla-Atlas — {{title}}</w:t></w:r></w:p>|' "$SRCDIR/data/export/docx/header1.xml" >ws/overrides/export/docx/header1.xml
expect_ok "export with the workspace's DOCX header" asurif draft export "$d3" --format docx -o letterhead.docx
check "the header is the workspace's" 'unzip -p letterhead.docx word/header1.xml | grep -q "Réseau Tadla-Atlas — "'
printf '<w:hdr>{{#title}}</w:hdr>\n' >ws/overrides/export/docx/header1.xml
expect_fail 1 "a damaged header template is named" asurif draft export "$d3" --format docx -o bad.docx
check "with its path" 'grep -q "overrides/export/docx/header1.xml" err && [ ! -e bad.docx ]'
rm -r ws/overrides/export

expect_ok "delete a draft" asurif draft rm "$d2"
expect_fail 1 "it is gone" asurif draft show "$d2"
finish
