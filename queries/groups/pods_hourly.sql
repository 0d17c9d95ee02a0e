-- @query groups_pods_hourly
-- Mean running pods per hour by trigger, runtime or resource group (Fig 8a–c).
-- Stacked areas: per minute the group's pods summed over its functions,
-- then the mean over the hour's 60 minutes (absent minutes count 0). Every covered hour has a
-- row for every group, 0 if idle.
--
-- @needs counts, functions
--
-- @param region VARCHAR = 'R2' {R1, R2, R3, R4, R5} Region (the function table is R2's).
-- @param grouping VARCHAR = 'trigger' {trigger, runtime, resource} Which grouping.
--
-- @column hour [hour] Hour of the trace, floor(time / 3600).
-- @column group_name [text] The group; NULL for functions without one.
-- @column pods [pods] Mean running pods per minute in the hour.
WITH keys AS (
    SELECT
        funcID,
        CASE $grouping
            WHEN 'trigger' THEN trigger_group
            WHEN 'runtime' THEN runtime_group
            ELSE resource_group
        END AS group_name
    FROM function_keys
    WHERE region = $region
),
per_function AS (
    SELECT funcID, CAST(floor(time / 3600) AS INTEGER) AS hour, SUM(num_pods) AS pod_minutes
    FROM counts
    WHERE region = $region
    GROUP BY funcID, CAST(floor(time / 3600) AS INTEGER)
),
per_group AS (
    SELECT p.hour, k.group_name, SUM(p.pod_minutes) AS pod_minutes
    FROM per_function AS p
    JOIN keys AS k ON k.funcID = p.funcID
    GROUP BY p.hour, k.group_name
),
hours AS (  -- unnest(range()) in a SELECT: sqlglot writes it as Spark's explode(sequence())
    SELECT d.day * 24 + h.i AS hour
    FROM (SELECT DISTINCT day FROM counts WHERE region = $region) AS d
    CROSS JOIN (SELECT unnest(range(0, 24)) AS i) AS h
),
groups AS (
    SELECT DISTINCT group_name FROM keys
)
SELECT h.hour, g.group_name, COALESCE(p.pod_minutes, 0) / 60 AS pods
FROM hours AS h
CROSS JOIN groups AS g
LEFT JOIN per_group AS p
    ON p.hour = h.hour AND p.group_name IS NOT DISTINCT FROM g.group_name
ORDER BY h.hour, g.group_name NULLS LAST;
