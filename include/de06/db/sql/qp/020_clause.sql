-- The clause (khoản) of the article applied, as the court's sheet states it (Law on Judicial
-- Records Art. 2: "crime; article/clause"). Older sheets may lack it (NULL). The sync needs it for
-- Penal Code Art. 69(2): a negligent crime of a less serious or serious clause leaves no record.
ALTER TABLE conviction ADD COLUMN clause text;
