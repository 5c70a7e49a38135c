-- Title words for search relevance (" drain cleaning"): lowercased runs of letters and digits, each after a space,
-- so "title matches word w" is `title_search LIKE '% w%'` on both backends.
ALTER TABLE pages ADD COLUMN title_search TEXT NOT NULL DEFAULT '';
