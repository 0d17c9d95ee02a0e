-- Lifetimes of cold-started pods, from the per-request table (paper Fig 17, §4.6).
--
-- Rules (the paper leaves them open; paper_catalog Fig 17):
-- * Only cold starts on a day that the region's request table covers count (day 30 in the
--   release): earlier pods' requests are not in the table.
-- * A podID with several cold starts is several pods: each request belongs to the latest
--   cold start of its podID at or before its time_worker, and only until the next one.
-- * useful lifetime = end of the pod's last request (time_worker + totalCost_worker) minus
--   its cold-start time = lifetime − keep-alive, assuming deletion one keep-alive after the
--   last request.
-- * Pods without any request in the table (R1 and R3 are subsampled) keep a row with
--   requests = 0 and NULL lifetime; the queries drop them.
-- * Right censoring is left to the queries: censor_margin_s says how long before the end
--   of the covered window the last request ended.
--
-- @requires base/cold_starts_attributed, base/requests
--
-- @view pod_lifetimes
-- One row per cold start on a day the request table covers.
-- @column region [text] Region R1…R5.
-- @column podID [text] The pod.
-- @column funcID [text] Its function.
-- @column runtime [text] Runtime from the function table; NULL outside it.
-- @column trigger_group [text] Trigger group from the function table; NULL outside it.
-- @column cold_start_time [s] Time of the cold start, seconds since the trace start.
-- @column cold_start_s [s] Cold-start duration (totalCost_cold_start).
-- @column requests [count] Requests served by this pod (0 if none in the table).
-- @column last_request_end [s] Max of time_worker + totalCost_worker over its requests.
-- @column useful_lifetime_s [s] last_request_end − cold_start_time; NULL without requests.
-- @column utility_ratio [ratio] useful_lifetime_s / cold_start_s; NULL if either is NULL or
-- the cold start took 0 s.
-- @column window_end [s] End of the last day the region's request table covers.
-- @column censor_margin_s [s] window_end − last_request_end: a pod whose margin is below
-- the keep-alive may have served more requests after the window.
CREATE VIEW pod_lifetimes AS
WITH covered AS (
    SELECT DISTINCT region, day FROM requests
),
window_ends AS (
    SELECT region, CAST((MAX(day) + 1) * 86400 AS DOUBLE) AS window_end FROM covered GROUP BY region
),
pods AS (
    SELECT
        c.region,
        c.podID,
        c.funcID,
        c.runtime,
        c.trigger_group,
        c.time AS cold_start_time,
        c.totalCost_cold_start AS cold_start_s,
        LEAD(c.time) OVER (PARTITION BY c.region, c.podID ORDER BY c.time) AS next_cold_start
    FROM cold_starts_attributed AS c
    JOIN covered AS d ON d.region = c.region AND d.day = c.day
    -- Redundant with the join, but a filter on the scan: the engine then skips the row groups
    -- of the uncovered days (30 of 31 in the release) instead of joining every cold start
    -- (on `large` 6.0 M rows before the join instead of 0.2 M; the query 1.9 -> 1.3 s).
    WHERE c.podID IS NOT NULL AND c.day >= (SELECT MIN(day) FROM covered)
),
served AS (
    SELECT
        p.region,
        p.podID,
        p.cold_start_time,
        COUNT(*) AS requests,
        MAX(r.time_worker + r.totalCost_worker) AS last_request_end
    FROM pods AS p
    JOIN requests AS r
        ON r.region = p.region
        AND r.podID = p.podID
        AND r.time_worker >= p.cold_start_time
        AND (p.next_cold_start IS NULL OR r.time_worker < p.next_cold_start)
    GROUP BY p.region, p.podID, p.cold_start_time
)
SELECT
    p.region,
    p.podID,
    p.funcID,
    p.runtime,
    p.trigger_group,
    p.cold_start_time,
    p.cold_start_s,
    COALESCE(s.requests, 0) AS requests,
    s.last_request_end,
    s.last_request_end - p.cold_start_time AS useful_lifetime_s,
    (s.last_request_end - p.cold_start_time) / NULLIF(p.cold_start_s, 0) AS utility_ratio,
    w.window_end,
    w.window_end - s.last_request_end AS censor_margin_s
FROM pods AS p
JOIN window_ends AS w ON w.region = p.region
LEFT JOIN served AS s
    ON s.region = p.region AND s.podID = p.podID AND s.cold_start_time = p.cold_start_time;
