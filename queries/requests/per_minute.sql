-- @query requests_per_minute
-- Region-wide requests per minute over a range of days, zeros filled in (Fig 5).
-- All functions summed, minutes without requests filled in as 0 (daily
-- peaks). Only days that the region's counts cover get rows.
--
-- @needs counts
--
-- @param region VARCHAR = NULL {R1, R2, R3, R4, R5} Only this region; NULL = all regions.
-- @param day_from INTEGER = 0 First day, inclusive.
-- @param day_to INTEGER = 2 Last day, inclusive.
--
-- @column region [text] Region R1…R5.
-- @column time [s] Start of the minute, seconds since the trace start.
-- @column requests [count] Requests in the minute, summed over functions.
WITH per_minute AS (
    SELECT region, day, time, CAST(SUM(requests) AS BIGINT) AS requests
    FROM counts
    WHERE ($region IS NULL OR region = $region) AND day BETWEEN $day_from AND $day_to
    GROUP BY region, day, time
),
minutes AS (  -- unnest(range()) in a SELECT: sqlglot writes it as Spark's explode(sequence())
    SELECT d.region, d.day * 86400 + 60 * m.i AS time
    FROM (SELECT DISTINCT region, day FROM per_minute) AS d
    CROSS JOIN (SELECT unnest(range(0, 1440)) AS i) AS m
)
SELECT m.region, CAST(m.time AS INTEGER) AS time, COALESCE(p.requests, 0) AS requests
FROM minutes AS m
LEFT JOIN per_minute AS p ON p.region = m.region AND p.time = m.time
ORDER BY m.region, time;
