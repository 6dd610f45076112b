-- The clause the simulated court wrote on the conviction's final sheet, compared by the sync's
-- verification with what the target holds (a swapped clause changes the Art. 69(2) outcome).
ALTER TABLE qp_expected ADD COLUMN clause text;
