-- Art. 406 (2015): negligently revealing military secrets ("Tội vô ý làm lộ bí mật công tác quân
-- sự"), a crime of the military courts' chapter XXV whose clauses leave no record under Art. 69(2)
-- (de06.domain.penal). The courts' dictionary lacked it, so its sheets could not be written.
INSERT INTO crime (crime_code, article, code_version, crime_name) VALUES
 ('T406', '406', 2015, 'Vô ý làm lộ bí mật công tác quân sự');
