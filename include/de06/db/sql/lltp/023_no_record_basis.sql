-- A conviction after which no criminal record arises at all (judicial_records.md section 3):
-- 'art69_2_negligent' (Penal Code Art. 69(2): a negligent crime of a less serious or serious
-- clause) or 'art107_juvenile' (Art. 107). Such a conviction is not "án tích": certificate no. 1
-- omits it, no. 2 lists it as not counting. It is not an expungement (nothing to expunge), so it
-- is kept apart from expunged/expunged_on, and it follows the conviction's content: a newer
-- version of the sheet with another clause recomputes it.
ALTER TABLE conviction ADD COLUMN no_record_basis text
    CHECK (no_record_basis IN ('art69_2_negligent', 'art107_juvenile'));
