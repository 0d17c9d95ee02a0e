-- Base view over the warehouse's requests table: one row per request (the release covers
-- day 30 only; R1 keeps the top 100 pods per function, R3 is a subsample).
--
-- @view requests
-- One row per request; the columns and units of docs/warehouse.md (times in seconds since
-- the trace start, costs in seconds, cpu_usage in cores, memory_usage in MB).
-- @columns-from-warehouse requests
CREATE VIEW requests AS
SELECT
    region, day,
    time_worker, time_frontend, time_minute, hour, requestID, clusterName, funcName, userID,
    funcID, podID, poolName, cpu_limit, mem_limit, pool_size, cpu_request, totalCost_worker,
    workerCost, runtimeCost, totalCost_frontend, frontendCost, busCost, readBodyCost,
    writeRspCost, cpu_usage, memory_usage, requestBodySize
FROM _wh_requests;
