-- Inter-arrival times between consecutive cold starts of a region (paper Fig 10c/10d); the
-- view behind the queries cold_starts/inter_arrival.sql and inter_arrival_summary.sql.
--
-- @requires base/cold_starts
--
-- @view cold_start_inter_arrivals
-- One row per cold start that has a predecessor in its region: all functions and clusters
-- of the region on one timeline (not per function), sorted by time. The release's times have
-- millisecond resolution, so gaps below 1 ms (and simultaneous cold starts) give iat_s = 0.
-- @column region [text] Region R1…R5.
-- @column time [s] Time of the cold start, seconds since the trace start.
-- @column iat_s [s] time minus the time of the previous cold start of the region (≥ 0).
CREATE VIEW cold_start_inter_arrivals AS
SELECT region, time, iat_s
FROM (
    SELECT
        region,
        time,
        time - LAG(time) OVER (PARTITION BY region ORDER BY time) AS iat_s
    FROM cold_starts
    WHERE time IS NOT NULL
) AS t
WHERE iat_s IS NOT NULL;
