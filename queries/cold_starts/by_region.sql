-- @query cold_starts_by_region
-- Cold-start count, mean, percentiles and component means per region (Fig 10a, 11).
-- Shares split the mean into its four components (paper §4.1).
-- Percentiles are continuous (linear interpolation); NULL costs are ignored; a share is NULL
-- when the mean total is 0.
--
-- @needs cold_starts
--
-- @column region [text] Region R1…R5.
-- @column cold_starts [count] Cold-start events.
-- @column functions [count] Distinct funcIDs with a cold start (NULL funcIDs not counted).
-- @column mean_s [s] Mean cold-start time (totalCost_cold_start).
-- @column p50_s [s] Median cold-start time.
-- @column p90_s [s] 90th percentile of the cold-start time.
-- @column p99_s [s] 99th percentile of the cold-start time.
-- @column pod_allocation_s [s] Mean podAllocationCost.
-- @column deploy_code_s [s] Mean deployCodeCost.
-- @column deploy_dependency_s [s] Mean deployDependencyCost (zeros included).
-- @column scheduling_s [s] Mean schedulingCost.
-- @column pod_allocation_share [share] pod_allocation_s / mean_s.
-- @column deploy_code_share [share] deploy_code_s / mean_s.
-- @column deploy_dependency_share [share] deploy_dependency_s / mean_s.
-- @column scheduling_share [share] scheduling_s / mean_s.
SELECT
    region,
    COUNT(*) AS cold_starts,
    COUNT(DISTINCT funcID) AS functions,
    AVG(totalCost_cold_start) AS mean_s,
    -- One list of fractions: the identical aggregates are computed once, one sort for all
    -- (each percentile_cont sorts on its own), with the same values.
    quantile_cont(totalCost_cold_start, [0.5, 0.9, 0.99])[1] AS p50_s,
    quantile_cont(totalCost_cold_start, [0.5, 0.9, 0.99])[2] AS p90_s,
    quantile_cont(totalCost_cold_start, [0.5, 0.9, 0.99])[3] AS p99_s,
    AVG(podAllocationCost) AS pod_allocation_s,
    AVG(deployCodeCost) AS deploy_code_s,
    AVG(deployDependencyCost) AS deploy_dependency_s,
    AVG(schedulingCost) AS scheduling_s,
    AVG(podAllocationCost) / NULLIF(AVG(totalCost_cold_start), 0) AS pod_allocation_share,
    AVG(deployCodeCost) / NULLIF(AVG(totalCost_cold_start), 0) AS deploy_code_share,
    AVG(deployDependencyCost) / NULLIF(AVG(totalCost_cold_start), 0) AS deploy_dependency_share,
    AVG(schedulingCost) / NULLIF(AVG(totalCost_cold_start), 0) AS scheduling_share
FROM cold_starts
GROUP BY region
ORDER BY region;
