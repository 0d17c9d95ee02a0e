-- Cold starts joined with their function's attributes (the function table covers R2 only,
-- so outside R2 the attribute columns are NULL).
--
-- @requires base/cold_starts, base/functions
--
-- @view cold_starts_attributed
-- One row per cold-start event (as cold_starts) plus the function's runtime and trigger
-- groups and the pool's resource group. Filter on region/day as for cold_starts.
-- @columns-from-warehouse cold_starts
-- @column runtime [text] Runtime from the function table; NULL if the funcID is not there
-- (always outside R2).
-- @column runtime_group [text] Fig 8b runtime group; NULL as runtime.
-- @column trigger_group [text] Fig 8a trigger group (an assumption for combinations);
-- NULL as runtime.
-- @column resource_group [text] Fig 8c group of the cold start's own pool (any region);
-- NULL if the podID has no pool.
CREATE VIEW cold_starts_attributed AS
SELECT
    c.*,
    f.runtime,
    f.runtime_group,
    f.trigger_group,
    resource_group(c.cpu_limit, c.mem_limit) AS resource_group
FROM cold_starts AS c
LEFT JOIN functions AS f
    ON f.region = c.region AND f.funcID = c.funcID;
