-- @query cold_starts_histogram
-- Log-binned cold-start times and components by region, pool, runtime, trigger (Figs 13–16).
-- How are cold-start durations and each component distributed, by region, pool size (small
-- ⇔ ≤ 400 mCPU and ≤ 256 MB) and — where the function table knows them (Region 2) — runtime
-- and trigger group? Values ≤ 0 are not binned: the paper's log axes drop them (Fig 13
-- caption: dependency deployment is 0 without layers); they are counted in n_zero on a row
-- with bin NULL. Binning keeps the answer small on the full release (11.9 M cold starts × 5
-- values); coldstart.analysis turns it into CDFs (ecdf_from_bins) and violin outlines
-- (density.violin_stats).
--
-- @needs cold_starts, functions
--
-- @param bins_per_decade INTEGER = 40 Log10 bins per decade (40: each bin 6 % wide).
-- @param region VARCHAR = NULL {R1, R2, R3, R4, R5} Only this region; NULL = all regions.
--
-- @column region [text] Region R1…R5.
-- @column pool_size [text] small or large; NULL when the podID has no pool.
-- @column runtime [text] Runtime (function table, R2); NULL if unknown.
-- @column trigger_group [text] Trigger group (function table, R2); NULL if unknown.
-- @column component [text] total, pod_allocation, deploy_code, deploy_dependency or scheduling.
-- @column bin [index] floor(log10(seconds) · bins_per_decade); NULL on the row of values ≤ 0.
-- @column n [count] Cold starts whose value falls in the bin (positive values).
-- @column n_zero [count] Cold starts whose value is ≤ 0 (on the bin-NULL row; else 0).
WITH cs AS (
    SELECT region, pool_size, runtime, trigger_group,
        totalCost_cold_start, podAllocationCost, deployCodeCost,
        deployDependencyCost, schedulingCost
    FROM cold_starts_attributed
    WHERE $region IS NULL OR region = $region
),
long AS (
    SELECT region, pool_size, runtime, trigger_group, 'total' AS component,
        totalCost_cold_start AS v
    FROM cs
    UNION ALL
    SELECT region, pool_size, runtime, trigger_group, 'pod_allocation', podAllocationCost FROM cs
    UNION ALL
    SELECT region, pool_size, runtime, trigger_group, 'deploy_code', deployCodeCost FROM cs
    UNION ALL
    SELECT region, pool_size, runtime, trigger_group, 'deploy_dependency', deployDependencyCost
    FROM cs
    UNION ALL
    SELECT region, pool_size, runtime, trigger_group, 'scheduling', schedulingCost FROM cs
)
SELECT
    region, pool_size, runtime, trigger_group, component,
    CASE WHEN v > 0 THEN CAST(floor(log10(v) * $bins_per_decade) AS BIGINT) END AS bin,
    COUNT(*) FILTER (WHERE v > 0) AS n,
    COUNT(*) FILTER (WHERE v <= 0) AS n_zero
FROM long
WHERE v IS NOT NULL
GROUP BY ALL
ORDER BY ALL;
