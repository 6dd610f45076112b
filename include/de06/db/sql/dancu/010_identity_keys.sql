-- Identity matching keys for the cleansing and military-sync matcher (include/de06/identity).
-- de06_fold: diacritic-free, lower-case key; equals de06.identity.text.fold on NFC text.
CREATE OR REPLACE FUNCTION de06_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT btrim(regexp_replace(regexp_replace(lower(translate(translate(t, 'Ðð', 'Đđ'),
    'àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴÈÉẸẺẼÊỀẾỆỂỄÌÍỊỈĨÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠÙÚỤỦŨƯỪỨỰỬỮỲÝỴỶỸĐ',
    'aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyydAAAAAAAAAAAAAAAAAEEEEEEEEEEEIIIIIOOOOOOOOOOOOOOOOOUUUUUUUUUUUYYYYYD')),
    '[''’‘ʼ`´.]', '', 'g'), '[[:space:]\-_,]+', ' ', 'g'))
$$;

-- First folded word of a family name ("Tôn Nữ" -> "ton"), last folded word of a given name.
CREATE OR REPLACE FUNCTION de06_first_token(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT split_part(public.de06_fold(t), ' ', 1) $$;

CREATE OR REPLACE FUNCTION de06_last_token(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT regexp_replace(public.de06_fold(t), '^.* ', '') $$;

-- Blocking: (given-name key, dob) and (family-name key, dob). Year ranges use the dob column.
CREATE INDEX IF NOT EXISTS citizen_given_dob_idx ON citizen (de06_last_token(given_name), dob);
CREATE INDEX IF NOT EXISTS citizen_family_dob_idx ON citizen (de06_first_token(family_name), dob);
CREATE INDEX IF NOT EXISTS citizen_cmnd_citizen_idx ON citizen_cmnd (citizen_id);
