-- @query cold_starts_inter_arrival_summary
-- Cold-start inter-arrival times per region: count, share of zeros, mean, percentiles.
-- Zeros are gaps below the release's 1 ms resolution;
-- they are included in the mean and percentiles (paper Fig 10c; §4.1 medians).
--
-- @needs cold_starts
--
-- @column region [text] Region R1…R5.
-- @column iats [count] Inter-arrival times (cold starts minus one).
-- @column zero_iats [count] Inter-arrival times equal to 0.
-- @column zero_share [share] zero_iats / iats.
-- @column mean_s [s] Mean inter-arrival time.
-- @column p50_s [s] Median inter-arrival time (continuous).
-- @column p90_s [s] 90th percentile of the inter-arrival time.
SELECT
    region,
    COUNT(*) AS iats,
    COUNT(CASE WHEN iat_s = 0 THEN 1 END) AS zero_iats,
    AVG(CASE WHEN iat_s = 0 THEN 1 ELSE 0 END) AS zero_share,
    AVG(iat_s) AS mean_s,
    -- One list of fractions: the identical aggregates are computed once, one sort for all
    -- (each percentile_cont sorts on its own), with the same values.
    quantile_cont(iat_s, [0.5, 0.9])[1] AS p50_s,
    quantile_cont(iat_s, [0.5, 0.9])[2] AS p90_s
FROM cold_start_inter_arrivals
GROUP BY region
ORDER BY region;
