-- Daily request totals per function with the days without requests filled in as zeros.
--
-- @requires base/counts
--
-- @view requests_function_days
-- One row per (region, funcID, day) for every funcID seen in the region's counts and every
-- day the region's counts cover (a day with no count row at all in the region is not
-- covered and has no rows). Days on which the function had no request carry 0.
-- @column region [text] Region R1…R5.
-- @column funcID [text] funcName---userID---poolName.
-- @column day [day] Day of the trace, 0–30.
-- @column requests [count] Requests of the function that day (0 when none).
CREATE VIEW requests_function_days AS
WITH daily AS (
    SELECT region, funcID, day, CAST(SUM(requests) AS BIGINT) AS requests
    FROM counts
    GROUP BY region, funcID, day
),
days AS (
    SELECT DISTINCT region, day FROM daily
),
funcs AS (
    SELECT DISTINCT region, funcID FROM daily
)
SELECT f.region, f.funcID, d.day, COALESCE(x.requests, 0) AS requests
FROM funcs AS f
JOIN days AS d ON d.region = f.region
LEFT JOIN daily AS x ON x.region = f.region AND x.funcID = f.funcID AND x.day = d.day;
