-- The raw values of one response-time bucket of one rep (the second step of an exact median split by rep),
-- without reading the rest of the rep's leads or other reps' leads of that bucket.
CREATE INDEX leads_owner_response_vb_idx ON leads (owner_rep_id, tally_response_vb(tally_response_secs(created_at, first_touch_at)), created_at);
