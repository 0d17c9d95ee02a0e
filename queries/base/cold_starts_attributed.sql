-- Cold starts with every group the paper breaks them down by. The function's groups are
-- columns of the cold starts themselves (written from the function table at ingest, and
-- rewritten whenever it changes), so this view joins nothing; the function table covers R2
-- only, so outside R2 they are NULL.
--
-- @requires base/cold_starts, base/groups
--
-- @view cold_starts_attributed
-- One row per cold-start event (as cold_starts, whose runtime, runtime_group and
-- trigger_group columns are the function's groups) plus the pool's resource group. Filter on
-- region/day as for cold_starts.
-- @columns-from-warehouse cold_starts
-- @column resource_group [text] Fig 8c group of the cold start's own pool (any region);
-- NULL if the podID has no pool.
CREATE VIEW cold_starts_attributed AS
SELECT
    c.*,
    resource_group(c.cpu_limit, c.mem_limit) AS resource_group
FROM cold_starts AS c;
