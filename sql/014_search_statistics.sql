-- A conversation search's plans turn on how many rows a LIKE pattern matches, which the planner
-- reads from the column's histogram (common/conversation.cpp): whether to find a name through
-- the trigram index or by walking the newest conversations, and that a rare word's messages
-- come from the trigram index, not a scan. At the default 100 buckets a word in 3,000 of a
-- million messages looked like one in 10,000 or in 100; 1,000 buckets resolve a tenth of a
-- percent.
ALTER INDEX messages_body_search_idx ALTER COLUMN 1 SET STATISTICS 1000;
ALTER TABLE contacts ALTER COLUMN search_text SET STATISTICS 1000;
ANALYZE contacts;
ANALYZE messages;
