-- Base view over the warehouse's timeseries table: per-minute statistics per function.
--
-- @view timeseries
-- One row per (region, metric, funcID, minute) with a value; filter on metric (e.g.
-- 'cpu_usage', 'totalCost') to read only that metric's files. Units follow the metric:
-- seconds for *Cost metrics, cores for cpu_usage, MB for memory_usage.
-- @columns-from-warehouse timeseries
CREATE VIEW timeseries AS
SELECT
    region, metric, day,
    funcID, time, avg, std, quantile_000, quantile_025, quantile_050, quantile_075,
    quantile_090, quantile_095, quantile_099, quantile_100
FROM _wh_timeseries;
