#!/bin/sh
# Asurif benchmarks: retrieval quality on the shared test collections and speed
# on the Moroccan law corpus, each against plain SQLite FTS5 (unicode61).
#
#   bench/run.sh [quality|speed|export|petition|vectors|ask|all] [--fresh]
#
# ask      time to first token of an asked question: the model sends a first piece, then pauses;
#          measured until an SSE client of /ask/stream reads it (bench/ask.sh)
# vectors  vector search over 100,000 passages of 1,024-value embeddings in a workspace:
#          index load, search latency (p50, p99) and memory added, against float32 and a
#          plain loop in the same run
# petition 100,000 signatures imported from a CSV (against sqlite3 .import) and from XLSX, the signing page
#          under 200 POSTs/s for 60 s, and a kill -9 of the server under load (bench/petition.sh)
# export   a 10-page Arabic memorandum with 30 citations in every format, against LibreOffice
#          converting the same DOCX to PDF
# quality  ARCD (Arabic) and CNIL FAQ (French): MRR@10, nDCG@10, Hit@1, Hit@10, Recall@100
# speed    ingest throughput and peak memory, OR / AND query latency (p50, p90, p99),
#          and the web server's requests per second and latency (bench/web.sh)
# --fresh  re-ingest the law corpus even when the workspace from an earlier run
#          was built from the same input (otherwise its ingest figures are reused)
#
# Raw results go to $BUILD/bench-results (BUILD defaults to build); the shared data
# is read from $SHARED (default ../shared, i.e. shared/ beside the clone).
# The bench programs are built by `make bench` (or `make build/bench/NAME`).
set -eu

# SHARED given by the caller is relative to where they are; the default, to the clone.
case ${SHARED:-} in
"" | /*) ;;
*) SHARED=$PWD/$SHARED ;;
esac
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
SHARED=${SHARED:-../shared}
OUT=$BUILD/bench-results
ASURIF=$BUILD/asurif
B=$BUILD/bench
SEED=20250601   # the law query set: same seed, same queries
NQUERIES=500

what=all
fresh=0
quality_ran=0
speed_ran=0
for arg in "$@"; do
	case $arg in
	quality | speed | export | petition | vectors | ask | all) what=$arg ;;
	--fresh) fresh=1 ;;
	-h | --help)
		sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "usage: bench/run.sh [quality|speed|export|petition|vectors|ask|all] [--fresh]" >&2
		exit 2
		;;
	esac
done

missing=""
for p in "$ASURIF" "$B/evalset" "$B/baseline" "$B/lawcorpus" "$B/searchbench" "$B/peakrss" "$B/report" "$B/export" "$B/vectors"; do
	[ -x "$p" ] || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "bench: building$missing"
	# shellcheck disable=SC2086 # one argument per program
	make -s BUILD="$BUILD" $missing
fi
mkdir -p "$OUT"

log() { printf '%s\n' "bench: $*" >&2; }

# ---- retrieval quality ----

# eval_set NAME LANG: one collection through asurif and through the baseline.
eval_set() {
	name=$1 lang=$2
	src=$SHARED/eval/$name
	dir=$OUT/$name
	if [ ! -f "$src/docs.tsv" ] || [ ! -f "$src/queries.tsv" ] || [ ! -f "$src/qrels.txt" ]; then
		log "$src not found: skipping $name"
		return 0
	fi
	quality_ran=1
	log "$name: ingest and $(wc -l <"$src/queries.tsv") queries"
	rm -rf "$dir"
	mkdir -p "$dir"
	"$B/evalset" jsonl "$src/docs.tsv" "$lang" >"$dir/docs.jsonl"
	"$B/evalset" queries "$src/queries.tsv" >"$dir/queries.txt"
	"$ASURIF" init "$dir/ws" >/dev/null
	# Exits 1 when a line is refused; the log says which.
	"$ASURIF" -w "$dir/ws" add "$dir/docs.jsonl" >"$dir/add.log" 2>&1 || log "$name: some documents were refused, see $dir/add.log"
	tail -n 1 "$dir/add.log" >&2
	"$ASURIF" -w "$dir/ws" search --batch "$dir/queries.txt" --limit 100 --json >"$dir/asurif.jsonl"
	"$B/baseline" eval "$src/docs.tsv" "$dir/queries.txt" 100 >"$dir/baseline.jsonl"
	"$B/evalset" score "$src/qrels.txt" "$src/queries.tsv" "$dir/asurif.jsonl" "$name asurif" >>"$OUT/quality.jsonl"
	"$B/evalset" score "$src/qrels.txt" "$src/queries.tsv" "$dir/baseline.jsonl" "$name stock-unicode61" >>"$OUT/quality.jsonl"
}

run_quality() {
	: >"$OUT/quality.jsonl"
	eval_set arcd ar
	eval_set cnil-faq-fr fr
}

# ---- speed ----

stamp_of() { cksum <"$1" | cut -d' ' -f1-2; }

run_speed() {
	gz=$SHARED/data/morocco-law/provisions.jsonl.gz
	if [ ! -f "$gz" ]; then
		log "$gz not found: skipping the speed benchmark"
		return 0
	fi
	speed_ran=1
	law=$OUT/law.jsonl
	ws=$OUT/law-ws
	db=$OUT/law-baseline.db

	src_stamp=$(stamp_of "$gz")
	if [ ! -f "$law" ] || [ ! -s "$OUT/law-convert.json" ] || [ "$(cat "$OUT/law.src" 2>/dev/null)" != "$src_stamp" ]; then
		log "converting $gz"
		gzip -dc "$gz" | "$B/lawcorpus" convert >"$law.tmp" 2>"$OUT/law-convert.json"
		mv "$law.tmp" "$law"
		printf '%s\n' "$src_stamp" >"$OUT/law.src"
	fi
	law_stamp=$(stamp_of "$law")

	reuse=0
	if [ "$fresh" = 0 ] && [ -f "$ws/asurif.db" ] && [ -f "$OUT/law-ingest-time.json" ] &&
		[ "$(cat "$OUT/law-ws.stamp" 2>/dev/null)" = "$law_stamp" ]; then
		if "$B/searchbench" --check-stale "$ws"; then
			reuse=1
		else
			log "the law workspace index is from another analyser version: re-ingesting"
		fi
	fi
	if [ "$reuse" = 1 ]; then
		log "reusing $ws (same input; bench/run.sh speed --fresh re-measures ingest)"
	else
		log "ingesting $(wc -l <"$law") law provisions with asurif (a few minutes)"
		rm -rf "$ws" "$OUT/law-ws.stamp"
		"$ASURIF" init "$ws" >/dev/null
		rc=0
		"$B/peakrss" "$OUT/law-ingest-time.json" "$ASURIF" -w "$ws" add "$law" >"$OUT/law-add.log" 2>&1 || rc=$?
		tail -n 1 "$OUT/law-add.log" >&2
		[ "$rc" = 0 ] || log "asurif add exited with $rc: see $OUT/law-add.log"
		date -u '+%Y-%m-%d %H:%M UTC' >"$OUT/law-ingest-date.txt"
		printf '%s\n' "$law_stamp" >"$OUT/law-ws.stamp"
	fi
	if [ "$reuse" = 1 ] && [ -f "$db" ] && [ -f "$OUT/baseline-ingest-time.json" ] &&
		[ "$(cat "$OUT/law-baseline.stamp" 2>/dev/null)" = "$law_stamp" ]; then
		log "reusing $db"
	else
		log "ingesting the same texts into plain FTS5 (unicode61)"
		rm -f "$OUT/law-baseline.stamp"
		"$B/peakrss" "$OUT/baseline-ingest-time.json" "$B/baseline" ingest "$db" "$law" >"$OUT/baseline-ingest.json"
		printf '%s\n' "$law_stamp" >"$OUT/law-baseline.stamp"
		# The same with 1000 documents per transaction: what batching alone would give.
		"$B/peakrss" "$OUT/baseline-batched-ingest-time.json" "$B/baseline" ingest "$OUT/law-baseline-batched.db" "$law" 1000 \
			>"$OUT/baseline-batched-ingest.json"
		rm -f "$OUT/law-baseline-batched.db" "$OUT/law-baseline-batched.db-wal" "$OUT/law-baseline-batched.db-shm"
	fi

	log "making $NQUERIES queries from the corpus (seed $SEED)"
	"$B/lawcorpus" queries "$law" "$NQUERIES" "$SEED" "$OUT/law-known" >"$OUT/law-queries.txt"
	cat "$OUT/law-queries.txt" bench/law-questions.txt >"$OUT/law-queries-all.txt"
	nq=$(wc -l <"$OUT/law-queries-all.txt")

	log "timing $nq OR queries and $nq AND queries, asurif and baseline"
	"$B/searchbench" "$ws" "$OUT/law-queries-all.txt" --limit 10 >"$OUT/search-or.json"
	"$B/searchbench" "$ws" "$OUT/law-queries-all.txt" --limit 10 --all >"$OUT/search-and.json"
	"$B/baseline" search "$db" "$OUT/law-queries-all.txt" 10 or >"$OUT/baseline-search-or.json"
	"$B/baseline" search "$db" "$OUT/law-queries-all.txt" 10 and >"$OUT/baseline-search-and.json"
	# Known-item retrieval: does a query find the article it was made from?
	log "known-item test: each generated query against its own article (top 100)"
	"$ASURIF" -w "$ws" search --batch "$OUT/law-queries.txt" --limit 100 --json >"$OUT/law-known-asurif.jsonl"
	"$B/baseline" query "$db" "$OUT/law-queries.txt" 100 >"$OUT/law-known-baseline.jsonl"
	{
		"$B/evalset" score "$OUT/law-known.qrels" "$OUT/law-known.queries.tsv" "$OUT/law-known-asurif.jsonl" "morocco-law-known-item asurif"
		"$B/evalset" score "$OUT/law-known.qrels" "$OUT/law-known.queries.tsv" "$OUT/law-known-baseline.jsonl" "morocco-law-known-item stock-unicode61"
	} >"$OUT/law-known.jsonl"
	# What the hand-written questions find, for a person to read.
	"$ASURIF" -w "$ws" search --batch bench/law-questions.txt --limit 3 --json >"$OUT/law-questions-results.jsonl"
}

# ---- exports ----

run_export() {
	log "exporting a 10-page Arabic memorandum with 30 citations (21 runs per format), and LibreOffice"
	if command -v soffice >/dev/null 2>&1; then lo=--soffice; else lo=""; fi
	# shellcheck disable=SC2086 # no option or one
	"$B/export" data/demo/08-mudhakkira-ajal-al-ada.txt data/demo/03-mahdar-jalsa-tamwil.txt \
		data/demo/05-rapport-litteratie-numerique-ia.txt $lo >"$OUT/export.json"
}

export_report() {
	jq -r '
	  def ms: . * 100 | round / 100;
	  "A memorandum of \(.pages) A4 pages (\(.words) words, \(.citations) citations), median of \(.runs) runs.",
	  "",
	  "| format | median (ms) | file (KB) | goal |",
	  "|---|---:|---:|---|",
	  "| PDF (pango + cairo) | \(.median_ms.pdf | ms) | \(.bytes.pdf / 1024 | round) | ≤ 300 ms: \(if .median_ms.pdf <= 300 then "met" else "**NOT met**" end) |",
	  "| DOCX | \(.median_ms.docx | ms) | \(.bytes.docx / 1024 | round) | ≤ 100 ms: \(if .median_ms.docx <= 100 then "met" else "**NOT met**" end) |",
	  "| ODT | \(.median_ms.odt | ms) | \(.bytes.odt / 1024 | round) |  |",
	  "| HTML | \(.median_ms.html | ms) | \(.bytes.html / 1024 | round) |  |",
	  "| Markdown | \(.median_ms.md | ms) | \(.bytes.md / 1024 | round) |  |",
	  (if .libreoffice_docx_to_pdf_ms then
	    "| baseline: LibreOffice, the same DOCX to PDF | \(.libreoffice_docx_to_pdf_ms | ms) | — | our PDF takes \(.median_ms.pdf / .libreoffice_docx_to_pdf_ms * 1000 | round / 1000)× its time |"
	   else "| baseline: LibreOffice | not installed | — |  |" end)
	' "$OUT/export.json"
}

run_vectors() {
	log "vectors: 100,000 passages x 1,024 values stored in a workspace, then 200 queries (and the float32 baseline)"
	rm -rf "$OUT/vectors-ws"
	"$B/vectors" make "$OUT/vectors-ws" 100000 1024
	"$B/vectors" search "$OUT/vectors-ws" 200 >"$OUT/vectors.json"
	rm -rf "$OUT/vectors-ws"
}

vectors_report() {
	jq -r '
	  def ms: . * 100 | round / 100;
	  "\(.rows) passages, \(.dim) values each, \(.queries) queries, top 10; index loaded in \(.load_s * 1000 | round) ms.",
	  "",
	  "| | median (ms) | p99 (ms) | memory added (MB) | goal |",
	  "|---|---:|---:|---:|---|",
	  "| signed bytes (scan split over 2 threads), top 40 scored again in float | \(.search.p50_ms | ms) | \(.search.p99_ms | ms) | \(.peak_added_mb | round) | ≤ 20 ms: \(if .search.p99_ms <= 20 then "met" else "**NOT met**" end); ≤ 400 MB: \(if .peak_added_mb <= 400 then "met" else "**NOT met**" end) |",
	  "| baseline: float32, plain loop | \(.baseline_float32.p50_ms | ms) | \(.baseline_float32.p99_ms | ms) | \(.baseline_float32_mb | round) | ours takes \(.search.p50_ms / .baseline_float32.p50_ms * 1000 | round / 1000)× its time |",
	  "",
	  "Recall@10 against the exact float32 top 10: \(.recall_at_10 * 1000 | round / 10)%. Load average when the run started: \(.loadavg_1min) (\(if .loadavg_1min > 2 then "the machine was busy with other work: latencies are inflated" else "a quiet machine" end))."
	' "$OUT/vectors.json"
}

case $what in
vectors) run_vectors ;;
quality) run_quality ;;
speed) run_speed ;;
export) run_export ;;
all)
	run_quality
	run_speed
	run_export
	;;
esac

echo
if [ "$quality_ran" = 1 ]; then
	echo "## Retrieval quality (top 100 per query, scored per document)"
	echo
	"$B/report" quality "$OUT"
	echo
elif [ "$what" = quality ] || [ "$what" = all ]; then
	echo "Retrieval quality: skipped, no test collection under $SHARED/eval"
fi
if [ "$speed_ran" = 1 ]; then
	echo "## Speed: Moroccan law corpus"
	echo
	"$B/report" speed "$OUT"
	echo
elif [ "$what" = speed ] || [ "$what" = all ]; then
	echo "Speed: skipped, no law corpus under $SHARED/data/morocco-law"
fi
if [ "$speed_ran" = 1 ] && [ -f "$OUT/law-ws/asurif.db" ]; then
	echo "## Web server on the law corpus (wrk, 2 threads, 32 keep-alive connections, 10 s per page)"
	echo
	bench/web.sh "$OUT/law-ws" 10
	echo
fi
if [ "$what" = petition ] || [ "$what" = all ]; then
	echo "## Petitions: import, signing under load, kill -9"
	echo
	BUILD=$BUILD bench/petition.sh
	echo
fi
if [ "$what" = vectors ] && [ -s "$OUT/vectors.json" ]; then
	echo "## Vector search"
	echo
	vectors_report
	echo
fi
if [ -s "$OUT/export.json" ] && { [ "$what" = export ] || [ "$what" = all ]; }; then
	echo "## Exports"
	echo
	export_report
	echo
fi
echo "Raw results: $OUT"
if [ "$what" = ask ]; then
	echo "## Asking: time to first streamed token"
	echo
	echo "| figure | median (ms) | p95 (ms) | max (ms) | goal |"
	echo "|---|---:|---:|---:|---|"
	BUILD=$BUILD bench/ask.sh 50
	echo
fi
