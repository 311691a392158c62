/*
 * The petition rules: the built-in rule sets check, thresholds by population, the spread per
 * province, deadline arithmetic (month ends, leap years), values typed by a person, damaged
 * rule data named by file and field, and the required signatures of real territories.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "base/alloc.h"
#include "base/err.h"
#include "petition/rules.h"
#include "store/db.h"
#include "territory/territory.h"
#include "base/banned.h"

static void test_builtin_rule_sets(void **state)
{
	(void)state;
	for (size_t i = 0; rules_names[i]; i++) {
		struct err e = ERR_INIT;
		json_t *r = NULL;
		assert_int_equal(rules_load(NULL, rules_names[i], &r, &e), 0);
		assert_string_equal(json_string_value(json_object_get(r, "id")), rules_names[i]);
		assert_non_null(rules_figure(r, "threshold"));
		assert_non_null(rules_figure(r, "signature_columns"));
		json_decref(r);
	}
	struct err e = ERR_INIT;
	json_t *r = NULL;
	assert_int_equal(rules_load(NULL, "ma/village", &r, &e), ERR_NOTFOUND);
	assert_null(r);
}

static void test_date_add(void **state)
{
	(void)state;
	static const struct {
		const char *start;
		long long n;
		enum rules_unit unit;
		const char *want;
	} cases[] = {
	    {"2025-01-31", 1, RULES_MONTHS, "2025-02-28"}, /* month end clamped */
	    {"2024-01-31", 1, RULES_MONTHS, "2024-02-29"}, /* leap year */
	    {"2024-02-29", 12, RULES_MONTHS, "2025-02-28"}, {"2024-02-29", 48, RULES_MONTHS, "2028-02-29"},
	    {"2024-11-30", 3, RULES_MONTHS, "2025-02-28"}, /* a commune's refusal: 3 months */
	    {"2025-03-31", 2, RULES_MONTHS, "2025-05-31"},  {"2025-08-31", 2, RULES_MONTHS, "2025-10-31"},
	    {"2025-12-31", 2, RULES_MONTHS, "2026-02-28"},  {"2025-10-15", 3, RULES_MONTHS, "2026-01-15"},
	    {"2099-12-31", 2, RULES_MONTHS, "2100-02-28"}, /* 2100 is not a leap year */
	    {"2000-01-31", 1, RULES_MONTHS, "2000-02-29"}, /* 2000 is */
	    {"2024-02-28", 1, RULES_DAYS, "2024-02-29"},    {"2023-02-28", 1, RULES_DAYS, "2023-03-01"},
	    {"2024-12-20", 15, RULES_DAYS, "2025-01-04"},   {"2025-01-01", 60, RULES_DAYS, "2025-03-02"},
	    {"2024-01-01", 60, RULES_DAYS, "2024-03-01"},   {"2024-03-01", -1, RULES_DAYS, "2024-02-29"},
	    {"2024-01-01", 366, RULES_DAYS, "2025-01-01"},  {"2025-06-15", 0, RULES_DAYS, "2025-06-15"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char out[11];
		struct err e = ERR_INIT;
		assert_int_equal(rules_date_add(cases[i].start, cases[i].n, cases[i].unit, out, &e), 0);
		if (strcmp(out, cases[i].want))
			fail_msg("%s + %lld %s: got %s, wanted %s", cases[i].start, cases[i].n,
			         cases[i].unit == RULES_DAYS ? "days" : "months", out, cases[i].want);
	}
	static const char *const bad[] = {"2025-02-29", "2025-02-30", "2025-13-01", "2025-2-3",
	                                  "abc",        "",           "2025-01-01x"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char out[11];
		struct err e = ERR_INIT;
		assert_int_equal(rules_date_add(bad[i], 1, RULES_DAYS, out, &e), ERR_USAGE);
		assert_non_null(strstr(e.msg, "not a date"));
	}
}

static void test_deadlines(void **state)
{
	(void)state;
	static const struct {
		const char *rule, *figure, *start, *want;
	} cases[] = {
	    {"ma/commune", "refusal_deadline", "2026-01-31", "2026-04-30"},
	    {"ma/commune", "refusal_deadline", "2025-11-30", "2026-02-28"},
	    {"ma/province", "refusal_deadline", "2027-12-31", "2028-02-29"},
	    {"ma/region", "refusal_deadline", "2026-03-15", "2026-05-15"},
	    {"ma/government", "referral_deadline", "2026-12-20", "2027-01-04"},
	    {"ma/government", "opinion_deadline", "2028-01-01", "2028-03-01"},
	    {"ma/government", "inadmissibility_notice_deadline", "2026-02-01", "2026-03-03"},
	    {"ma/motion", "admissibility_deadline", "2026-02-20", "2026-03-07"},
	    {"ma/motion", "substance_deadline", "2026-01-01", "2026-03-02"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct err e = ERR_INIT;
		json_t *r = NULL;
		assert_int_equal(rules_load(NULL, cases[i].rule, &r, &e), 0);
		char out[11];
		struct rules_from from;
		assert_int_equal(rules_deadline(r, cases[i].figure, cases[i].start, out, &from, &e), 0);
		if (strcmp(out, cases[i].want))
			fail_msg("%s %s from %s: got %s, wanted %s", cases[i].rule, cases[i].figure, cases[i].start,
			         out, cases[i].want);
		assert_string_equal(from.figure, cases[i].figure);
		assert_string_equal(from.status, "confirmed");
		assert_non_null(from.source);
		rules_from_release(&from);
		assert_int_equal(rules_deadline(r, "threshold", cases[i].start, out, NULL, &e), ERR_USAGE);
		json_decref(r);
	}
}

static long long threshold_of(const char *rule, long long population)
{
	struct err e = ERR_INIT;
	json_t *r = NULL;
	assert_int_equal(rules_load(NULL, rule, &r, &e), 0);
	char basis[160];
	long long n = rules_threshold_for(json_object_get(rules_figure(r, "threshold"), "value"), population, basis,
	                                  sizeof(basis));
	assert_true(basis[0] != 0);
	json_decref(r);
	return n;
}

static void test_thresholds(void **state)
{
	(void)state;
	assert_int_equal(threshold_of("ma/commune", 0), 100);
	assert_int_equal(threshold_of("ma/commune", 34999), 100);
	assert_int_equal(threshold_of("ma/commune", 35000), 200);
	assert_int_equal(threshold_of("ma/commune", 209594), 200);
	assert_int_equal(threshold_of("ma/province", 554001), 300);
	assert_int_equal(threshold_of("ma/region", 999999), 300);
	assert_int_equal(threshold_of("ma/region", 1000000), 400);
	assert_int_equal(threshold_of("ma/region", 2525801), 400); /* Béni Mellal-Khénifra */
	assert_int_equal(threshold_of("ma/region", 3000000), 400);
	assert_int_equal(threshold_of("ma/region", 3000001), 500);
	assert_int_equal(threshold_of("ma/government", 0), 4000);
	assert_int_equal(threshold_of("ma/motion", 0), 20000);
	json_t *bad = json_loads(
	    "[{\"below\": 10, \"signatures\": 5}, {\"below\": 5, \"signatures\": 6}, {\"signatures\": 7}]", 0, NULL);
	assert_int_equal(rules_threshold_for(bad, 3, NULL, 0), -1);
	json_decref(bad);
}

static void test_spread(void **state)
{
	(void)state;
	assert_int_equal(rules_spread_min(400, 0.05), 20);
	assert_int_equal(rules_spread_min(300, 0.05), 15);
	assert_int_equal(rules_spread_min(500, 0.05), 25);
	assert_int_equal(rules_spread_min(600, 0.05), 30);
	assert_int_equal(rules_spread_min(401, 0.05), 21); /* 20.05: rounded up */
	assert_int_equal(rules_spread_min(310, 0.05), 16); /* 15.5 */
	assert_int_equal(rules_spread_min(400, 0.1), 40);
	assert_int_equal(rules_spread_min(700, 0.07), 49);
}

static void test_parse_value(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	json_t *r = NULL, *v = NULL;
	assert_int_equal(rules_load(NULL, "ma/region", &r, &e), 0);
	json_t *threshold = rules_figure(r, "threshold"), *share = rules_figure(r, "spread_min_share");
	assert_int_equal(rules_parse_value(threshold, "600", &v, &e), 0);
	assert_int_equal(json_integer_value(v), 600);
	json_decref(v);
	assert_int_equal(rules_parse_value(
	                     threshold, "[{\"at_most\": 2000000, \"signatures\": 450}, {\"signatures\": 600}]", &v, &e),
	                 0);
	assert_int_equal(rules_threshold_for(v, 2525801, NULL, 0), 600);
	json_decref(v);
	assert_int_equal(rules_parse_value(threshold, "lots", &v, &e), ERR_USAGE);
	assert_non_null(strstr(e.msg, "\"lots\" is not a value for threshold"));
	assert_int_equal(rules_parse_value(threshold, "0", &v, &e), ERR_USAGE);
	assert_int_equal(rules_parse_value(threshold, "-5", &v, &e), ERR_USAGE);
	assert_int_equal(rules_parse_value(threshold, "[{\"signatures\": 5}, {\"signatures\": 6}]", &v, &e), ERR_USAGE);
	assert_int_equal(rules_parse_value(share, "5%", &v, &e), 0);
	assert_true(json_real_value(v) > 0.0499 && json_real_value(v) < 0.0501);
	json_decref(v);
	assert_int_equal(rules_parse_value(share, "0.1", &v, &e), 0);
	json_decref(v);
	assert_int_equal(rules_parse_value(share, "2", &v, &e), ERR_USAGE);
	assert_int_equal(rules_parse_value(share, "abc", &v, &e), ERR_USAGE);
	assert_int_equal(rules_parse_value(rules_figure(r, "signature_columns"), "first_name, last_name ,cin", &v, &e),
	                 0);
	assert_int_equal(json_array_size(v), 3);
	assert_string_equal(json_string_value(json_array_get(v, 1)), "last_name");
	json_decref(v);
	assert_int_equal(rules_parse_value(rules_figure(r, "refusal_deadline"), "3", &v, &e), 0);
	json_decref(v);
	assert_int_equal(rules_parse_value(rules_figure(r, "refusal_deadline"), "3 months", &v, &e), ERR_USAGE);
	json_decref(r);
}

static void test_damaged(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	json_t *r = NULL;
	assert_int_equal(rules_load(NULL, "ma/commune", &r, &e), 0);
	json_object_set_new(json_array_get(json_object_get(r, "figures"), 1), "status", json_string("probably"));
	assert_int_equal(rules_validate(r, "x.json", &e), ERR_FORMAT);
	assert_non_null(strstr(e.msg, "x.json: figures[1].status"));
	assert_non_null(strstr(e.msg, "probably"));
	json_object_set_new(json_array_get(json_object_get(r, "figures"), 1), "status", json_string("conflicting"));
	assert_int_equal(rules_validate(r, "x.json", &e), 0);
	json_object_del(json_array_get(json_object_get(r, "figures"), 2), "checked_on");
	assert_int_equal(rules_validate(r, "x.json", &e), ERR_FORMAT);
	assert_non_null(strstr(e.msg, "figures[2].checked_on"));
	json_decref(r);
	assert_int_equal(rules_load(NULL, "ma/region", &r, &e), 0);
	json_object_set_new(json_array_get(json_object_get(r, "figures"), 0), "soruce", json_string("typo"));
	assert_int_equal(rules_validate(r, "y.json", &e), ERR_FORMAT);
	assert_non_null(strstr(e.msg, "figures[0].soruce"));
	json_decref(r);
}

static void test_required(void **state)
{
	(void)state;
	char path[] = "/tmp/asurif-test-rules-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	sqlite3 *db = NULL;
	struct err e = ERR_INIT;
	assert_int_equal(db_open(path, 1, &db, &e), 0);
	assert_int_equal(territory_load(db, &e), 0);
	json_t *region = NULL, *commune = NULL, *gov = NULL;
	assert_int_equal(rules_load(NULL, "ma/region", &region, &e), 0);
	assert_int_equal(rules_load(NULL, "ma/commune", &commune, &e), 0);
	assert_int_equal(rules_load(NULL, "ma/government", &gov, &e), 0);

	struct rules_required q;
	assert_int_equal(rules_required(db, region, "05", &q, &e), 0);
	assert_int_equal(q.required, 400);
	assert_int_equal(q.per_province, 20);
	assert_int_equal(q.nprovinces, 5);
	for (size_t i = 0; i < q.nprovinces; i++)
		assert_int_equal(q.provinces[i].min, 20);
	assert_string_equal(q.from.figure, "threshold");
	assert_string_equal(q.spread_from.figure, "spread_min_share");
	rules_required_release(&q);

	assert_int_equal(rules_required(db, commune, "06.141.01.0", &q, &e), 0); /* Casablanca */
	assert_int_equal(q.required, 400);
	assert_string_equal(q.also.status, "unconfirmed");
	rules_required_release(&q);
	assert_int_equal(rules_required(db, commune, "05.091.01.03", &q, &e), 0); /* El Ksiba, 19,964 */
	assert_int_equal(q.required, 100);
	rules_required_release(&q);
	assert_int_equal(rules_required(db, commune, "05", &q, &e), ERR_USAGE);
	assert_int_equal(rules_required(db, commune, "77.777", &q, &e), ERR_NOTFOUND);
	assert_int_equal(rules_required(db, commune, NULL, &q, &e), ERR_USAGE);
	assert_int_equal(rules_required(db, gov, NULL, &q, &e), 0);
	assert_int_equal(q.required, 4000);
	rules_required_release(&q);

	/* an override is applied, kept with its original, and reset */
	assert_int_equal(rules_override_set(db, NULL, "ma/region", "threshold", "600", "published by the council",
	                                    "amina", NULL, &e),
	                 0);
	assert_int_equal(rules_override_set(db, NULL, "ma/region", "threshold", "600", "", "amina", NULL, &e),
	                 ERR_USAGE);
	assert_int_equal(rules_override_set(db, NULL, "ma/region", "quorum", "6", "x", "amina", NULL, &e), ERR_USAGE);
	assert_int_equal(rules_apply_overrides(db, region, &e), 0);
	json_t *t = rules_figure(region, "threshold");
	assert_int_equal(json_integer_value(json_object_get(t, "value")), 600);
	assert_true(json_is_array(json_object_get(t, "original")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(t, "overridden"), "by")), "amina");
	assert_int_equal(rules_required(db, region, "05", &q, &e), 0);
	assert_int_equal(q.required, 600);
	assert_int_equal(q.per_province, 30);
	assert_true(q.from.overridden);
	assert_string_equal(q.from.note, "published by the council");
	rules_required_release(&q);
	assert_int_equal(rules_override_clear(db, NULL, "ma/region", "threshold", NULL, "amina", &e), 0);
	assert_int_equal(rules_override_clear(db, NULL, "ma/region", "threshold", NULL, "amina", &e), ERR_NOTFOUND);
	json_t *hist = NULL;
	assert_int_equal(rules_override_history(db, "ma/region", &hist, &e), 0);
	assert_int_equal(json_array_size(hist), 2);
	assert_true(json_is_null(json_object_get(json_array_get(hist, 0), "value")));
	json_decref(hist);

	json_decref(region);
	json_decref(commune);
	json_decref(gov);
	db_close(db);
	unlink(path);
	char *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);
	unlink(wal);
	unlink(shm);
	free(wal);
	free(shm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_builtin_rule_sets),
	    cmocka_unit_test(test_date_add),
	    cmocka_unit_test(test_deadlines),
	    cmocka_unit_test(test_thresholds),
	    cmocka_unit_test(test_spread),
	    cmocka_unit_test(test_parse_value),
	    cmocka_unit_test(test_damaged),
	    cmocka_unit_test(test_required),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
