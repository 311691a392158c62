/*
 * Personal data (law 09-08): the workspace key on disk, sealing and opening values, keyed hashes
 * of ID numbers, the ID number format, and a SQLite file searched byte by byte for plaintext.
 * Files go under $TMPROOT (tests/run.sh), $TMPDIR or /tmp, removed at the end unless
 * ASURIF_KEEP_TMP is set.
 */
#define _XOPEN_SOURCE 700 /* nftw, to remove the work folder */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/fs.h"
#include "petition/cin.h"
#include "petition/vault.h"
#include "tmpdir.h"

static char *root;

/* A fresh workspace folder named name, with keys/ (mode 0700) unless told otherwise. */
static char *workspace(const char *name, int with_keys)
{
	char *dir = fs_join(root, name);
	assert_int_equal(mkdir(dir, 0755), 0);
	if (with_keys) {
		char *keys = fs_join(dir, "keys");
		assert_int_equal(mkdir(keys, 0700), 0);
		free(keys);
	}
	return dir;
}

static char *key_path(const char *ws)
{
	return fs_join(ws, VAULT_KEY_PATH);
}

static struct vault *open_ok(const char *ws)
{
	struct vault *v = NULL;
	struct err e = ERR_INIT;
	int r = vault_open(ws, &v, &e);
	if (r)
		fail_msg("vault_open %s: %d %s", ws, r, e.msg);
	assert_non_null(v);
	return v;
}

/* Opening ws must fail with code, the message naming the key's path and containing want. */
static void open_fails(const char *ws, int code, const char *want)
{
	struct vault *v = (struct vault *)&v; /* must come back NULL */
	struct err e = ERR_INIT;
	assert_int_equal(vault_open(ws, &v, &e), code);
	assert_null(v);
	char *path = key_path(ws);
	if (!strstr(e.msg, path) || !strstr(e.msg, want))
		fail_msg("message \"%s\" should name %s and say \"%s\"", e.msg, path, want);
	free(path);
}

static int contains(const void *hay, size_t n, const void *needle, size_t m)
{
	const unsigned char *h = hay;
	if (!m || m > n)
		return !m;
	for (const unsigned char *p = h; (p = memchr(p, *(const unsigned char *)needle, n - m + 1 - (size_t)(p - h)));
	     p++)
		if (memcmp(p, needle, m) == 0)
			return 1;
	return 0;
}

static void write_file(const char *path, const void *data, size_t n, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

/* ---- the key file ---- */

static void key_created_private_and_reused(void **state)
{
	(void)state;
	char *ws = workspace("first-use", 1);
	struct vault *a = open_ok(ws);
	char *path = key_path(ws);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 32);
	/* nothing else left behind in keys/ */
	char *keys = fs_join(ws, "keys");
	DIR *d = opendir(keys);
	assert_non_null(d);
	int files = 0;
	for (struct dirent *de; (de = readdir(d));)
		files += de->d_name[0] != '.';
	closedir(d);
	assert_int_equal(files, 1);

	/* a second handle reads the same key: what one seals, the other opens */
	struct vault *b = open_ok(ws);
	struct buf sealed = BUF_INIT, plain = BUF_INIT;
	struct err e = ERR_INIT;
	assert_int_equal(vault_seal(a, "Khadija Ait Lahcen", 18, "signature.name:1", &sealed, &e), 0);
	assert_int_equal(vault_unseal(b, sealed.data, sealed.len, "signature.name:1", &plain, &e), 0);
	assert_string_equal(buf_str(&plain), "Khadija Ait Lahcen");
	vault_buf_wipe(&plain);
	buf_release(&sealed);
	vault_close(a);
	vault_close(b);
	vault_close(NULL);
	free(keys);
	free(path);
	free(ws);
}

static void key_folder_created_when_missing(void **state)
{
	(void)state;
	char *ws = workspace("no-keys-folder", 0);
	struct vault *v = open_ok(ws);
	char *keys = fs_join(ws, "keys");
	struct stat st;
	assert_int_equal(stat(keys, &st), 0);
	assert_int_equal(st.st_mode & 0077, 0);
	vault_close(v);
	free(keys);
	free(ws);
}

static void key_open_to_others_refused(void **state)
{
	(void)state;
	char *ws = workspace("wide-mode", 1);
	vault_close(open_ok(ws));
	char *path = key_path(ws);
	static const mode_t wide[] = {0644, 0640, 0604, 0660, 0700, 0666};
	for (size_t i = 0; i < ARRAY_SIZE(wide); i++) {
		assert_int_equal(chmod(path, wide[i]), 0);
		open_fails(ws, ERR_IO, "chmod 600");
	}
	assert_int_equal(chmod(path, 0400), 0); /* narrower is fine */
	vault_close(open_ok(ws));
	assert_int_equal(chmod(path, 0600), 0);
	vault_close(open_ok(ws));
	free(path);
	free(ws);
}

static void key_damaged_refused(void **state)
{
	(void)state;
	char *ws = workspace("damaged", 1);
	vault_close(open_ok(ws));
	char *path = key_path(ws);
	unsigned char key[33];
	struct buf good = BUF_INIT;
	assert_int_equal(fs_read_file(path, 0, &good, NULL), 0);
	assert_int_equal(good.len, 32);
	memcpy(key, good.data, 32);
	key[32] = 'x';

	write_file(path, key, 31, 0600); /* truncated */
	open_fails(ws, ERR_IO, "31 bytes instead of 32");
	write_file(path, key, 0, 0600);
	open_fails(ws, ERR_IO, "damaged");
	write_file(path, key, 33, 0600); /* something appended */
	open_fails(ws, ERR_IO, "33 bytes");
	unsigned char zeros[32] = {0};
	write_file(path, zeros, 32, 0600);
	open_fails(ws, ERR_IO, "all zeros");
	/* a folder where the key should be */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0700), 0);
	open_fails(ws, ERR_IO, "not a regular file");
	assert_int_equal(rmdir(path), 0);

	/* the damaged key was never replaced by a new one behind our back: the old one still works */
	write_file(path, good.data, 32, 0600);
	struct vault *v = open_ok(ws);
	char h1[65], h2[65];
	vault_keyed_hash(v, "BE123456", 8, h1);
	vault_close(v);
	v = open_ok(ws);
	vault_keyed_hash(v, "BE123456", 8, h2);
	assert_string_equal(h1, h2);
	vault_close(v);
	buf_release(&good);
	free(path);
	free(ws);
}

/* Eight processes open a new workspace at the same moment: all end with one and the same key. */
static void key_created_once_under_a_race(void **state)
{
	(void)state;
	enum { N = 8 };
	char *ws = workspace("race", 1);
	int go[2], res[2];
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(res), 0);
	pid_t pids[N];
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			close(go[1]);
			close(res[0]);
			char c;
			while (read(go[0], &c, 1) < 0 && errno == EINTR)
				;
			struct vault *v = NULL;
			char line[66] = {0};
			if (vault_open(ws, &v, NULL) == 0) {
				vault_keyed_hash(v, "race", 4, line);
				vault_close(v);
			} else {
				memset(line, '!', 64);
			}
			line[64] = '\n';
			_exit(write(res[1], line, 65) == 65 ? 0 : 1);
		}
	}
	close(go[0]);
	close(res[1]);
	close(go[1]); /* everyone starts now */
	char all[N * 65 + 1];
	size_t got = 0;
	for (ssize_t r; got < sizeof(all) - 1 && (r = read(res[0], all + got, sizeof(all) - 1 - got)) != 0;)
		if (r > 0)
			got += (size_t)r;
	close(res[0]);
	for (int i = 0; i < N; i++) {
		int status = 0;
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	assert_int_equal(got, N * 65);
	struct vault *v = open_ok(ws);
	char want[65];
	vault_keyed_hash(v, "race", 4, want);
	vault_close(v);
	for (int i = 0; i < N; i++)
		assert_memory_equal(all + i * 65, want, 64);
	free(ws);
}

/* ---- sealing ---- */

static void seal_round_trip(void **state)
{
	(void)state;
	char *ws = workspace("round-trip", 1);
	struct vault *v = open_ok(ws);
	size_t big_n = 64 * 1024;
	char *big = xmalloc(big_n);
	for (size_t i = 0; i < big_n; i++)
		big[i] = (char)(i * 31 + i / 256); /* every byte value, NUL included */
	struct {
		const char *text;
		size_t n;
	} cases[] = {
	    {"فاطمة الزهراء بنعلي، حي السلام، بني ملال", 0},
	    {"Élodie Ben Salah, 12 rue de l'Écluse, Khouribga — tél. 06 12 34 56 78", 0},
	    {"", 0},
	    {big, big_n},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t n = cases[i].n ? cases[i].n : strlen(cases[i].text);
		struct buf sealed = BUF_INIT, plain = BUF_INIT;
		struct err e = ERR_INIT;
		assert_int_equal(vault_seal(v, cases[i].text, n, "signature.address:petition 3 row 9", &sealed, &e), 0);
		assert_int_equal(sealed.len, n + VAULT_SEAL_OVERHEAD);
		if (n >= 8)
			assert_false(contains(sealed.data, sealed.len, cases[i].text, 8));
		assert_int_equal(
		    vault_unseal(v, sealed.data, sealed.len, "signature.address:petition 3 row 9", &plain, &e), 0);
		assert_int_equal(plain.len, n);
		assert_memory_equal(buf_str(&plain), cases[i].text, n);
		assert_int_equal(buf_str(&plain)[n], '\0');
		vault_buf_wipe(&plain);
		buf_release(&sealed);
	}

	/* caps are respected both ways */
	struct buf small = BUF_INIT, sealed = BUF_INIT;
	struct err e = ERR_INIT;
	buf_init(&small, 100);
	assert_int_equal(vault_seal(v, big, 100, "x", &small, &e), ERR_TOO_BIG);
	assert_int_equal(vault_seal(v, big, 100, "x", &sealed, &e), 0);
	assert_int_equal(vault_unseal(v, sealed.data, sealed.len, "x", &small, &e), 0);
	assert_int_equal(small.len, 100);
	assert_int_equal(vault_seal(v, big, 101, "x", &sealed, &e), 0);
	assert_int_equal(vault_unseal(v, sealed.data, sealed.len, "x", &small, &e), ERR_TOO_BIG);
	assert_int_equal(small.len, 0);
	vault_buf_wipe(&small);
	buf_release(&sealed);
	free(big);
	vault_close(v);
	free(ws);
}

static void unseal_fails(const struct vault *v, const void *s, size_t n, const char *context, const char *want)
{
	struct buf plain = BUF_INIT;
	struct err e = ERR_INIT;
	buf_appends(&plain, "left over");
	assert_int_equal(vault_unseal(v, s, n, context, &plain, &e), ERR_FORMAT);
	assert_int_equal(plain.len, 0);
	if (want && !strstr(e.msg, want))
		fail_msg("message \"%s\" should say \"%s\"", e.msg, want);
	vault_buf_wipe(&plain);
}

static void seal_tampering_detected(void **state)
{
	(void)state;
	static const char match[] = "does not match its key or place";
	char *ws = workspace("tamper", 1), *other_ws = workspace("tamper-other", 1);
	struct vault *v = open_ok(ws), *other = open_ok(other_ws);
	struct buf sealed = BUF_INIT;
	const char *ctx = "signature.cin:petition 12 row 4";
	assert_int_equal(vault_seal(v, "BE123456", 8, ctx, &sealed, NULL), 0);
	unsigned char *s = (unsigned char *)sealed.data;

	/* every single flipped bit position of every byte */
	for (size_t i = 0; i < sealed.len; i++)
		for (int bit = 0; bit < 8; bit++) {
			s[i] ^= (unsigned char)(1u << bit);
			unseal_fails(v, s, sealed.len, ctx, i ? match : "unknown format");
			s[i] ^= (unsigned char)(1u << bit);
		}
	/* every truncation, and one byte too many */
	for (size_t n = 0; n < sealed.len; n++)
		unseal_fails(v, s, n, ctx, match);
	unsigned char longer[64];
	memcpy(longer, s, sealed.len);
	longer[sealed.len] = 0;
	unseal_fails(v, longer, sealed.len + 1, ctx, match);
	/* moved to another field or row */
	unseal_fails(v, s, sealed.len, "signature.cin:petition 12 row 5", match);
	unseal_fails(v, s, sealed.len, "signature.name:petition 12 row 4", match);
	unseal_fails(v, s, sealed.len, "", match);
	/* another workspace's key */
	unseal_fails(other, s, sealed.len, ctx, match);
	/* and the untouched value still opens */
	struct buf plain = BUF_INIT;
	assert_int_equal(vault_unseal(v, s, sealed.len, ctx, &plain, NULL), 0);
	assert_string_equal(buf_str(&plain), "BE123456");
	vault_buf_wipe(&plain);
	buf_release(&sealed);
	vault_close(v);
	vault_close(other);
	free(ws);
	free(other_ws);
}

static void seal_uses_a_fresh_nonce(void **state)
{
	(void)state;
	char *ws = workspace("nonce", 1);
	struct vault *v = open_ok(ws);
	struct buf a = BUF_INIT, b = BUF_INIT, p = BUF_INIT;
	assert_int_equal(vault_seal(v, "Youssef", 7, "c", &a, NULL), 0);
	assert_int_equal(vault_seal(v, "Youssef", 7, "c", &b, NULL), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_not_equal(a.data, b.data, a.len);
	assert_memory_not_equal(a.data + 1, b.data + 1, 24); /* the nonces themselves */
	assert_int_equal(vault_unseal(v, b.data, b.len, "c", &p, NULL), 0);
	assert_string_equal(buf_str(&p), "Youssef");
	vault_buf_wipe(&p);
	buf_release(&a);
	buf_release(&b);
	vault_close(v);
	free(ws);
}

/* ---- keyed hashes and ID numbers ---- */

static void keyed_hash_of_id_numbers(void **state)
{
	(void)state;
	char *ws = workspace("hash", 1), *other_ws = workspace("hash-other", 1);
	struct vault *v = open_ok(ws), *again = open_ok(ws), *other = open_ok(other_ws);
	static const char *const same[] = {"BE 123 456", "be123456",       "BE-123456", "be.123.456",
	                                   "BE١٢٣٤٥٦",   "\u200FBE 123456" /* a right-to-left mark pasted in front */};
	char first[65] = {0};
	for (size_t i = 0; i < ARRAY_SIZE(same); i++) {
		char cin[CIN_MAX], h[65], h_again[65], h_other[65];
		struct err e = ERR_INIT;
		if (cin_normalise(same[i], cin, &e))
			fail_msg("%s: %s", same[i], e.msg);
		assert_string_equal(cin, "BE123456");
		vault_keyed_hash(v, cin, strlen(cin), h);
		vault_keyed_hash(again, cin, strlen(cin), h_again);
		vault_keyed_hash(other, cin, strlen(cin), h_other);
		assert_int_equal(strlen(h), 64);
		assert_int_equal(strspn(h, "0123456789abcdef"), 64);
		assert_string_equal(h, h_again);     /* stable across handles */
		assert_string_not_equal(h, h_other); /* unrelated in another workspace */
		if (i == 0)
			memcpy(first, h, sizeof(first));
		assert_string_equal(h, first);
	}
	char h[65];
	vault_keyed_hash(v, "BE123457", 8, h);
	assert_string_not_equal(h, first);
	/* the hash is not a plain hash of the number */
	unsigned char plain[32];
	char plain_hex[65];
	crypto_generichash(plain, sizeof(plain), (const unsigned char *)"BE123456", 8, NULL, 0);
	sodium_bin2hex(plain_hex, sizeof(plain_hex), plain, sizeof(plain));
	assert_string_not_equal(first, plain_hex);
	vault_close(v);
	vault_close(again);
	vault_close(other);
	free(ws);
	free(other_ws);
}

static void cin_cases(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		const char *want; /* the normalised number, or a fragment of the message */
		int ok;
	} cases[] = {
	    {"A1", "A1", 1},
	    {"AB1234567", "AB1234567", 1},
	    {"ab 12 34", "AB1234", 1},
	    {"BE١٢٣٤٥٦", "BE123456", 1},
	    {"j۰۰۷", "J007", 1},
	    {"  bk-12.34\t", "BK1234", 1},
	    {"BE\xC2\xA0"
	     "123\xE2\x80\xAF"
	     "456",
	     "BE123456", 1},
	    {"", "empty", 0},
	    {" - . ", "empty", 0},
	    {"123456", "letters missing", 0},
	    {"ABC123", "too many letters (3)", 0},
	    {"AB12345678", "too many digits (8)", 0},
	    {"A-", "digits missing", 0},
	    {"ÉB12", "\"É\" (U+00C9)", 0},
	    {"ÉB12", "without its accent", 0},
	    {"AB12C4", "a letter (C) comes after the digits", 0},
	    {"بE12", "(U+0628)", 0},
	    {"AB/1234", "\"/\" (U+002F)", 0},
	    {"AB\x01"
	     "12",
	     "invisible character U+0001", 0},
	    {"AB\xFF"
	     "12",
	     "not valid text", 0},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char out[CIN_MAX] = "junk";
		struct err e = ERR_INIT;
		int r = cin_normalise(cases[i].in, out, &e);
		if (cases[i].ok) {
			if (r)
				fail_msg("case %zu \"%s\": %s", i, cases[i].in, e.msg);
			assert_string_equal(out, cases[i].want);
			continue;
		}
		if (r != ERR_FORMAT)
			fail_msg("case %zu \"%s\": gave %d (%s), want ERR_FORMAT", i, cases[i].in, r, out);
		assert_string_equal(out, "");
		if (!strstr(e.msg, cases[i].want))
			fail_msg("case %zu: message \"%s\" should say \"%s\"", i, e.msg, cases[i].want);
		if (!strstr(e.msg, "one or two Latin letters followed by up to 7 digits, "
		                   "like BE123456"))
			fail_msg("case %zu: message \"%s\" does not say what an ID number looks like", i, e.msg);
	}
	/* the message never repeats the number itself */
	char out[CIN_MAX];
	struct err e = ERR_INIT;
	assert_int_equal(cin_normalise("XY123456789", out, &e), ERR_FORMAT);
	assert_null(strstr(e.msg, "123456789"));
	assert_int_equal(cin_normalise(NULL, out, &e), ERR_FORMAT);
}

/* ---- the database file ---- */

static void exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

/* Fails if any needle is in the file at path (a missing file is fine); counts the marker's hits. */
static int scan_file(const char *path, char **needles, size_t count, const char *marker)
{
	if (!fs_exists(path))
		return 0;
	struct buf raw = BUF_INIT;
	assert_int_equal(fs_read_file(path, 0, &raw, NULL), 0);
	for (size_t i = 0; i < count; i++)
		if (contains(raw.data, raw.len, needles[i], strlen(needles[i])))
			fail_msg("%s holds \"%s\" in clear", path, needles[i]);
	int found = contains(raw.data, raw.len, marker, strlen(marker));
	buf_release(&raw);
	return found;
}

static void database_never_holds_plaintext(void **state)
{
	(void)state;
	enum { ROWS = 200 };
	char *ws = workspace("database", 1);
	struct vault *v = open_ok(ws);
	char *path = fs_join(ws, "asurif.db"), *wal = xasprintf("%s-wal", path);
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	exec_ok(db, "PRAGMA journal_mode = WAL");
	exec_ok(db, "CREATE TABLE signature (id INTEGER PRIMARY KEY, label TEXT, "
	            "name BLOB, cin BLOB, cin_hash TEXT)");
	sqlite3_stmt *ins = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO signature VALUES (?, ?, ?, ?, ?)", -1, &ins, NULL),
	                 SQLITE_OK);

	/* needles: every full name and ID number, and the name parts every row shares */
	char *needles[2 * ROWS + 4];
	size_t count = 0;
	needles[count++] = xstrdup("Benali");
	needles[count++] = xstrdup("Fatima-Zahra");
	needles[count++] = xstrdup("العلوي");
	needles[count++] = xstrdup("أمين");
	exec_ok(db, "BEGIN");
	for (int i = 0; i < ROWS; i++) {
		char *name = i % 2 ? xasprintf("Fatima-Zahra Benali n°%03d", i) : xasprintf("محمد أمين العلوي %03d", i);
		char *typed = xasprintf("be %d-%03d", 100 + i % 7, i);
		char cin[CIN_MAX], hash[65];
		assert_int_equal(cin_normalise(typed, cin, NULL), 0);
		vault_keyed_hash(v, cin, strlen(cin), hash);
		char *label = xasprintf("row-label-%03d", i);
		char *ctx_name = xasprintf("signature.name:%d", i), *ctx_cin = xasprintf("signature.cin:%d", i);
		struct buf sname = BUF_INIT, scin = BUF_INIT;
		assert_int_equal(vault_seal(v, name, strlen(name), ctx_name, &sname, NULL), 0);
		assert_int_equal(vault_seal(v, cin, strlen(cin), ctx_cin, &scin, NULL), 0);
		sqlite3_bind_int(ins, 1, i);
		sqlite3_bind_text(ins, 2, label, -1, SQLITE_TRANSIENT);
		sqlite3_bind_blob(ins, 3, sname.data, (int)sname.len, SQLITE_TRANSIENT);
		sqlite3_bind_blob(ins, 4, scin.data, (int)scin.len, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 5, hash, -1, SQLITE_TRANSIENT);
		assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
		sqlite3_reset(ins);
		needles[count++] = name;
		needles[count++] = xstrdup(cin);
		buf_release(&sname);
		buf_release(&scin);
		free(typed);
		free(label);
		free(ctx_name);
		free(ctx_cin);
	}
	exec_ok(db, "COMMIT");
	sqlite3_finalize(ins);

	/* while the connection is open the rows are in the write-ahead log, and in clear nowhere */
	int seen = scan_file(path, needles, count, "row-label-017") + scan_file(wal, needles, count, "row-label-017");
	assert_true(seen > 0); /* the search does find text stored in clear */

	/* every value opens again, in its own place only */
	sqlite3_stmt *sel = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT id, name, cin FROM signature ORDER BY id", -1, &sel, NULL),
	                 SQLITE_OK);
	int rows = 0;
	while (sqlite3_step(sel) == SQLITE_ROW) {
		int id = sqlite3_column_int(sel, 0);
		char ctx[64];
		struct buf plain = BUF_INIT;
		snprintf(ctx, sizeof(ctx), "signature.name:%d", id);
		const void *blob = sqlite3_column_blob(sel, 1);
		size_t n = (size_t)sqlite3_column_bytes(sel, 1);
		assert_int_equal(vault_unseal(v, blob, n, ctx, &plain, NULL), 0);
		assert_string_equal(buf_str(&plain), needles[4 + 2 * id]);
		snprintf(ctx, sizeof(ctx), "signature.cin:%d", id);
		blob = sqlite3_column_blob(sel, 2);
		n = (size_t)sqlite3_column_bytes(sel, 2);
		assert_int_equal(vault_unseal(v, blob, n, ctx, &plain, NULL), 0);
		assert_string_equal(buf_str(&plain), needles[4 + 2 * id + 1]);
		snprintf(ctx, sizeof(ctx), "signature.cin:%d", id + 1);
		assert_int_equal(vault_unseal(v, blob, n, ctx, &plain, NULL), ERR_FORMAT);
		vault_buf_wipe(&plain);
		rows++;
	}
	sqlite3_finalize(sel);
	assert_int_equal(rows, ROWS);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);

	/* closed: everything is in the main file (and in a log, if one was left) */
	assert_int_equal(scan_file(path, needles, count, "row-label-017"), 1);
	scan_file(wal, needles, count, "row-label-017");
	for (size_t i = 0; i < count; i++)
		free(needles[i]);
	vault_close(v);
	free(wal);
	free(path);
	free(ws);
}

/* ---- setup ---- */

static int make_root(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	root = tmpdir_make("vault");
	return root ? 0 : -1;
}

static int remove_root(void **state)
{
	(void)state;
	tmpdir_remove(root);
	root = NULL;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(key_created_private_and_reused), cmocka_unit_test(key_folder_created_when_missing),
	    cmocka_unit_test(key_open_to_others_refused),     cmocka_unit_test(key_damaged_refused),
	    cmocka_unit_test(key_created_once_under_a_race),  cmocka_unit_test(seal_round_trip),
	    cmocka_unit_test(seal_tampering_detected),        cmocka_unit_test(seal_uses_a_fresh_nonce),
	    cmocka_unit_test(keyed_hash_of_id_numbers),       cmocka_unit_test(cin_cases),
	    cmocka_unit_test(database_never_holds_plaintext),
	};
	return cmocka_run_group_tests(tests, make_root, remove_root);
}
