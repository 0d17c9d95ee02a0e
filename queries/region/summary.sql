-- @query region_summary
-- Requests, functions, pods and cold starts per region over the whole trace (Fig 1).
-- Requests and functions come from the per-minute counts (functions =
-- funcIDs with at least one request); pods are distinct podIDs among the cold starts (the
-- paper's proxy: pods alive at the trace start are missed).
--
-- @needs counts, cold_starts
--
-- @column region [text] Region R1…R5.
-- @column requests [count] Sum of all per-minute request counts.
-- @column functions [count] funcIDs with ≥ 1 request.
-- @column pods [count] Distinct non-NULL podIDs among the cold starts.
-- @column cold_starts [count] Cold-start events.
WITH req AS (
    SELECT region, CAST(SUM(requests) AS BIGINT) AS requests, COUNT(*) AS functions
    FROM (
        SELECT region, funcID, SUM(requests) AS requests
        FROM counts
        GROUP BY region, funcID
    ) AS per_function
    WHERE requests > 0
    GROUP BY region
),
cs AS (
    SELECT region, COUNT(DISTINCT podID) AS pods, COUNT(*) AS cold_starts
    FROM cold_starts
    GROUP BY region
),
regions AS (
    SELECT DISTINCT region FROM counts
    UNION
    SELECT region FROM cs
)
SELECT
    r.region,
    COALESCE(req.requests, 0) AS requests,
    COALESCE(req.functions, 0) AS functions,
    COALESCE(cs.pods, 0) AS pods,
    COALESCE(cs.cold_starts, 0) AS cold_starts
FROM regions AS r
LEFT JOIN req ON req.region = r.region
LEFT JOIN cs ON cs.region = r.region
ORDER BY r.region;
