-- @query cold_starts_times
-- Every cold-start time per region, unsorted: the sample of the Fig 10a/10b CDFs and fit.
-- Only the two columns the CDFs and the LogNormal fit need, in no particular order: on the
-- full release (11.9 M cold starts) this is a quarter of cold_starts_values' memory and
-- skips its sort.
--
-- @needs cold_starts
--
-- @param region VARCHAR = NULL {R1, R2, R3, R4, R5} Only this region; NULL = all regions.
--
-- @column region [text] Region R1…R5.
-- @column total_s [s] totalCost_cold_start.
SELECT region, totalCost_cold_start AS total_s
FROM cold_starts
WHERE ($region IS NULL OR region = $region)
    AND totalCost_cold_start IS NOT NULL;
