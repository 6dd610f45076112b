-- Population values of linked citizens, written beside the record's own (cleaned) values.
SELECT citizen_id, full_name, dob, sex, cccd, birth_province
FROM citizen WHERE citizen_id = ANY (%(ids)s);
