-- rfc3339() calls to_char(), which is STABLE: declared IMMUTABLE, the planner would not inline
-- it and ran it as a function call for every time in every answer (about 7% of PostgreSQL's
-- CPU in tests/bench/campaign-send). No index or stored column uses it.
ALTER FUNCTION rfc3339(timestamptz) STABLE;
