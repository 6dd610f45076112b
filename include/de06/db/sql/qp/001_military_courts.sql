-- Ministry of Defence: military-court convictions as the courts' judicial-records units keep them.
-- Each information sheet (phiếu thông tin) a court sends is one row: a conviction sheet carries the
-- whole conviction at one version (an amendment is a new sheet with a higher version); an
-- expungement sheet records xóa án tích. Both share one sequence so sheet_id is unique across the
-- two tables; (updated_at, sheet_id) is the order the sync reads them in.
-- Identity fields are kept as recorded (free text); code lists are the MoD's own.

-- Grain: one row per court code and naming period (names changed with Resolution 571/2018).
CREATE TABLE court (
    court_code  text NOT NULL,
    court_name  text NOT NULL,
    level       text NOT NULL CHECK (level IN ('central', 'region', 'area')),
    valid_from  date NOT NULL,
    valid_to    date,
    PRIMARY KEY (court_code, valid_from)
);

-- Grain: one row per crime code (a crime under one Penal Code version).
CREATE TABLE crime (
    crime_code    text PRIMARY KEY,
    article       text NOT NULL,
    code_version  smallint NOT NULL CHECK (code_version IN (1999, 2015)),
    crime_name    text NOT NULL
);

-- Grain: one row per main-penalty code.
CREATE TABLE sentence_type (
    sentence_code  text PRIMARY KEY,
    sentence_name  text NOT NULL,
    needs_term     boolean NOT NULL
);

CREATE SEQUENCE sheet_seq;

-- Grain: one row per conviction sheet (conviction_ref x version; re-sends make duplicates).
CREATE TABLE conviction (
    sheet_id          bigint PRIMARY KEY DEFAULT nextval('sheet_seq'),
    conviction_ref    text NOT NULL,          -- the MoD's identity of the conviction
    version           integer NOT NULL,
    full_name         text,
    dob_text          text,
    sex_text          text,
    id_number         text,
    birth_place       text,
    unit_name         text,
    court_code        text,
    crime_code        text,
    article           text,
    code_version      smallint,
    sentence_code     text,
    term_months       integer,
    suspended         boolean NOT NULL DEFAULT false,
    probation_months  integer,
    judgment_no       text,
    judgment_date     date,
    effective_date    date,
    main_end_date     date,
    status            text,
    expunged          boolean NOT NULL DEFAULT false,
    expunged_on       date,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conviction_cursor_idx ON conviction (updated_at, sheet_id);
CREATE INDEX conviction_ref_idx ON conviction (conviction_ref, version);

-- Grain: one row per expungement sheet (may arrive before the conviction it clears).
CREATE TABLE expungement (
    sheet_id        bigint PRIMARY KEY DEFAULT nextval('sheet_seq'),
    conviction_ref  text NOT NULL,
    expunged_on     date,
    basis           text,                     -- automatic (Art. 70) or court (Art. 71/72)
    decision_no     text,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX expungement_cursor_idx ON expungement (updated_at, sheet_id);
CREATE INDEX expungement_ref_idx ON expungement (conviction_ref);

-- Code lists (names as in judicial_records.md section 5; pre-2018 area names are older forms).
INSERT INTO court (court_code, court_name, level, valid_from, valid_to) VALUES
 ('TW',      'Tòa án quân sự trung ương', 'central', '1993-01-01', NULL),
 ('QK1',     'Tòa án quân sự Quân khu 1', 'region', '1993-01-01', NULL),
 ('QK2',     'Tòa án quân sự Quân khu 2', 'region', '1993-01-01', NULL),
 ('QK3',     'Tòa án quân sự Quân khu 3', 'region', '1993-01-01', NULL),
 ('QK4',     'Tòa án quân sự Quân khu 4', 'region', '1993-01-01', NULL),
 ('QK5',     'Tòa án quân sự Quân khu 5', 'region', '1993-01-01', NULL),
 ('QK7',     'Tòa án quân sự Quân khu 7', 'region', '1993-01-01', NULL),
 ('QK9',     'Tòa án quân sự Quân khu 9', 'region', '1993-01-01', NULL),
 ('THN',     'Tòa án quân sự Thủ đô Hà Nội', 'region', '1993-01-01', NULL),
 ('HQ',      'Tòa án quân sự Quân chủng Hải quân', 'region', '1993-01-01', NULL),
 ('KV-QK1',  'Tòa án quân sự khu vực 1 Quân khu 1', 'area', '1993-01-01', '2018-07-01'),
 ('KV-QK1',  'Tòa án quân sự khu vực Quân khu 1', 'area', '2018-07-01', NULL),
 ('KV-QK2',  'Tòa án quân sự khu vực Quân khu 2', 'area', '1993-01-01', NULL),
 ('KV-QK3',  'Tòa án quân sự khu vực Quân khu 3', 'area', '1993-01-01', NULL),
 ('KV-QK4',  'Tòa án quân sự khu vực Quân khu 4', 'area', '1993-01-01', NULL),
 ('KV1-QK5', 'Tòa án quân sự khu vực 1 Quân khu 5', 'area', '1993-01-01', NULL),
 ('KV2-QK5', 'Tòa án quân sự khu vực 2 Quân khu 5', 'area', '1993-01-01', NULL),
 ('KV-QK7',  'Tòa án quân sự khu vực 1 Quân khu 7', 'area', '1993-01-01', '2018-07-01'),
 ('KV-QK7',  'Tòa án quân sự khu vực Quân khu 7', 'area', '2018-07-01', NULL),
 ('KV-QK9',  'Tòa án quân sự khu vực Quân khu 9', 'area', '1993-01-01', NULL);

INSERT INTO crime (crime_code, article, code_version, crime_name) VALUES
 ('T123', '123', 2015, 'Giết người'),
 ('T128', '128', 2015, 'Vô ý làm chết người'),
 ('T134', '134', 2015, 'Cố ý gây thương tích hoặc gây tổn hại cho sức khỏe của người khác'),
 ('T168', '168', 2015, 'Cướp tài sản'),
 ('T171', '171', 2015, 'Cướp giật tài sản'),
 ('T173', '173', 2015, 'Trộm cắp tài sản'),
 ('T174', '174', 2015, 'Lừa đảo chiếm đoạt tài sản'),
 ('T175', '175', 2015, 'Lạm dụng tín nhiệm chiếm đoạt tài sản'),
 ('T249', '249', 2015, 'Tàng trữ trái phép chất ma túy'),
 ('T251', '251', 2015, 'Mua bán trái phép chất ma túy'),
 ('T260', '260', 2015, 'Vi phạm quy định về tham gia giao thông đường bộ'),
 ('T304', '304', 2015, 'Chế tạo, tàng trữ, vận chuyển, sử dụng, mua bán trái phép hoặc chiếm đoạt vũ khí quân dụng, phương tiện kỹ thuật quân sự'),
 ('T318', '318', 2015, 'Gây rối trật tự công cộng'),
 ('T321', '321', 2015, 'Đánh bạc'),
 ('T353', '353', 2015, 'Tham ô tài sản'),
 ('T394', '394', 2015, 'Chống mệnh lệnh'),
 ('T402', '402', 2015, 'Đào ngũ'),
 ('T403', '403', 2015, 'Trốn tránh nhiệm vụ'),
 ('T414', '414', 2015, 'Làm mất hoặc vô ý làm hư hỏng vũ khí quân dụng, phương tiện kỹ thuật quân sự'),
 ('C138', '138', 1999, 'Trộm cắp tài sản'),
 ('C104', '104', 1999, 'Cố ý gây thương tích hoặc gây tổn hại cho sức khỏe của người khác'),
 ('C202', '202', 1999, 'Vi phạm quy định về điều khiển phương tiện giao thông đường bộ'),
 ('C248', '248', 1999, 'Đánh bạc'),
 ('C316', '316', 1999, 'Chống mệnh lệnh'),
 ('C325', '325', 1999, 'Đào ngũ');

INSERT INTO sentence_type (sentence_code, sentence_name, needs_term) VALUES
 ('CC',   'Cảnh cáo', false),
 ('PT',   'Phạt tiền', false),
 ('CTKG', 'Cải tạo không giam giữ', true),
 ('GKL',  'Giữ trong kỷ luật quân đội', true),
 ('TCT',  'Tù có thời hạn', true),
 ('TCTH', 'Tù chung thân', false),
 ('TH',   'Tử hình', false);
