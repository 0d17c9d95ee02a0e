-- @query figures_function_requests_per_minute
-- Each function's requests in each minute with at least one request (Fig 6).
-- Each funcID's requests-per-minute series over the trace, active minutes only: the
-- peak-to-trough rule of Fig 6 drops the release's NaN minutes rather than zero-filling them
-- (paper_catalog §Fig 6; coldstart.analysis.peak_trough). The largest figure query: one row
-- per active function-minute.
--
-- @needs counts
--
-- @param region VARCHAR = NULL {R1, R2, R3, R4, R5} Only this region; NULL = all regions.
--
-- @column region [text] Region R1…R5.
-- @column funcID [text] funcName---userID---poolName.
-- @column time [s] Start of the minute, seconds since the trace start.
-- @column requests [count] Requests in that minute (> 0).
SELECT region, funcID, time, requests
FROM counts
WHERE requests > 0
    AND ($region IS NULL OR region = $region)
ORDER BY region, funcID, time;
