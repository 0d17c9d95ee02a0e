-- @query cold_starts_by_trigger
-- Cold starts of one region by trigger group: share, mean, percentiles, components (Fig 16).
-- Trigger groups (TIMER-A, APIG-S, …; the combination rule is an
-- assumption, see docs/warehouse.md) come from the function table, which covers R2 only, so
-- other regions give a single NULL group. Percentiles are continuous.
-- cold_starts_by_group with grouping = 'trigger' (one body: cold_start_group_stats).
--
-- @needs cold_starts, functions
--
-- @param region VARCHAR = 'R2' {R1, R2, R3, R4, R5} Region to break down.
--
-- @column trigger_group [text] The group; NULL for cold starts whose funcID is not in the function
-- table.
-- @column cold_starts [count] Cold-start events in the group.
-- @column share [share] cold_starts / all cold starts of the region.
-- @column mean_s [s] Mean cold-start time.
-- @column p50_s [s] Median cold-start time.
-- @column p90_s [s] 90th percentile of the cold-start time.
-- @column p99_s [s] 99th percentile of the cold-start time.
-- @column pod_allocation_s [s] Mean podAllocationCost.
-- @column deploy_code_s [s] Mean deployCodeCost.
-- @column deploy_dependency_s [s] Mean deployDependencyCost (zeros included).
-- @column scheduling_s [s] Mean schedulingCost.
SELECT
    group_name AS trigger_group, cold_starts, share, mean_s, p50_s, p90_s, p99_s,
    pod_allocation_s, deploy_code_s, deploy_dependency_s, scheduling_s
FROM cold_start_group_stats
WHERE region = $region AND grouping = 'trigger'
ORDER BY cold_starts DESC, trigger_group NULLS LAST;
