-- @query cold_starts_by_pool_size
-- Median cold-start time and component medians, small vs large pools, per region (Fig 13).
-- Small pools are those of ≤ 400 mCPU and ≤ 256 MB. As in the paper's log-scale
-- panel, zero dependency-deployment times are left out of that component's median; cold
-- starts whose podID has no pool are left out entirely. Medians are continuous.
--
-- @needs cold_starts
--
-- @column region [text] Region R1…R5.
-- @column pool_size [text] small or large.
-- @column cold_starts [count] Cold-start events.
-- @column p50_s [s] Median cold-start time.
-- @column pod_allocation_p50_s [s] Median podAllocationCost.
-- @column deploy_code_p50_s [s] Median deployCodeCost.
-- @column deploy_dependency_p50_s [s] Median of the non-zero deployDependencyCost values;
-- NULL if all are zero.
-- @column scheduling_p50_s [s] Median schedulingCost.
SELECT
    region,
    pool_size,
    COUNT(*) AS cold_starts,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY totalCost_cold_start) AS p50_s,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY podAllocationCost) AS pod_allocation_p50_s,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY deployCodeCost) AS deploy_code_p50_s,
    percentile_cont(0.5) WITHIN GROUP (
        ORDER BY CASE WHEN deployDependencyCost > 0 THEN deployDependencyCost END
    ) AS deploy_dependency_p50_s,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY schedulingCost) AS scheduling_p50_s
FROM cold_starts
WHERE pool_size IS NOT NULL
GROUP BY region, pool_size
ORDER BY region, pool_size DESC;
