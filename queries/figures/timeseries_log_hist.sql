-- @query figures_timeseries_log_hist
-- Log-binned histogram of a per-minute metric's average per region (Fig 3b, 3c).
-- How are the per-(function, minute) averages of a per-minute metric (execution time
-- totalCost, cpu_usage, …) distributed in each region? Every non-NULL cell counts once
-- (unweighted, the paper's likely reading). Binning on a log grid keeps the answer small on
-- the full release (tens of millions of cells); coldstart.analysis.ecdf.ecdf_from_bins turns
-- it into a CDF whose x is each bin's upper edge 10^((bin+1)/bins_per_decade).
--
-- @needs timeseries
--
-- @param metric VARCHAR = 'totalCost' Per-minute metric, e.g. totalCost (s) or cpu_usage (cores).
-- @param bins_per_decade INTEGER = 40 Log10 bins per decade (40: each bin 6 % wide).
-- @param region VARCHAR = NULL {R1, R2, R3, R4, R5} Only this region; NULL = all regions.
--
-- @column region [text] Region R1…R5.
-- @column bin [index] floor(log10(avg) · bins_per_decade); NULL for avg ≤ 0, kept so the CDF
-- counts those cells (they sit left of any log axis).
-- @column n [count] (function, minute) cells in the bin.
SELECT
    region,
    CASE WHEN "avg" > 0 THEN CAST(floor(log10("avg") * $bins_per_decade) AS BIGINT) END AS bin,
    COUNT(*) AS n
FROM timeseries
WHERE metric = $metric
    AND "avg" IS NOT NULL
    AND ($region IS NULL OR region = $region)
GROUP BY ALL
ORDER BY region, bin NULLS FIRST;
