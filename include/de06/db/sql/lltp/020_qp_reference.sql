-- Versioned mappings of the Ministry of Defence's military-court codes into the Judicial Records DB.
-- A code maps only through a row valid on the judgment date (valid_from <= date < valid_to); a code
-- with no valid row quarantines the sheet, it is never guessed. A change of meaning is a new version
-- row, never an edit of an old one. Periods of one code never overlap (exclusion constraints).
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- Grain: one row per MoD court code and version.
CREATE TABLE ref_qp_court (
    code        text NOT NULL,
    version     integer NOT NULL,
    court_name  text NOT NULL,
    level       text NOT NULL,
    valid_from  date NOT NULL,
    valid_to    date,
    PRIMARY KEY (code, version),
    EXCLUDE USING gist (code WITH =, daterange(valid_from, valid_to) WITH &&)
);

-- Grain: one row per MoD crime code and version: crime name and article in its Penal Code version.
CREATE TABLE ref_qp_crime (
    code          text NOT NULL,
    version       integer NOT NULL,
    crime_name    text NOT NULL,
    article       text NOT NULL,
    code_version  smallint NOT NULL,
    valid_from    date NOT NULL,
    valid_to      date,
    PRIMARY KEY (code, version),
    EXCLUDE USING gist (code WITH =, daterange(valid_from, valid_to) WITH &&)
);

-- Grain: one row per (Penal Code version, article) and version: the same crime's 2015 article.
CREATE TABLE ref_qp_article (
    code_version  smallint NOT NULL,
    article       text NOT NULL,
    version       integer NOT NULL,
    article_2015  text NOT NULL,
    valid_from    date NOT NULL,
    valid_to      date,
    PRIMARY KEY (code_version, article, version),
    EXCLUDE USING gist (code_version WITH =, article WITH =, daterange(valid_from, valid_to) WITH &&)
);

-- Grain: one row per MoD main-penalty code and version.
CREATE TABLE ref_qp_sentence (
    code          text NOT NULL,
    version       integer NOT NULL,
    main_penalty  text NOT NULL,   -- lltp vocabulary: warning, fine, reform, discipline, prison, life, death
    needs_term    boolean NOT NULL,
    valid_from    date NOT NULL,
    valid_to      date,
    PRIMARY KEY (code, version),
    EXCLUDE USING gist (code WITH =, daterange(valid_from, valid_to) WITH &&)
);

INSERT INTO ref_qp_court (code, version, court_name, level, valid_from, valid_to) VALUES
 ('TW', 1,      'Tòa án quân sự trung ương', 'central', '1993-01-01', NULL),
 ('QK1', 1,     'Tòa án quân sự Quân khu 1', 'region', '1993-01-01', NULL),
 ('QK2', 1,     'Tòa án quân sự Quân khu 2', 'region', '1993-01-01', NULL),
 ('QK3', 1,     'Tòa án quân sự Quân khu 3', 'region', '1993-01-01', NULL),
 ('QK4', 1,     'Tòa án quân sự Quân khu 4', 'region', '1993-01-01', NULL),
 ('QK5', 1,     'Tòa án quân sự Quân khu 5', 'region', '1993-01-01', NULL),
 ('QK7', 1,     'Tòa án quân sự Quân khu 7', 'region', '1993-01-01', NULL),
 ('QK9', 1,     'Tòa án quân sự Quân khu 9', 'region', '1993-01-01', NULL),
 ('THN', 1,     'Tòa án quân sự Thủ đô Hà Nội', 'region', '1993-01-01', NULL),
 ('HQ', 1,      'Tòa án quân sự Quân chủng Hải quân', 'region', '1993-01-01', NULL),
 ('KV-QK1', 1,  'Tòa án quân sự khu vực 1 Quân khu 1', 'area', '1993-01-01', '2018-07-01'),
 ('KV-QK1', 2,  'Tòa án quân sự khu vực Quân khu 1', 'area', '2018-07-01', NULL),
 ('KV-QK2', 1,  'Tòa án quân sự khu vực Quân khu 2', 'area', '1993-01-01', NULL),
 ('KV-QK3', 1,  'Tòa án quân sự khu vực Quân khu 3', 'area', '1993-01-01', NULL),
 ('KV-QK4', 1,  'Tòa án quân sự khu vực Quân khu 4', 'area', '1993-01-01', NULL),
 ('KV1-QK5', 1, 'Tòa án quân sự khu vực 1 Quân khu 5', 'area', '1993-01-01', NULL),
 ('KV2-QK5', 1, 'Tòa án quân sự khu vực 2 Quân khu 5', 'area', '1993-01-01', NULL),
 ('KV-QK7', 1,  'Tòa án quân sự khu vực 1 Quân khu 7', 'area', '1993-01-01', '2018-07-01'),
 ('KV-QK7', 2,  'Tòa án quân sự khu vực Quân khu 7', 'area', '2018-07-01', NULL),
 ('KV-QK9', 1,  'Tòa án quân sự khu vực Quân khu 9', 'area', '1993-01-01', NULL);

INSERT INTO ref_qp_crime (code, version, crime_name, article, code_version, valid_from, valid_to) VALUES
 ('T123', 1, 'Giết người', '123', 2015, '2018-01-01', NULL),
 ('T128', 1, 'Vô ý làm chết người', '128', 2015, '2018-01-01', NULL),
 ('T134', 1, 'Cố ý gây thương tích hoặc gây tổn hại cho sức khỏe của người khác', '134', 2015, '2018-01-01', NULL),
 ('T168', 1, 'Cướp tài sản', '168', 2015, '2018-01-01', NULL),
 ('T171', 1, 'Cướp giật tài sản', '171', 2015, '2018-01-01', NULL),
 ('T173', 1, 'Trộm cắp tài sản', '173', 2015, '2018-01-01', NULL),
 ('T174', 1, 'Lừa đảo chiếm đoạt tài sản', '174', 2015, '2018-01-01', NULL),
 ('T175', 1, 'Lạm dụng tín nhiệm chiếm đoạt tài sản', '175', 2015, '2018-01-01', NULL),
 ('T249', 1, 'Tàng trữ trái phép chất ma túy', '249', 2015, '2018-01-01', NULL),
 ('T251', 1, 'Mua bán trái phép chất ma túy', '251', 2015, '2018-01-01', NULL),
 ('T260', 1, 'Vi phạm quy định về tham gia giao thông đường bộ', '260', 2015, '2018-01-01', NULL),
 ('T304', 1, 'Chế tạo, tàng trữ, vận chuyển, sử dụng, mua bán trái phép hoặc chiếm đoạt vũ khí quân dụng, phương tiện kỹ thuật quân sự', '304', 2015, '2018-01-01', NULL),
 ('T318', 1, 'Gây rối trật tự công cộng', '318', 2015, '2018-01-01', NULL),
 ('T321', 1, 'Đánh bạc', '321', 2015, '2018-01-01', NULL),
 ('T353', 1, 'Tham ô tài sản', '353', 2015, '2018-01-01', NULL),
 ('T394', 1, 'Chống mệnh lệnh', '394', 2015, '2018-01-01', NULL),
 ('T402', 1, 'Đào ngũ', '402', 2015, '2018-01-01', NULL),
 ('T403', 1, 'Trốn tránh nhiệm vụ', '403', 2015, '2018-01-01', NULL),
 ('T414', 1, 'Làm mất hoặc vô ý làm hư hỏng vũ khí quân dụng, phương tiện kỹ thuật quân sự', '414', 2015, '2018-01-01', NULL),
 ('C138', 1, 'Trộm cắp tài sản', '138', 1999, '2000-07-01', '2018-01-01'),
 ('C104', 1, 'Cố ý gây thương tích hoặc gây tổn hại cho sức khỏe của người khác', '104', 1999, '2000-07-01', '2018-01-01'),
 ('C202', 1, 'Vi phạm quy định về điều khiển phương tiện giao thông đường bộ', '202', 1999, '2000-07-01', '2018-01-01'),
 ('C248', 1, 'Đánh bạc', '248', 1999, '2000-07-01', '2018-01-01'),
 ('C316', 1, 'Chống mệnh lệnh', '316', 1999, '2000-07-01', '2018-01-01'),
 ('C325', 1, 'Đào ngũ', '325', 1999, '2000-07-01', '2018-01-01');

-- 1999 articles in the MoD data and their 2015 counterparts (judicial_records.md section 6;
-- 316 and 325 checked, the others recalled).
INSERT INTO ref_qp_article (code_version, article, version, article_2015, valid_from, valid_to)
SELECT 2015, a, 1, a, '2018-01-01', NULL
FROM unnest(ARRAY['123','128','134','168','171','173','174','175','249','251','260','304','318','321',
                  '353','394','402','403','414']) AS a;
INSERT INTO ref_qp_article (code_version, article, version, article_2015, valid_from, valid_to) VALUES
 (1999, '138', 1, '173', '2000-07-01', NULL),
 (1999, '104', 1, '134', '2000-07-01', NULL),
 (1999, '202', 1, '260', '2000-07-01', NULL),
 (1999, '248', 1, '321', '2000-07-01', NULL),
 (1999, '316', 1, '394', '2000-07-01', NULL),
 (1999, '325', 1, '402', '2000-07-01', NULL);

INSERT INTO ref_qp_sentence (code, version, main_penalty, needs_term, valid_from, valid_to) VALUES
 ('CC', 1,   'warning', false, '1986-01-01', NULL),
 ('PT', 1,   'fine', false, '1986-01-01', NULL),
 ('CTKG', 1, 'reform', true, '1986-01-01', NULL),
 ('GKL', 1,  'discipline', true, '1986-01-01', NULL),
 ('TCT', 1,  'prison', true, '1986-01-01', NULL),
 ('TCTH', 1, 'life', false, '1986-01-01', NULL),
 ('TH', 1,   'death', false, '1986-01-01', NULL);
