-- The utility-ratio breakdown behind utility_ratio_by_group and its two aliases (Fig 17a/b).
-- A table macro, not a view: the censoring margin filters pods before they are aggregated, so
-- the queries pass it (and the region and grouping) in as arguments. On Spark, which has no
-- macros, a call in FROM is inlined as a subquery by coldstart/query/dialect.py.
--
-- @requires pod/lifetimes
--
-- @macro utility_ratio_groups(in_region, by_grouping, min_margin_s)
-- One row per group of the region's covered cold-started pods with requests, plus one row
-- 'all' for every such pod: in_region is the region, by_grouping 'runtime' groups by the
-- function table's runtime and anything else by its trigger group, min_margin_s drops pods
-- whose censor_margin_s is below it (see pod_utility_ratio). Columns: all_row (1 on the 'all'
-- row, else 0: sort by it to put 'all' last), group_name ('all', or NULL for pods outside the
-- function table), pods, share_below_1, p25, p50, p75 (continuous quartiles), share_above_100.
CREATE MACRO utility_ratio_groups(in_region, by_grouping, min_margin_s) AS TABLE
SELECT
    GROUPING(g.group_name) AS all_row,
    CASE WHEN GROUPING(g.group_name) = 1 THEN 'all' ELSE g.group_name END AS group_name,
    COUNT(*) AS pods,
    AVG(CASE WHEN g.utility_ratio < 1 THEN 1 ELSE 0 END) AS share_below_1,
    -- One list of fractions: the identical aggregates are computed once, one sort for all
    -- (each percentile_cont sorts on its own), with the same values.
    quantile_cont(g.utility_ratio, [0.25, 0.5, 0.75])[1] AS p25,
    quantile_cont(g.utility_ratio, [0.25, 0.5, 0.75])[2] AS p50,
    quantile_cont(g.utility_ratio, [0.25, 0.5, 0.75])[3] AS p75,
    AVG(CASE WHEN g.utility_ratio > 100 THEN 1 ELSE 0 END) AS share_above_100
FROM (
    SELECT
        CASE by_grouping WHEN 'runtime' THEN runtime ELSE trigger_group END AS group_name,
        utility_ratio
    FROM pod_lifetimes
    WHERE region = in_region
        AND requests > 0
        AND utility_ratio IS NOT NULL
        AND censor_margin_s >= min_margin_s
) AS g
GROUP BY GROUPING SETS ((g.group_name), ());
