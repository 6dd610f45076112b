-- Ground truth of the military-court simulator (never read by a pipeline).

-- Grain: one row per conviction_ref: the state the target must reach once every sheet is synced.
-- expected_present is false when every sheet of the conviction is malformed (all quarantined).
CREATE TABLE qp_expected (
    conviction_ref    text PRIMARY KEY,
    citizen_id        bigint,          -- the true person; NULL when not in the population DB
    expected_present  boolean NOT NULL,
    version           integer,
    sheet_id          bigint,          -- the sheet whose content must be in the target
    judgment_no       text,
    article           text,
    main_penalty      text,
    penalty_months    integer,
    expunged          boolean NOT NULL,
    expunged_on       date
);

-- Grain: one row per sheet the simulator wrote, with what kind of change it is.
CREATE TABLE qp_sheet_truth (
    sheet_id        bigint PRIMARY KEY,
    conviction_ref  text NOT NULL,
    kind            text NOT NULL,     -- conviction, expungement
    change_class    text NOT NULL,     -- initial, update, expunge, late, out_of_order, duplicate, malformed, early_expunge, new
    batch           integer NOT NULL,  -- 0 = initial load, 1.. = change batches
    expected_outcome text NOT NULL     -- applied, stale, duplicate, quarantined, parked
);
