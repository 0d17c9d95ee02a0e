-- @query groups_proportions
-- Shares of pods, cold starts and functions by trigger/runtime/resource group (Fig 8d–f).
-- One region, one grouping: trigger group, runtime group or resource
-- group. Pods = the group's mean number of active pods per minute (pod-minutes / minutes of the
-- covered days; absent minutes count 0); cold starts = cold-start events; functions =
-- funcIDs of the function table. The NULL group holds funcIDs the function table does not
-- list (for trigger and runtime), so every column's shares add up to 1.
--
-- @needs counts, cold_starts, functions
--
-- @param region VARCHAR = 'R2' {R1, R2, R3, R4, R5} Region (the function table is R2's).
-- @param grouping VARCHAR = 'trigger' {trigger, runtime, resource} Which grouping.
--
-- @column group_name [text] The group; NULL for functions without one.
-- @column pods [pods] Mean active pods per minute over the covered days.
-- @column cold_starts [count] Cold-start events (cold starts without a funcID are left out).
-- @column functions [count] funcIDs of the function table in the group.
-- @column pods_share [share] pods / all pods of the region.
-- @column cold_starts_share [share] cold_starts / all cold starts with a funcID.
-- @column functions_share [share] functions / all funcIDs of the function table.
WITH keys AS (
    SELECT
        funcID,
        in_function_table,
        CASE $grouping
            WHEN 'trigger' THEN trigger_group
            WHEN 'runtime' THEN runtime_group
            ELSE resource_group
        END AS group_name
    FROM function_keys
    WHERE region = $region
),
minutes AS (
    SELECT COUNT(DISTINCT day) * 1440 AS n FROM counts WHERE region = $region
),
pods AS (
    SELECT funcID, SUM(num_pods) AS pod_minutes
    FROM counts
    WHERE region = $region
    GROUP BY funcID
),
cs AS (
    SELECT funcID, COUNT(*) AS cold_starts
    FROM cold_starts
    WHERE region = $region AND funcID IS NOT NULL
    GROUP BY funcID
),
per_group AS (
    SELECT
        k.group_name,
        COALESCE(SUM(p.pod_minutes), 0) / NULLIF(MAX(m.n), 0) AS pods,
        CAST(COALESCE(SUM(cs.cold_starts), 0) AS BIGINT) AS cold_starts,
        COUNT(CASE WHEN k.in_function_table THEN 1 END) AS functions
    FROM keys AS k
    CROSS JOIN minutes AS m
    LEFT JOIN pods AS p ON p.funcID = k.funcID
    LEFT JOIN cs ON cs.funcID = k.funcID
    GROUP BY k.group_name
)
SELECT
    group_name,
    pods,
    cold_starts,
    functions,
    pods / NULLIF(SUM(pods) OVER (), 0) AS pods_share,
    CAST(cold_starts AS DOUBLE) / NULLIF(SUM(cold_starts) OVER (), 0) AS cold_starts_share,
    CAST(functions AS DOUBLE) / NULLIF(SUM(functions) OVER (), 0) AS functions_share
FROM per_group
ORDER BY group_name NULLS LAST;
