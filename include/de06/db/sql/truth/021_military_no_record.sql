-- The expected Art. 69(2) basis of each conviction (NULL: a record arises), compared by the sync's
-- verification with what the target holds.
ALTER TABLE qp_expected ADD COLUMN no_record_basis text;
