-- The campaign list's progress counts (docs/decisions.md, Campaigns): computing them reads every
-- recipient of every listed campaign, so the list reuses counts computed in the last few seconds
-- (minutes for a completed campaign) instead of recomputing them on every call. One campaign's
-- page still counts afresh.
CREATE TABLE campaign_progress (
    campaign_id bigint PRIMARY KEY REFERENCES campaigns (id) ON DELETE CASCADE,
    -- Progress's counts in kProgress's order; the soonest end of quiet hours held for.
    counts      bigint[] NOT NULL,
    held_until  text,
    computed_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE ON campaign_progress TO textus_app;
