-- @query requests_cdf
-- Exact CDF of per-request execution time (totalCost_worker) at evenly spaced probabilities.
-- The distribution of the worker-side execution time over every request of the request table
-- (the dataset authors' Dask example: read every request, sort, take quantiles), exactly:
-- the value at probability p = k / steps for k = 1 … steps − 1 is NumPy's default quantile,
-- linear interpolation between the order statistics at positions floor(h) and floor(h) + 1
-- with h = (n − 1)·p (0-based). Requests whose totalCost_worker is NULL are left out, as
-- Dask's `dropna()` does. No rows when no request has a value.
--
-- Without sorting every request: a first pass counts the values per bucket of a key that
-- never decreases with the value (floor(x^¼ · 2^16), mirrored below zero; √ is correctly
-- rounded and the power-of-two scale exact in IEEE arithmetic, so the key is monotone on any
-- engine), which places every bucket's values at a known range of ranks. The second pass sorts
-- only the buckets holding a wanted rank (2·steps at most, ≈ 2 % of the values on the
-- synthetic `medium` trace), within each bucket. Memory is one count per bucket instead of a
-- sort of every value; the answer is the full sort's to the last bit.
--
-- @needs requests
--
-- @param region VARCHAR = NULL {R1, R2, R3, R4, R5} Only this region; NULL = all regions.
-- @param steps INTEGER = 1000 Probabilities 1/steps … (steps − 1)/steps; 1000 gives 999 rows.
--
-- @column p [share] Probability k / steps.
-- @column x [s] totalCost_worker at probability p (linear interpolation).
-- @column n [count] Requests with a totalCost_worker (the same on every row).
-- @column min [s] Smallest totalCost_worker.
-- @column max [s] Largest totalCost_worker.
-- @column mean [s] Mean totalCost_worker.
WITH v AS (
    SELECT totalCost_worker AS x
    FROM requests
    WHERE ($region IS NULL OR region = $region) AND totalCost_worker IS NOT NULL
),
keyed AS (
    SELECT
        x,
        CASE
            WHEN x >= 0 THEN FLOOR(SQRT(SQRT(x)) * 65536)
            ELSE -1 - FLOOR(SQRT(SQRT(-x)) * 65536)
        END AS b
    FROM v
),
summary AS (
    SELECT COUNT(*) AS n, MIN(x) AS lowest, MAX(x) AS highest, AVG(x) AS mean FROM v
),
-- Each bucket's first rank: the values of the buckets below it.
placed AS (
    SELECT
        b,
        SUM(c) OVER (ORDER BY b ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - c AS start
    FROM (SELECT b, COUNT(*) AS c FROM keyed GROUP BY b) AS counted
),
probs AS (  -- unnest(range()) in a SELECT: sqlglot writes it as Spark's explode(sequence())
    SELECT t.k / CAST($steps AS DOUBLE) AS p FROM (SELECT unnest(range(1, $steps)) AS k) AS t
),
positions AS (
    SELECT probs.p, (s.n - 1) * probs.p AS h, CAST(FLOOR((s.n - 1) * probs.p) AS BIGINT) AS lo
    FROM probs CROSS JOIN summary AS s
    WHERE s.n > 0
),
wanted AS (
    SELECT lo AS i FROM positions UNION SELECT lo + 1 FROM positions
),
-- The bucket of a wanted rank is the last one starting at or before it: bucket starts and
-- wanted ranks in one sequence (a start before a rank equal to it), the running MAX of b
-- (starts rise with b; the ranks' NULL b is skipped).
located AS (
    SELECT
        kind,
        MAX(b) OVER (ORDER BY i, kind ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS b
    FROM (
        SELECT start AS i, b, 0 AS kind FROM placed
        UNION ALL
        SELECT i, CAST(NULL AS DOUBLE) AS b, 1 AS kind FROM wanted
    ) AS sequence
),
wanted_buckets AS (
    SELECT DISTINCT pl.b, pl.start
    FROM located AS l
    JOIN placed AS pl ON l.b = pl.b
    WHERE l.kind = 1
),
-- The wanted order statistics: ranks within their bucket, offset by its start.
needed AS (
    SELECT r.i, r.x
    FROM (
        SELECT k.x, wb.start + ROW_NUMBER() OVER (PARTITION BY k.b ORDER BY k.x) - 1 AS i
        FROM keyed AS k
        JOIN wanted_buckets AS wb ON k.b = wb.b
    ) AS r
    WHERE r.i IN (SELECT i FROM wanted)
)
SELECT
    pos.p,
    a.x + (pos.h - pos.lo) * (COALESCE(b.x, a.x) - a.x) AS x,  -- no b: h is the last position
    s.n,
    s.lowest AS "min",
    s.highest AS "max",
    s.mean
FROM positions AS pos
CROSS JOIN summary AS s
JOIN needed AS a ON a.i = pos.lo
LEFT JOIN needed AS b ON b.i = pos.lo + 1
ORDER BY pos.p;
