-- Base view over the warehouse's cold_starts table: one row per cold-start event.
-- Every query reads cold starts through this view (or cold_starts_attributed), never the
-- files directly; filter on the partition columns region and day to read only those files.
--
-- @view cold_starts
-- One row per cold-start event, all regions and days; the columns and units of
-- docs/warehouse.md (times in seconds since the trace start, costs in seconds).
-- @columns-from-warehouse cold_starts
CREATE VIEW cold_starts AS
SELECT
    region, day,
    time, time_minute, hour, clusterName, funcName, userID, funcID, requestID,
    totalCost_cold_start, podAllocationCost, deployCodeCost, deployDependencyCost,
    schedulingCost, podID, poolName, cpu_limit, mem_limit, pool_size, cpu_request,
    runtime, runtime_group, trigger_group
FROM _wh_cold_starts;
