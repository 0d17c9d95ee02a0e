-- Every function of a region with its group under each of the paper's groupings (Fig 8).
--
-- @requires base/counts, base/cold_starts, base/functions, base/groups
--
-- @view function_keys
-- One row per (region, funcID) seen in the counts, the cold starts or the function table,
-- with its groups. Runtime and trigger groups come from the function table (NULL when the
-- funcID is not there, always outside R2); the resource group is parsed from the funcID's
-- pool, so it is known in every region.
-- @column region [text] Region R1…R5.
-- @column funcID [text] funcName---userID---poolName.
-- @column in_function_table [bool] Whether the function table lists the funcID.
-- @column runtime [text] Runtime; NULL if not in the function table.
-- @column runtime_group [text] Fig 8b runtime group; NULL if not in the function table.
-- @column trigger_group [text] Fig 8a trigger group; NULL if not in the function table.
-- @column resource_group [text] Fig 8c resource group of the funcID's pool.
CREATE VIEW function_keys AS
WITH ids AS (
    SELECT DISTINCT region, funcID FROM counts
    UNION
    SELECT DISTINCT region, funcID FROM cold_starts WHERE funcID IS NOT NULL
    UNION
    SELECT region, funcID FROM functions
),
pools AS (  -- the counts table has no pool columns: read the pool off the funcID's last part
    SELECT
        region,
        funcID,
        TRY_CAST(split_part(split_part(funcID, '---', 3), '-', 2) AS INTEGER) AS cpu_limit,
        TRY_CAST(split_part(split_part(funcID, '---', 3), '-', 3) AS INTEGER) AS mem_limit
    FROM ids
)
SELECT
    ids.region,
    ids.funcID,
    f.funcID IS NOT NULL AS in_function_table,
    f.runtime,
    f.runtime_group,
    f.trigger_group,
    resource_group(ids.cpu_limit, ids.mem_limit) AS resource_group
FROM pools AS ids
LEFT JOIN function_groups AS f ON f.region = ids.region AND f.funcID = ids.funcID;
