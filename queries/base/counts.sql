-- Base view over the warehouse's counts table: requests, pods and cold starts per function
-- and minute, all 31 days. An absent (funcID, minute) means zero for all three.
--
-- @view counts
-- One row per (region, funcID, minute) where any count was non-empty in the release.
-- @columns-from-warehouse counts
CREATE VIEW counts AS
SELECT region, day, funcID, time, requests, num_pods, num_cold_starts
FROM _wh_counts;
