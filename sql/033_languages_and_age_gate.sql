-- The widget in the visitor's language and the age gate (issue 28; docs/decisions.md,
-- Languages; Age gate). A chat keeps the language its form was shown in and the date of birth
-- it gave; confirming its code copies both into the consent log beside the consent text, and
-- the language onto the contact, whose texts from us (the opt-out notice, the opt-out
-- confirmation) then speak it. NULL: not known (staff's contacts, texts from a number, and
-- everything before this migration), which reads as English.
ALTER TABLE contacts ADD COLUMN language text CHECK (language IN ('en', 'es'));
ALTER TABLE chats
    ADD COLUMN language text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'es')),
    ADD COLUMN birthdate date;
ALTER TABLE consent_events
    ADD COLUMN language text CHECK (language IN ('en', 'es')),
    ADD COLUMN birthdate date;
