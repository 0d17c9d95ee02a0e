-- @query cold_starts_per_minute
-- Per-minute cold-start count and mean of the total and each component (Fig 12).
-- The six variables of the paper's Spearman matrices. All functions
-- pooled, zeros kept; minutes without a cold start have no row.
--
-- @needs cold_starts
--
-- @param region VARCHAR = NULL {R1, R2, R3, R4, R5} Only this region; NULL = all regions.
--
-- @column region [text] Region R1…R5.
-- @column time_minute [s] Start of the minute, seconds since the trace start.
-- @column cold_starts [count] Cold-start events in the minute.
-- @column mean_s [s] Mean cold-start time in the minute.
-- @column deploy_code_s [s] Mean deployCodeCost in the minute.
-- @column deploy_dependency_s [s] Mean deployDependencyCost in the minute.
-- @column scheduling_s [s] Mean schedulingCost in the minute.
-- @column pod_allocation_s [s] Mean podAllocationCost in the minute.
SELECT
    region,
    time_minute,
    COUNT(*) AS cold_starts,
    AVG(totalCost_cold_start) AS mean_s,
    AVG(deployCodeCost) AS deploy_code_s,
    AVG(deployDependencyCost) AS deploy_dependency_s,
    AVG(schedulingCost) AS scheduling_s,
    AVG(podAllocationCost) AS pod_allocation_s
FROM cold_starts
WHERE $region IS NULL OR region = $region
GROUP BY region, time_minute
ORDER BY region, time_minute;
