-- @query cold_starts_values
-- Every cold start's time and components with region, pool size, runtime, trigger.
-- Runtime and trigger group are known in R2 only (the function table).
-- The samples behind the CDFs, violins and fits of paper Figs 10a/10b, 13, 15 and 16.
--
-- @needs cold_starts
--
-- @param region VARCHAR = NULL {R1, R2, R3, R4, R5} Only this region; NULL = all regions.
--
-- @column region [text] Region R1…R5.
-- @column pool_size [text] small or large; NULL if the podID has no pool.
-- @column runtime [text] Runtime (function table, R2); NULL if unknown.
-- @column trigger_group [text] Trigger group (function table, R2); NULL if unknown.
-- @column total_s [s] totalCost_cold_start.
-- @column pod_allocation_s [s] podAllocationCost.
-- @column deploy_code_s [s] deployCodeCost.
-- @column deploy_dependency_s [s] deployDependencyCost (0 for functions without layers).
-- @column scheduling_s [s] schedulingCost.
SELECT
    region,
    pool_size,
    runtime,
    trigger_group,
    totalCost_cold_start AS total_s,
    podAllocationCost AS pod_allocation_s,
    deployCodeCost AS deploy_code_s,
    deployDependencyCost AS deploy_dependency_s,
    schedulingCost AS scheduling_s
FROM cold_starts_attributed
WHERE $region IS NULL OR region = $region
ORDER BY region, time, podID;
