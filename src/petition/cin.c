#include "petition/cin.h"

#include <stdint.h>
#include <string.h>

#include "base/utf8.h"
#include "base/banned.h"

static const char shape[] = "an ID number is one or two Latin letters followed by up to 7 digits, like BE123456";

/* What people put between the parts of a number, and the invisible marks pasted with Arabic text. */
static int is_separator(uint32_t c)
{
	switch (c) {
	case ' ':
	case '\t':
	case '\r':
	case '\n':
	case '-':
	case '.':
	case 0x00A0: /* no-break space */
	case 0x061C: /* Arabic letter mark */
	case 0x2007: /* figure space */
	case 0x2009: /* thin space */
	case 0x200B: /* zero-width space */
	case 0x200E: /* left-to-right mark */
	case 0x200F: /* right-to-left mark */
	case 0x2010: /* hyphens and dashes */
	case 0x2011:
	case 0x2012:
	case 0x2013:
	case 0x2014:
	case 0x2015:
	case 0x202F: /* narrow no-break space */
	case 0x2212: /* minus sign */
	case 0xFEFF: /* byte order mark */
		return 1;
	}
	return 0;
}

/* The ASCII letter or digit c stands for, or 0. */
static char ascii_of(uint32_t c)
{
	if (c >= 'a' && c <= 'z')
		return (char)(c - 'a' + 'A');
	if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return (char)c;
	if (c >= 0x0660 && c <= 0x0669) /* Arabic-Indic digits */
		return (char)('0' + (c - 0x0660));
	if (c >= 0x06F0 && c <= 0x06F9) /* Eastern Arabic-Indic digits */
		return (char)('0' + (c - 0x06F0));
	return 0;
}

/* Whether c can be shown between quotes in a message (not a control or an invisible mark). */
static int is_visible(uint32_t c)
{
	return c > 0x20 && c != 0x7F && !(c >= 0x80 && c <= 0xA0) && !(c >= 0x0300 && c <= 0x036F) &&
	       !(c >= 0x2000 && c <= 0x206F) && c != 0xFEFF;
}

static int bad_char(uint32_t c, struct err *e)
{
	const char *hint = "";
	if ((c >= 0x00C0 && c <= 0x024F) || (c >= 0x1E00 && c <= 0x1EFF))
		hint = " (write the letter without its accent)";
	else if (c >= 0x0600 && c <= 0x06FF)
		hint = " (the letters of an ID number are Latin letters, as printed on the card)";
	if (!is_visible(c))
		return err_set(e, ERR_FORMAT, "the invisible character U+%04X is not allowed in an ID number; %s",
		               (unsigned)c, shape);
	char s[5] = {0};
	utf8_encode(c, s);
	return err_set(e, ERR_FORMAT, "the character \"%s\" (U+%04X) is not allowed in an ID number%s; %s", s,
	               (unsigned)c, hint, shape);
}

int cin_normalise(const char *in, char out[CIN_MAX], struct err *e)
{
	out[0] = '\0';
	const unsigned char *p = (const unsigned char *)(in ? in : "");
	size_t n = strlen((const char *)p);
	char norm[CIN_MAX];
	size_t len = 0, letters = 0, digits = 0;
	char late_letter = 0; /* the first letter found after a digit */
	for (size_t i = 0; i < n;) {
		uint32_t c = 0;
		int k = utf8_decode(p + i, n - i, &c);
		if (k < 0)
			return err_set(e, ERR_FORMAT, "the ID number is not valid text (byte %zu is not UTF-8); %s",
			               i + 1, shape);
		i += (size_t)k;
		if (is_separator(c))
			continue;
		char a = ascii_of(c);
		if (!a)
			return bad_char(c, e);
		if (a >= 'A' && a <= 'Z') {
			if (digits && !late_letter)
				late_letter = a;
			else if (!digits)
				letters++;
		} else {
			digits++;
		}
		if (len < sizeof(norm) - 1)
			norm[len++] = a;
	}
	if (!letters && !digits && !late_letter)
		return err_set(e, ERR_FORMAT, "the ID number is empty; %s", shape);
	if (!letters)
		return err_set(e, ERR_FORMAT, "letters missing: the ID number starts with a digit; %s", shape);
	if (letters > 2)
		return err_set(e, ERR_FORMAT, "too many letters (%zu) before the digits; %s", letters, shape);
	if (late_letter)
		return err_set(e, ERR_FORMAT, "a letter (%c) comes after the digits; %s", late_letter, shape);
	if (!digits)
		return err_set(e, ERR_FORMAT, "digits missing: the ID number has only letters; %s", shape);
	if (digits > 7)
		return err_set(e, ERR_FORMAT, "too many digits (%zu); %s", digits, shape);
	memcpy(out, norm, len);
	out[len] = '\0';
	return 0;
}
