-- A workspace's overrides of the figures of the petition rule sets (data/rules/): a row per
-- change, so the history stays. The current override of (rule, figure) is its latest row
-- (highest id); a row whose value is NULL ends the override (a reset).
CREATE TABLE rule_overrides (
	id INTEGER PRIMARY KEY,
	rule TEXT NOT NULL,              -- ma/commune, ma/province, ma/region, ma/government, ma/motion
	figure TEXT NOT NULL,            -- the figure's id in the rule set, e.g. threshold
	value TEXT CHECK (value IS NULL OR json_valid(value)), -- the new value as JSON; NULL: reset
	note TEXT NOT NULL,              -- why (e.g. "the council publishes 600 on its site")
	login TEXT NOT NULL,             -- who
	at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX rule_overrides_figure ON rule_overrides(rule, figure, id);

-- The override in force for each (rule, figure).
CREATE VIEW rule_overrides_current AS
SELECT o.* FROM rule_overrides o
WHERE o.id = (SELECT max(p.id) FROM rule_overrides p WHERE p.rule = o.rule AND p.figure = o.figure)
  AND o.value IS NOT NULL;
