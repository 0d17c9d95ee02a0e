-- @query cold_starts_by_runtime
-- Cold starts of one region by runtime: share, mean, percentiles, components (Fig 15).
-- Runtimes (Python3, Java, …) come from the function table, which
-- covers R2 only, so other regions give a single NULL group. Percentiles are continuous.
--
-- @needs cold_starts, functions
--
-- @param region VARCHAR = 'R2' {R1, R2, R3, R4, R5} Region to break down.
--
-- @column runtime [text] The group; NULL for cold starts whose funcID is not in the function table.
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
    runtime,
    COUNT(*) AS cold_starts,
    CAST(COUNT(*) AS DOUBLE) / SUM(COUNT(*)) OVER () AS share,
    AVG(totalCost_cold_start) AS mean_s,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY totalCost_cold_start) AS p50_s,
    percentile_cont(0.9) WITHIN GROUP (ORDER BY totalCost_cold_start) AS p90_s,
    percentile_cont(0.99) WITHIN GROUP (ORDER BY totalCost_cold_start) AS p99_s,
    AVG(podAllocationCost) AS pod_allocation_s,
    AVG(deployCodeCost) AS deploy_code_s,
    AVG(deployDependencyCost) AS deploy_dependency_s,
    AVG(schedulingCost) AS scheduling_s
FROM cold_starts_attributed
WHERE region = $region
GROUP BY runtime
ORDER BY cold_starts DESC, runtime NULLS LAST;
