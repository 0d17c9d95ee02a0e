-- Grouping rules shared by the queries: resource groups of pools (paper Fig 8c/8f) and the
-- pool of a funcID. Runtime and trigger groups are computed by the ingest (coldstart/derive.py)
-- and stored in the functions table.
--
-- @macro resource_group(cpu_limit, mem_limit)
-- Fig 8c/8f resource group of a pool from its CPU limit (millicores) and memory limit (MB):
-- '300-128', '400-256', '600-512', '1000-1024', or 'other'; NULL when either is NULL.
--
-- @macro func_pool_name(func_id)
-- The poolName part of a funcID (funcName---userID---poolName); NULL if it has no such part.
--
-- @macro pool_cpu_limit(pool_name)
-- CPU limit in millicores of a poolName such as pool22-300-128; NULL if it does not parse.
--
-- @macro pool_mem_limit(pool_name)
-- Memory limit in MB of a poolName such as pool22-300-128; NULL if it does not parse.
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

CREATE MACRO func_pool_name(func_id) AS
    NULLIF(split_part(func_id, '---', 3), '');

CREATE MACRO pool_cpu_limit(pool_name) AS
    TRY_CAST(split_part(pool_name, '-', 2) AS INTEGER);

CREATE MACRO pool_mem_limit(pool_name) AS
    TRY_CAST(split_part(pool_name, '-', 3) AS INTEGER);
