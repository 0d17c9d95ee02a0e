-- @query requests_per_function_minute
-- Each function's requests in every minute it had any, over a range of days (Fig 6).
-- The input of the per-function peak-to-trough ratio: minutes without requests are left out
-- (the release's NaN), not zero-filled, as the paper_catalog's reading of Fig 6 requires.
-- The largest query of the library on the full release: filter by region and days.
--
-- @needs counts
--
-- @param region VARCHAR = NULL {R1, R2, R3, R4, R5} Only this region; NULL = all regions.
-- @param day_from INTEGER = 0 First day, inclusive.
-- @param day_to INTEGER = 30 Last day, inclusive.
--
-- @column region [text] Region R1…R5.
-- @column funcID [text] funcName---userID---poolName.
-- @column time [s] Start of the minute, seconds since the trace start.
-- @column requests [count] Requests of the function in the minute (> 0).
SELECT region, funcID, time, requests
FROM counts
WHERE ($region IS NULL OR region = $region)
    AND day BETWEEN $day_from AND $day_to
    AND requests > 0
ORDER BY region, funcID, time;
