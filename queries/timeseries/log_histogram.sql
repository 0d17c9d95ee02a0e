-- @query timeseries_log_histogram
-- Log-binned histogram and CDF of a metric's per-minute averages per region (Fig 3b/3c).
-- Pools every non-NULL (function, minute) value of the metric's "avg" statistic in a region
-- (unweighted, as the paper's Fig 3b/3c most likely are) into bins of equal width on a log10
-- axis, so the result stays small on the full release. Values ≤ 0 cannot go on a log axis:
-- they get one row with NULL bin (ordered first) and still count in the CDF.
--
-- @needs timeseries
--
-- @param metric VARCHAR = 'totalCost' {busCost, cpu_usage, deployCodeCost,
-- deployDependencyCost, frontendCost, memory_usage, podAllocationCost, readBodyCost,
-- requestBodySize, runtimeCost, schedulingCost, totalCost, totalCost_cold_start,
-- totalCost_frontend, workerCost, writeRspCost} Metric (totalCost = worker execution time).
-- @param bins_per_decade INTEGER = 20 Bins per factor of 10.
-- @param region VARCHAR = NULL {R1, R2, R3, R4, R5} Only this region; NULL = all regions.
--
-- @column region [text] Region R1…R5.
-- @column bin [index] floor(log10(value) · bins_per_decade); NULL for values ≤ 0.
-- @column lower [metric unit] Lower edge of the bin, 10^(bin / bins_per_decade); NULL for ≤ 0.
-- @column upper [metric unit] Upper edge of the bin (exclusive); NULL for values ≤ 0.
-- @column cells [count] (function, minute) values in the bin.
-- @column cdf [share] Share of the region's values below the upper edge (incl. this bin).
WITH binned AS (
    SELECT
        region,
        CASE
            WHEN avg > 0 THEN CAST(floor(log10(avg) * $bins_per_decade) AS INTEGER)
        END AS bin
    FROM timeseries
    WHERE metric = $metric
        AND ($region IS NULL OR region = $region)
        AND avg IS NOT NULL
),
counted AS (
    SELECT region, bin, COUNT(*) AS cells
    FROM binned
    GROUP BY region, bin
)
SELECT
    region,
    bin,
    power(10, CAST(bin AS DOUBLE) / $bins_per_decade) AS lower,
    power(10, CAST(bin + 1 AS DOUBLE) / $bins_per_decade) AS upper,
    cells,
    CAST(SUM(cells) OVER (
        PARTITION BY region ORDER BY bin NULLS FIRST ROWS UNBOUNDED PRECEDING
    ) AS DOUBLE) / SUM(cells) OVER (PARTITION BY region) AS cdf
FROM counted
ORDER BY region, bin NULLS FIRST;
