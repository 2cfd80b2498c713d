-- The app's background fold (pgbench script for one client, one connection): a fold, then a second's pause.
SELECT sales_rollups_fold(false, 50000);
\sleep 1000 ms
