-- The reveal log is an audit (who saw a person's data, when, why): it must outlive the review item
-- it was about. A rebuilt simulated world drops its review items (their record and citizen ids
-- would name other people) but keeps the log, so the log no longer references review_item.
ALTER TABLE review_reveal DROP CONSTRAINT IF EXISTS review_reveal_item_id_fkey;
