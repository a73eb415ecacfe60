-- Contacts imported from a file (issue 28; docs/decisions.md, Contact import and export): their
-- consent events say so, with the importing person and the file's evidence in the detail.
ALTER TABLE consent_events DROP CONSTRAINT consent_events_source_check;
ALTER TABLE consent_events ADD CONSTRAINT consent_events_source_check
    CHECK (source IN ('web', 'keyword', 'staff', 'import'));
