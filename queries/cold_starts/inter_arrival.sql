-- @query cold_starts_inter_arrival
-- Every inter-arrival time between consecutive cold starts of a region (Fig 10c/10d).
-- The sample of the CDF and the Weibull fit. Zeros are kept
-- (sub-millisecond gaps the release cannot resolve); see cold_starts_inter_arrival_summary for
-- their share.
--
-- @needs cold_starts
--
-- @param region VARCHAR = NULL {R1, R2, R3, R4, R5} Only this region; NULL = all regions.
--
-- @column region [text] Region R1…R5.
-- @column time [s] Time of the later cold start, seconds since the trace start.
-- @column iat_s [s] Gap to the previous cold start of the region.
SELECT region, time, iat_s
FROM cold_start_inter_arrivals
WHERE $region IS NULL OR region = $region
ORDER BY region, time;
