-- @query groups_trigger_by_runtime
-- Trigger-group mix of the functions of each runtime (Fig 9).
-- 100 % stacked bars over the function table's rows. All runtimes
-- are listed, 'unknown' included.
--
-- @needs functions
--
-- @param region VARCHAR = 'R2' {R1, R2, R3, R4, R5} Region (the function table is R2's).
--
-- @column runtime [text] Runtime as published.
-- @column trigger_group [text] Trigger group.
-- @column functions [count] Functions of the runtime in the trigger group.
-- @column share [share] functions / all functions of the runtime.
SELECT
    runtime,
    trigger_group,
    COUNT(*) AS functions,
    CAST(COUNT(*) AS DOUBLE) / SUM(COUNT(*)) OVER (PARTITION BY runtime) AS share
FROM function_groups
WHERE region = $region
GROUP BY runtime, trigger_group
ORDER BY runtime, trigger_group;
