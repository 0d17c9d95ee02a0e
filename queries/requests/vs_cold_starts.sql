-- @query requests_vs_cold_starts
-- Requests against cold starts per function, with its trigger group (Fig 14).
-- Requests are summed from the per-minute counts; the trigger group
-- is known where the function table lists the function. Functions with requests but no cold
-- start, or cold starts but no count rows, appear with 0 for the missing side; cold starts
-- without a funcID are left out.
--
-- @needs counts, cold_starts
--
-- @param region VARCHAR = NULL {R1, R2, R3, R4, R5} Only this region; NULL = all regions.
--
-- @column region [text] Region R1…R5.
-- @column funcID [text] funcName---userID---poolName.
-- @column requests [count] Sum of the per-minute request counts over all days.
-- @column cold_starts [count] Cold-start events of the function.
-- @column trigger_group [text] Trigger group from the function table; NULL if not there.
WITH req AS (
    SELECT region, funcID, CAST(SUM(requests) AS BIGINT) AS requests
    FROM counts
    WHERE $region IS NULL OR region = $region
    GROUP BY region, funcID
),
cs AS (
    SELECT region, funcID, COUNT(*) AS cold_starts
    FROM cold_starts
    WHERE ($region IS NULL OR region = $region) AND funcID IS NOT NULL
    GROUP BY region, funcID
),
joined AS (
    SELECT
        COALESCE(req.region, cs.region) AS region,
        COALESCE(req.funcID, cs.funcID) AS funcID,
        COALESCE(req.requests, 0) AS requests,
        COALESCE(cs.cold_starts, 0) AS cold_starts
    FROM req
    FULL OUTER JOIN cs ON cs.region = req.region AND cs.funcID = req.funcID
)
SELECT j.region, j.funcID, j.requests, j.cold_starts, f.trigger_group
FROM joined AS j
LEFT JOIN function_groups AS f ON f.region = j.region AND f.funcID = j.funcID
ORDER BY j.region, j.funcID;
