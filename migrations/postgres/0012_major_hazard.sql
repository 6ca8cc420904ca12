-- The 重大危险源辨识 computed from the record in force (GB 18218-2018), for
-- the directory: '0' not a major hazard source, '1'..'4' its grade, NULL
-- when the record lists no (complete) storage units. Written with every
-- new version of the record; records not saved since stay NULL until then.
ALTER TABLE enterprise_info ADD COLUMN hazard_grade TEXT;
CREATE INDEX enterprise_info_hazard_grade ON enterprise_info (hazard_grade);
