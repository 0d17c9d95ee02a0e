-- @query requests_per_function
-- Total requests and median daily requests per function (Fig 3a, 6a).
-- The median is over the days the region covers, zeros included
-- (paper Fig 3a "requests per day per function", Fig 6a x axis).
--
-- @needs counts
--
-- @param region VARCHAR = NULL {R1, R2, R3, R4, R5} Only this region; NULL = all regions.
--
-- @column region [text] Region R1…R5.
-- @column funcID [text] funcName---userID---poolName.
-- @column days [count] Days covered (the median is taken over these).
-- @column active_days [count] Days with at least one request.
-- @column requests [count] Total requests over the covered days.
-- @column median_daily_requests [requests/day] Median of the daily totals (continuous).
-- @column mean_daily_requests [requests/day] requests / days.
SELECT
    region,
    funcID,
    COUNT(*) AS days,
    COUNT(CASE WHEN requests > 0 THEN 1 END) AS active_days,
    CAST(SUM(requests) AS BIGINT) AS requests,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY requests) AS median_daily_requests,
    CAST(SUM(requests) AS DOUBLE) / COUNT(*) AS mean_daily_requests
FROM requests_function_days
WHERE $region IS NULL OR region = $region
GROUP BY region, funcID
ORDER BY region, funcID;
