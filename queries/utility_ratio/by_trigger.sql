-- @query utility_ratio_by_trigger
-- Pod utility ratio quartiles and tail shares per trigger group, plus 'all' (Fig 17b).
-- utility_ratio_by_group with grouping = 'trigger' (one body: the table macro
-- utility_ratio_groups); the group column is named trigger_group.
--
-- @needs cold_starts, requests, functions
--
-- @param region VARCHAR = 'R2' {R1, R2, R3, R4, R5} Region (the function table is R2's).
-- @param keep_alive_s DOUBLE = 60 Keep-alive, the default censoring margin.
-- @param censor_s DOUBLE = NULL Censoring margin (see pod_utility_ratio); NULL = keep_alive_s.
--
-- @column trigger_group [text] The group, 'all' for every pod, NULL for pods outside the function
-- table.
-- @column pods [count] Pods.
-- @column share_below_1 [share] Share of pods with utility_ratio < 1 (useful for less than their
-- cold start).
-- @column p25 [ratio] First quartile of the utility ratio.
-- @column p50 [ratio] Median utility ratio.
-- @column p75 [ratio] Third quartile of the utility ratio.
-- @column share_above_100 [share] Share of pods with utility_ratio > 100.
SELECT group_name AS trigger_group, pods, share_below_1, p25, p50, p75, share_above_100
FROM utility_ratio_groups($region, 'trigger', COALESCE($censor_s, $keep_alive_s))
ORDER BY all_row, trigger_group NULLS LAST;
