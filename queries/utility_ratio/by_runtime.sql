-- @query utility_ratio_by_runtime
-- Pod utility ratio quartiles and tail shares per runtime, plus 'all' (Fig 17a).
-- Same pods as pod_utility_ratio (censoring included); the 'all'
-- row covers every pod of the region; quartiles are continuous.
--
-- @needs cold_starts, requests, functions
--
-- @param region VARCHAR = 'R2' {R1, R2, R3, R4, R5} Region (the function table is R2's).
-- @param keep_alive_s DOUBLE = 60 Keep-alive, the default censoring margin.
-- @param censor_s DOUBLE = NULL Censoring margin (see pod_utility_ratio); NULL = keep_alive_s.
--
-- @column runtime [text] The group, 'all' for every pod, NULL for pods outside the function table.
-- @column pods [count] Pods.
-- @column share_below_1 [share] Share of pods with utility_ratio < 1 (useful for less than their
-- cold start).
-- @column p25 [ratio] First quartile of the utility ratio.
-- @column p50 [ratio] Median utility ratio.
-- @column p75 [ratio] Third quartile of the utility ratio.
-- @column share_above_100 [share] Share of pods with utility_ratio > 100.
SELECT
    CASE WHEN GROUPING(p.runtime) = 1 THEN 'all' ELSE p.runtime END AS runtime,
    COUNT(*) AS pods,
    AVG(CASE WHEN utility_ratio < 1 THEN 1 ELSE 0 END) AS share_below_1,
    percentile_cont(0.25) WITHIN GROUP (ORDER BY utility_ratio) AS p25,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY utility_ratio) AS p50,
    percentile_cont(0.75) WITHIN GROUP (ORDER BY utility_ratio) AS p75,
    AVG(CASE WHEN utility_ratio > 100 THEN 1 ELSE 0 END) AS share_above_100
FROM pod_lifetimes AS p
WHERE region = $region
    AND requests > 0
    AND utility_ratio IS NOT NULL
    AND censor_margin_s >= COALESCE($censor_s, $keep_alive_s)
GROUP BY GROUPING SETS ((p.runtime), ())
-- GROUPING(p.…) qualified: Spark resolves a bare name in ORDER BY to the output alias.
ORDER BY GROUPING(p.runtime), runtime NULLS LAST;
