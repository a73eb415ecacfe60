-- Commerce7 lead sync (docs/decisions.md, Commerce7 lead sync). A pending contact is claimed
-- for one find-or-create at a time until this time: a lease, so that a run killed mid-call
-- frees the contact when it ends, and a second run meanwhile leaves it alone. NULL: unclaimed.
-- textus_app's UPDATE on contacts (002) covers the new column.
ALTER TABLE contacts ADD COLUMN commerce7_sync_claimed_until timestamptz;
