-- @query cold_starts_hourly
-- Hourly cold-start count and mean of the total and each component per region (Fig 11).
-- Fig 11 stacks the component means over the count. Zeros are included
-- in the means, so the four component means add up to the mean total; hours without a cold
-- start have no row.
--
-- @needs cold_starts
--
-- @param region VARCHAR = NULL {R1, R2, R3, R4, R5} Only this region; NULL = all regions.
--
-- @column region [text] Region R1…R5.
-- @column hour [hour] Hour of the trace, floor(time / 3600), 0–743.
-- @column cold_starts [count] Cold-start events in the hour.
-- @column mean_s [s] Mean cold-start time in the hour.
-- @column pod_allocation_s [s] Mean podAllocationCost in the hour.
-- @column deploy_code_s [s] Mean deployCodeCost in the hour.
-- @column deploy_dependency_s [s] Mean deployDependencyCost in the hour.
-- @column scheduling_s [s] Mean schedulingCost in the hour.
SELECT
    region,
    hour,
    COUNT(*) AS cold_starts,
    AVG(totalCost_cold_start) AS mean_s,
    AVG(podAllocationCost) AS pod_allocation_s,
    AVG(deployCodeCost) AS deploy_code_s,
    AVG(deployDependencyCost) AS deploy_dependency_s,
    AVG(schedulingCost) AS scheduling_s
FROM cold_starts
WHERE $region IS NULL OR region = $region
GROUP BY region, hour
ORDER BY region, hour;
