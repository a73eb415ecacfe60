-- A conversation search walks the newest messages until it has enough matches for a common word
-- and takes the trigram matches for a rare one (common/conversation.cpp). The planner tells them
-- apart by the LIKE pattern's selectivity in the column's histogram: at the default 100 buckets
-- a word in 3,000 of a million messages looked like one in 10,000, and the walk it chose read
-- 700,000 rows. 1,000 buckets resolve a tenth of a percent.
ALTER INDEX messages_body_search_idx ALTER COLUMN 1 SET STATISTICS 1000;
ALTER TABLE contacts ALTER COLUMN search_text SET STATISTICS 1000;
ANALYZE contacts;
ANALYZE messages;
