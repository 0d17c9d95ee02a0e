-- The function table (Region 2 only in the release) and the groups the paper uses.
--
-- @requires base/groups
--
-- @view functions
-- One row per funcID of the function table; the columns and units of docs/warehouse.md.
-- @columns-from-warehouse functions
--
-- @view function_groups
-- One row per funcID of the function table with the paper's three groupings (Fig 8).
-- @column region [text] Region of the function table (R2 in the release).
-- @column funcID [text] funcName---userID---poolName.
-- @column runtime [text] Runtime as published (Python3, Java, …, unknown).
-- @column runtime_group [text] Fig 8b group: Custom, Java, Node.js, Python2, Python3, http, other.
-- @column trigger_group [text] Fig 8a group: TIMER-A, OBS-A, APIG-S, workflow-S, other A,
-- other S, unknown (the combination rule is an assumption, see docs/warehouse.md).
-- @column resource_group [text] Fig 8c group of the pool: 300-128, 400-256, 600-512,
-- 1000-1024, other.
CREATE VIEW functions AS
SELECT
    region,
    funcID, funcName, userID, poolName, cpu_limit, mem_limit, pool_size, cpu_request,
    runtime, runtime_group, trigger_field, triggers, trigger_types, invocation_types,
    trigger_group
FROM _wh_functions;

CREATE VIEW function_groups AS
SELECT
    region,
    funcID,
    runtime,
    runtime_group,
    trigger_group,
    resource_group(cpu_limit, mem_limit) AS resource_group
FROM functions;
