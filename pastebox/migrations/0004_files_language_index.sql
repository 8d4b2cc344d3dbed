-- an index for searches by language alone
-- `lang:python` with no words lists the newest files in a language: with this index
-- the scan walks that language's files newest first and stops at the page.
CREATE INDEX files_language ON files(language) WHERE language IS NOT NULL;
