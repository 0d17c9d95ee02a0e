-- @query pod_utility_ratio
-- Useful lifetime over cold-start time for every covered cold-started pod (Fig 17).
-- Useful lifetime = end of its last request − its cold start. See
-- queries/pod/lifetimes.sql for how requests are assigned to pods and podIDs with several cold
-- starts are split. Dropped: pods without requests in the table, pods whose cold start took
-- 0 s, and right-censored pods — those whose last request ended less than censor_s before the
-- end of the request table's last day (they may have lived on).
--
-- @needs cold_starts, requests
--
-- @param region VARCHAR = NULL {R1, R2, R3, R4, R5} Only this region; NULL = all regions.
-- @param keep_alive_s DOUBLE = 60 Keep-alive: a pod is deleted this long after its last request.
-- @param censor_s DOUBLE = NULL Drop pods whose last request ended within this many seconds of the
-- window end; NULL = keep_alive_s, 0 = keep all.
--
-- @column region [text] Region R1…R5.
-- @column podID [text] The pod.
-- @column funcID [text] Its function.
-- @column runtime [text] Runtime (function table, R2); NULL if unknown.
-- @column trigger_group [text] Trigger group (function table, R2); NULL if unknown.
-- @column cold_start_time [s] Time of the cold start, seconds since the trace start.
-- @column requests [count] Requests the pod served.
-- @column cold_start_s [s] Cold-start duration.
-- @column useful_lifetime_s [s] End of the last request − cold-start time.
-- @column lifetime_s [s] useful_lifetime_s + keep_alive_s.
-- @column utility_ratio [ratio] useful_lifetime_s / cold_start_s.
SELECT
    region,
    podID,
    funcID,
    runtime,
    trigger_group,
    cold_start_time,
    requests,
    cold_start_s,
    useful_lifetime_s,
    useful_lifetime_s + $keep_alive_s AS lifetime_s,
    utility_ratio
FROM pod_lifetimes
WHERE ($region IS NULL OR region = $region)
    AND requests > 0
    AND utility_ratio IS NOT NULL
    AND censor_margin_s >= COALESCE($censor_s, $keep_alive_s)
ORDER BY region, cold_start_time, podID;
