-- Analysis version 3 (src/matching/analysis.ts): a word keeps a `#` or `++` at its end (`C#`,
-- `F#`, `C++` are no longer the letter alone), and a case ending after a colon (`SAP:n`) is left
-- out of the word. An alert compiled by an earlier version with such characters in its keywords
-- is set aside to be compiled again, as 0015 did: `indexUncompiledAlerts` writes its new
-- compiled form and anchors before the next batches of postings, and until then the matcher
-- compiles its criteria as it verifies it.
UPDATE "alerts" SET "compiled" = NULL
WHERE "compiled" ->> 'v' IN ('1', '2') AND "criteria" ->> 'keywords' ~ '[#:]|\+\+';
