/*
 * Errors are values: functions return 0 or a negative ERR_* code and, when given a
 * struct err, leave a message a person can act on (naming the file, line or field).
 */
#ifndef BASE_ERR_H
#define BASE_ERR_H

enum {
	ERR_OK = 0,
	ERR_IO = -1,        /* cannot read or write a file */
	ERR_FORMAT = -2,    /* the content is not what it claims to be, or is damaged */
	ERR_TOO_BIG = -3,   /* over a size limit */
	ERR_ENCRYPTED = -4, /* password-protected */
	ERR_EMPTY = -5,     /* no text to take in */
	ERR_DB = -6,        /* the database refused */
	ERR_USAGE = -7,     /* bad arguments */
	ERR_NOTFOUND = -8,
	ERR_ENCODING = -9, /* text that is not valid UTF-8 (or a known encoding) */
	ERR_EXISTS = -10,
	ERR_UNSUPPORTED = -11,
};

struct err {
	int code;
	char msg[1024];
};

#define ERR_INIT {0, {0}}

/* Records code and message in e (if not NULL) and returns code. */
int err_set(struct err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Puts "prefix: " in front of the message already in e. */
void err_prefix(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void err_clear(struct err *e);

/* For broken invariants: a bug in the program, never bad input. */
#define BUG(...) bug_at(__FILE__, __LINE__, __VA_ARGS__)
_Noreturn void bug_at(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#endif
