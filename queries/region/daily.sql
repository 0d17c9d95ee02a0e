-- @query region_daily
-- Daily mean pods, requests, cold starts and CPU usage per region (Fig 7).
-- The holiday effect, before normalisation. Pods are the day's pod-minutes /
-- 1440, i.e. the mean over the day's minutes of the pods summed over functions (absent minutes
-- count 0). CPU comes from the cpu_usage per-minute averages: their plain mean over
-- function-minutes, and the mean weighted by that minute's pods (NULL without cpu_usage data).
--
-- @needs counts
--
-- @param region VARCHAR = NULL {R1, R2, R3, R4, R5} Only this region; NULL = all regions.
-- @param day_from INTEGER = 0 First day, inclusive.
-- @param day_to INTEGER = 30 Last day, inclusive.
--
-- @column region [text] Region R1…R5.
-- @column day [day] Day of the trace.
-- @column pods [pods] Mean number of pods per minute over the day.
-- @column requests [count] Requests that day (per-minute counts summed).
-- @column cold_starts [count] Cold starts that day (per-minute num_cold_starts summed).
-- @column cpu_mean [cores] Mean of cpu_usage avg over the day's function-minutes.
-- @column cpu_pod_weighted [cores] Σ(cpu avg · pods) / Σ pods over function-minutes with both.
WITH c AS (
    SELECT
        region, day,
        SUM(num_pods) / 1440 AS pods,
        CAST(SUM(requests) AS BIGINT) AS requests,
        CAST(SUM(num_cold_starts) AS BIGINT) AS cold_starts
    FROM counts
    WHERE ($region IS NULL OR region = $region) AND day BETWEEN $day_from AND $day_to
    GROUP BY region, day
),
cpu AS (
    SELECT
        t.region, t.day,
        AVG(t.avg) AS cpu_mean,
        SUM(t.avg * n.num_pods) / NULLIF(SUM(CASE WHEN t.avg IS NOT NULL THEN n.num_pods END), 0)
            AS cpu_pod_weighted
    FROM timeseries AS t
    LEFT JOIN counts AS n
        ON n.region = t.region AND n.day = t.day AND n.funcID = t.funcID AND n.time = t.time
        AND n.day BETWEEN $day_from AND $day_to
    WHERE t.metric = 'cpu_usage'
        AND ($region IS NULL OR t.region = $region)
        AND t.day BETWEEN $day_from AND $day_to
    GROUP BY t.region, t.day
)
SELECT
    c.region, c.day, c.pods, c.requests, c.cold_starts, cpu.cpu_mean, cpu.cpu_pod_weighted
FROM c
LEFT JOIN cpu ON cpu.region = c.region AND cpu.day = c.day
ORDER BY c.region, c.day;
