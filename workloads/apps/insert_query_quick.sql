-- app_sqlite, quick size (about a quarter of insert_query.sql's work), for --quick runs.
-- Run from the repository root: sqlite3 :memory: < workloads/apps/insert_query_quick.sql
.parameter set $customers 5000
.parameter set $orders 40000
.read workloads/apps/insert_query.sql
