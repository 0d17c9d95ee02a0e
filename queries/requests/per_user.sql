-- @query requests_per_user
-- Functions and requests per user over the whole trace (Fig 4a/4b).
-- A function counts when it has at least one request in the per-minute
-- counts; the userID is the middle part of the funcID.
--
-- @needs counts
--
-- @param region VARCHAR = NULL {R1, R2, R3, R4, R5} Only this region; NULL = all regions.
--
-- @column region [text] Region R1…R5.
-- @column userID [id] Hashed user id.
-- @column functions [count] Distinct funcIDs of the user with ≥ 1 request.
-- @column func_names [count] Distinct funcNames among them (a funcName may recur across pools).
-- @column requests [count] Requests of all the user's functions.
WITH per_function AS (
    SELECT region, funcID, CAST(SUM(requests) AS BIGINT) AS requests
    FROM counts
    WHERE $region IS NULL OR region = $region
    GROUP BY region, funcID
    HAVING SUM(requests) > 0
)
SELECT
    region,
    TRY_CAST(split_part(funcID, '---', 2) AS BIGINT) AS userID,
    COUNT(*) AS functions,
    COUNT(DISTINCT split_part(funcID, '---', 1)) AS func_names,
    CAST(SUM(requests) AS BIGINT) AS requests
FROM per_function
GROUP BY region, TRY_CAST(split_part(funcID, '---', 2) AS BIGINT)
ORDER BY region, userID;
