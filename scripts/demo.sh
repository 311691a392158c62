#!/bin/sh
# Builds the demo workspace (documents written for the demo, in Arabic and French,
# on training, finance and public procurement for micro-enterprises, a campaign's
# case file and a petition drafted from it), shows the example searches, then serves
# the web application. Used by `make run`.
#   scripts/demo.sh            build if missing, search, serve on 127.0.0.1:8080
#   scripts/demo.sh --no-serve build if missing and search only
set -eu
cd "$(dirname "$0")/.."
ASURIF=${ASURIF:-build/asurif}
DEMO=${DEMO:-demo}

if [ ! -f "$DEMO/asurif.db" ]; then
	echo "Creating the demo workspace in $DEMO/"
	"$ASURIF" init "$DEMO" >/dev/null
	# manifest.tsv: file, kind, lang, issuer, date, title
	grep -v '^#' data/demo/manifest.tsv | while IFS="$(printf '\t')" read -r file kind lang issuer date title; do
		"$ASURIF" -w "$DEMO" add "data/demo/$file" --kind "$kind" --lang "$lang" \
			--issuer "$issuer" --date "$date" --title "$title"
	done
	# A campaign's case file (its evidence points at the documents above) and a petition
	# written from it.
	campaign=$("$ASURIF" -w "$DEMO" campaign import data/demo/campaign.json --json | sed 's/[^0-9]*\([0-9]*\).*/\1/')
	draft=$("$ASURIF" -w "$DEMO" draft new --campaign "$campaign" --type petition-province --lang ar \
		--from data/demo/draft-petition.json --as "فاطمة الزهراء" --json | sed 's/[^0-9]*\([0-9]*\).*/\1/')
	# The petition itself, to the council of Azilal province (05.081): its checklist and legal
	# dates are on its page; signatures come from the public page once a coordinator opens it.
	"$ASURIF" -w "$DEMO" petition new --campaign "$campaign" --rule ma/province --territory 05.081 \
		--draft "$draft" --by-association "شبكة جمعيات تادلة-الأطلس للتنمية" >/dev/null
	echo "Campaign $campaign, a petition to the province council drafted from it, and the petition are in the demo workspace."
fi

echo
"$ASURIF" -w "$DEMO" docs
while IFS= read -r q; do
	[ -n "$q" ] || continue
	echo
	echo "\$ asurif search '$q' --limit 3"
	"$ASURIF" -w "$DEMO" search "$q" --limit 3
done <data/demo/searches.txt
echo
echo "\$ asurif refs 113.14"
"$ASURIF" -w "$DEMO" refs 113.14
echo
echo "The demo workspace is in $DEMO/. Try: $ASURIF -w $DEMO search \"تمويل المقاولات\""
[ "${1:-}" = "--no-serve" ] && exit 0
echo
exec "$ASURIF" -w "$DEMO" serve --listen "${LISTEN:-127.0.0.1:8080}"
