-- Cold-start statistics per region and function group, for both groupings at once: the one
-- body behind cold_starts_by_group, cold_starts_by_runtime and cold_starts_by_trigger.
-- Filtering on region and grouping reads only those rows: both are grouping keys and the
-- window's partition, so DuckDB and Spark push the filter down to the scan.
--
-- @requires base/cold_starts_attributed
--
-- @view cold_start_group_stats
-- One row per (region, grouping, group): grouping 'runtime' groups by the function table's
-- runtime, 'trigger' by its trigger group; the group is NULL for cold starts whose funcID
-- the function table does not list (always outside R2). Percentiles are continuous.
-- @column region [text] Region R1…R5.
-- @column grouping [text] runtime or trigger.
-- @column group_name [text] The runtime or trigger group; NULL outside the function table.
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
CREATE VIEW cold_start_group_stats AS
WITH grouped AS (
    SELECT
        region, 'runtime' AS grouping, runtime AS group_name, totalCost_cold_start,
        podAllocationCost, deployCodeCost, deployDependencyCost, schedulingCost
    FROM cold_starts_attributed
    UNION ALL
    SELECT
        region, 'trigger' AS grouping, trigger_group AS group_name, totalCost_cold_start,
        podAllocationCost, deployCodeCost, deployDependencyCost, schedulingCost
    FROM cold_starts_attributed
)
SELECT
    region,
    grouping,
    group_name,
    COUNT(*) AS cold_starts,
    CAST(COUNT(*) AS DOUBLE) / SUM(COUNT(*)) OVER (PARTITION BY region, grouping) AS share,
    AVG(totalCost_cold_start) AS mean_s,
    -- One list of fractions: the identical aggregates are computed once, one sort for all
    -- (each percentile_cont sorts on its own), with the same values.
    quantile_cont(totalCost_cold_start, [0.5, 0.9, 0.99])[1] AS p50_s,
    quantile_cont(totalCost_cold_start, [0.5, 0.9, 0.99])[2] AS p90_s,
    quantile_cont(totalCost_cold_start, [0.5, 0.9, 0.99])[3] AS p99_s,
    AVG(podAllocationCost) AS pod_allocation_s,
    AVG(deployCodeCost) AS deploy_code_s,
    AVG(deployDependencyCost) AS deploy_dependency_s,
    AVG(schedulingCost) AS scheduling_s
FROM grouped
GROUP BY region, grouping, group_name;
