-- @query requests_per_function_day
-- Requests per function and day, zeros filled in (Fig 3a, 6a).
-- The daily totals behind each function's median day; days
-- without requests carry 0.
--
-- @needs counts
--
-- @param region VARCHAR = NULL {R1, R2, R3, R4, R5} Only this region; NULL = all regions.
--
-- @column region [text] Region R1…R5.
-- @column funcID [text] funcName---userID---poolName.
-- @column day [day] Day of the trace, 0–30.
-- @column requests [count] Requests of the function that day.
SELECT region, funcID, day, requests
FROM requests_function_days
WHERE $region IS NULL OR region = $region
ORDER BY region, funcID, day;
