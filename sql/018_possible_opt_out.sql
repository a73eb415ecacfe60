-- A longer text with a stop word in it ("I can't stop smiling, but please stop the texts after
-- Friday") may be an opt-out, or not (issue 24). The contact keeps that text's id until staff
-- confirm it as an opt-out or dismiss it, or the number's consent changes: meanwhile the inbox
-- shows it, and campaigns and scheduled sends skip the contact.
ALTER TABLE contacts ADD COLUMN possible_opt_out_id bigint REFERENCES messages (id) ON DELETE SET NULL;

-- A campaign skips such a contact, with its own reason; and, while quiet hours are kept, a number
-- of no country (satellite and other global services), whose local time nobody knows.
ALTER TABLE campaign_recipients DROP CONSTRAINT campaign_recipients_skip_reason_check;
ALTER TABLE campaign_recipients ADD CONSTRAINT campaign_recipients_skip_reason_check
    CHECK (skip_reason IN ('opted_out', 'not_opted_in', 'invalid_number', 'contact_deleted',
                           'possible_opt_out', 'no_time_zone'));
