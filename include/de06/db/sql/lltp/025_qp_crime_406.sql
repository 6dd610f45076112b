-- The sync's reference data for the MoD crime code T406 (Penal Code 2015 Art. 406, negligently
-- revealing military secrets, qp/021): without it a T406 sheet was quarantined as
-- unknown_crime_code, and de06.domain.penal's Art. 69(2) rule for it could not apply.
INSERT INTO ref_qp_crime (code, version, crime_name, article, code_version, valid_from, valid_to) VALUES
 ('T406', 1, 'Vô ý làm lộ bí mật công tác quân sự', '406', 2015, '2018-01-01', NULL);
INSERT INTO ref_qp_article (code_version, article, version, article_2015, valid_from, valid_to) VALUES
 (2015, '406', 1, '406', '2018-01-01', NULL);
