-- The daily cycle (DESIGN §17): every step of a cycle is a deployment_log row, and the rows of one cycle share its id,
-- so that `ssmd ops status` and `ssmd env history` show a cycle step by step. Rows that are no cycle's step (create,
-- apply, a node's start) keep it NULL. Valid on PostgreSQL and H2 (MODE=PostgreSQL) alike.
ALTER TABLE deployment_log ADD COLUMN cycle_id VARCHAR(64);

CREATE INDEX deployment_log_cycle ON deployment_log (cycle_id, started_at);
