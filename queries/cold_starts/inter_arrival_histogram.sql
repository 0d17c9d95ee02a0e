-- @query cold_starts_inter_arrival_histogram
-- A region's cold-start inter-arrival times counted on a fine log grid (Fig 10c/10d).
-- What the CDF and the Weibull fit need, in thousands of rows instead of one per cold start
-- (2.0 M on `medium`, 11.9 M on the full release). Each bin keeps its count,
-- sum, smallest and largest gap, so the CDF is exact at every bin's largest gap and a bin
-- holding one distinct value (at 1000 bins per decade, every millisecond value below 0.43 s)
-- is that value exactly. Gaps of 0 (below the release's 1 ms resolution) are counted on one
-- row with bin NULL.
--
-- @needs cold_starts
--
-- @param region VARCHAR = NULL {R1, R2, R3, R4, R5} Only this region; NULL = all regions.
-- @param bins_per_decade INTEGER = 1000 Log10 bins per decade (1000: each bin 0.23 % wide).
--
-- @column region [text] Region R1…R5.
-- @column bin [index] floor(log10(iat_s) · bins_per_decade); NULL on the row of gaps of 0.
-- @column n [count] Gaps in the bin.
-- @column sum_s [s] Sum of the gaps in the bin.
-- @column min_s [s] Smallest gap in the bin.
-- @column max_s [s] Largest gap in the bin.
SELECT
    region,
    CASE WHEN iat_s > 0 THEN CAST(FLOOR(LOG10(iat_s) * $bins_per_decade) AS BIGINT) END AS bin,
    COUNT(*) AS n,
    SUM(iat_s) AS sum_s,
    MIN(iat_s) AS min_s,
    MAX(iat_s) AS max_s
FROM cold_start_inter_arrivals
WHERE $region IS NULL OR region = $region
GROUP BY region, CASE WHEN iat_s > 0 THEN CAST(FLOOR(LOG10(iat_s) * $bins_per_decade) AS BIGINT) END
ORDER BY region, bin;
