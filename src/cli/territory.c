/* The territory command: Morocco's regions, provinces and communes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "hub/hub.h"
#include "territory/territory.h"
#include "base/banned.h"

int cmd_territory(int argc, char **argv)
{
	struct args a;
	int r = cli_parse("territory", argc, argv, ALLOW(O(OPT_JSON), O(OPT_LEVEL), O(OPT_LIMIT)), &a);
	if (r)
		return r;
	argc = a.argc;
	enum territory_level level = territory_level_parse(a.level);
	if (a.level && level == TERRITORY_ANY)
		return cli_usage_error("territory", "--level must be region, province or commune");
	struct buf q = BUF_INIT;
	cli_join_args(argc, argv, a.rest, &q);
	struct hub *h = NULL;
	if ((r = cli_open_hub(a.ws, &h))) {
		buf_release(&q);
		return r;
	}
	struct territory *v = NULL;
	size_t n = 0;
	struct err e = ERR_INIT;
	int limit = (int)a.limit;
	if (territory_find(h->db, buf_str(&q), level, limit, &v, &n, &e)) {
		hub_close(h);
		buf_release(&q);
		return cli_error(&e);
	}
	if (a.json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++) {
			json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "level", territory_level_name(v[i].level), "code",
					      v[i].code, "name_fr", v[i].name_fr, "name_ar", v[i].name_ar, "type", v[i].type,
					      "population_2024", (json_int_t)v[i].population);
			if (v[i].level == TERRITORY_COMMUNE)
				json_object_set_new(o, "province", json_pack("{s:s, s:s}", "name_fr", v[i].province_fr,
									     "name_ar", v[i].province_ar));
			if (v[i].level != TERRITORY_REGION)
				json_object_set_new(o, "region", json_pack("{s:s, s:s}", "name_fr", v[i].region_fr,
									   "name_ar", v[i].region_ar));
			json_array_append_new(arr, o);
		}
		cli_print_json(json_pack("{s:s, s:o, s:s}", "query", buf_str(&q), "territories", arr, "source",
					 "HCP, RGPH 2024"));
	} else {
		if (!n)
			printf("No region, province or commune has that name.\n");
		for (size_t i = 0; i < n; i++) {
			printf("%-9s %-13s %-28s %s  %lld inhabitants", territory_level_name(v[i].level), v[i].code,
			       v[i].name_fr, v[i].name_ar, v[i].population);
			if (v[i].level == TERRITORY_COMMUNE)
				printf(" (%s, %s)", v[i].type, v[i].province_fr);
			else if (v[i].level == TERRITORY_PROVINCE)
				printf(" (%s, %s)", v[i].type, v[i].region_fr);
			printf("\n");
		}
		if (n)
			printf("Population: 2024 census (HCP, RGPH 2024).\n");
	}
	free(v);
	hub_close(h);
	buf_release(&q);
	return EXIT_OK;
}
