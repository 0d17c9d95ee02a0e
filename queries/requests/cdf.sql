-- @query requests_cdf
-- Exact CDF of per-request execution time (totalCost_worker) at evenly spaced probabilities.
-- The distribution of the worker-side execution time over every request of the request table
-- (the dataset authors' Dask example: read every request, sort, take quantiles), exactly:
-- the value at probability p = k / steps for k = 1 … steps − 1 is NumPy's default quantile,
-- linear interpolation between the order statistics at positions floor(h) and floor(h) + 1
-- with h = (n − 1)·p (0-based). Requests whose totalCost_worker is NULL are left out, as
-- Dask's `dropna()` does. No rows when no request has a value.
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
summary AS (
    SELECT COUNT(*) AS n, MIN(x) AS lowest, MAX(x) AS highest, AVG(x) AS mean FROM v
),
probs AS (  -- unnest(range()) in a SELECT: sqlglot writes it as Spark's explode(sequence())
    SELECT t.k / CAST($steps AS DOUBLE) AS p FROM (SELECT unnest(range(1, $steps)) AS k) AS t
),
positions AS (
    SELECT probs.p, (s.n - 1) * probs.p AS h, CAST(FLOOR((s.n - 1) * probs.p) AS BIGINT) AS lo
    FROM probs CROSS JOIN summary AS s
    WHERE s.n > 0
),
-- One sort of every value; only the (at most 2·steps) order statistics needed are kept.
ranked AS (
    SELECT x, ROW_NUMBER() OVER (ORDER BY x) - 1 AS i FROM v
),
needed AS (
    SELECT r.i, r.x
    FROM ranked AS r
    WHERE r.i IN (SELECT lo FROM positions UNION SELECT lo + 1 FROM positions)
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
