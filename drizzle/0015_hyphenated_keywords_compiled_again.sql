-- Analysis version 2 (src/matching/compile.ts): a hyphenated keyword also finds the word written
-- together (`full-stack` finds `Fullstack`). An alert compiled by version 1 with a hyphen in its
-- keywords is set aside to be compiled again: `indexUncompiledAlerts` writes its new compiled
-- form and anchors, a few hundred before each batch of postings, and until then the matcher
-- compiles its criteria as it verifies it, found through its old anchors as before.
UPDATE "alerts" SET "compiled" = NULL
WHERE "compiled" ->> 'v' = '1' AND position('-' in "criteria" ->> 'keywords') > 0;
