-- Consent belongs to a number: when staff change a contact's phone, the new number gets a
-- phone_changed event saying that the old number's consent does not carry over to it.
ALTER TABLE consent_events DROP CONSTRAINT consent_events_kind_check;
ALTER TABLE consent_events ADD CONSTRAINT consent_events_kind_check
    CHECK (kind IN ('opt_in', 'opt_out', 'help', 'phone_changed'));
