-- Grouping rule shared by the queries: the resource group of a pool (paper Fig 8c/8f).
-- Runtime and trigger groups are computed by the ingest (coldstart/derive.py) and stored in
-- the functions table; a pool's cpu_limit and mem_limit are stored with every cold start,
-- request and function. On Spark, which has no macros, calls are inlined by
-- coldstart/query/dialect.py.
--
-- @macro resource_group(cpu_limit, mem_limit)
-- Fig 8c/8f resource group of a pool from its CPU limit (millicores) and memory limit (MB):
-- '300-128', '400-256', '600-512', '1000-1024', or 'other'; NULL when either is NULL.
CREATE MACRO resource_group(cpu_limit, mem_limit) AS
    CASE
        WHEN cpu_limit IS NULL OR mem_limit IS NULL THEN NULL
        WHEN (cpu_limit = 300 AND mem_limit = 128)
            OR (cpu_limit = 400 AND mem_limit = 256)
            OR (cpu_limit = 600 AND mem_limit = 512)
            OR (cpu_limit = 1000 AND mem_limit = 1024)
            THEN CAST(cpu_limit AS VARCHAR) || '-' || CAST(mem_limit AS VARCHAR)
        ELSE 'other'
    END;
