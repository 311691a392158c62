-- Morocco's regions, provinces (and prefectures) and communes, with their 2024 population.
-- Filled from data/territory/ when a workspace is created (src/territory/territory.c).
CREATE TABLE regions (
	code TEXT PRIMARY KEY,
	name_fr TEXT NOT NULL,
	name_ar TEXT NOT NULL,
	population_2024 INTEGER NOT NULL,
	search TEXT NOT NULL DEFAULT ''  -- both names folded (case, accents, hamza) for searching
);

CREATE TABLE provinces (
	code TEXT PRIMARY KEY,
	region_code TEXT NOT NULL REFERENCES regions(code),
	name_fr TEXT NOT NULL,
	name_ar TEXT NOT NULL,
	type TEXT NOT NULL,              -- province or prefecture
	population_2024 INTEGER NOT NULL,
	search TEXT NOT NULL DEFAULT ''
);
CREATE INDEX provinces_region ON provinces(region_code);

CREATE TABLE communes (
	code TEXT PRIMARY KEY,
	province_code TEXT NOT NULL REFERENCES provinces(code),
	region_code TEXT NOT NULL REFERENCES regions(code),
	name_fr TEXT NOT NULL,
	name_ar TEXT NOT NULL,
	type TEXT NOT NULL,              -- urban or rural
	population_2024 INTEGER NOT NULL,
	search TEXT NOT NULL DEFAULT ''
);
CREATE INDEX communes_province ON communes(province_code);
