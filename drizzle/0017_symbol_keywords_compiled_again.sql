-- Analysis version 3 (src/matching/analysis.ts): a word keeps a `#` or `++` at its end (`C#`, `F#`,
-- `C++` are no longer the letter alone), a case ending after a colon (`SAP:n`) is left out of the
-- word, `-mies`, plurals in `-ijöi-` and `-us` nouns in `-ks-` get one Finnish stem with their
-- other forms (`esimies`, `työntekijöitä`, `yrityksen`), a keyword in a Finnish plural or a Swedish
-- definite form is looked up by the stem of its base form too (`kesätöitä`, `sjuksköterskan`), and
-- a keyword no longer has a head stem shorter than a compound head (`massa` looked for `m` as
-- well). An alert compiled by an earlier version that these changes could touch is set aside to be
-- compiled again, as 0015 did: `indexUncompiledAlerts` writes its new compiled form and anchors
-- before the next batches of postings, and until then the matcher compiles its criteria as it
-- verifies it. The plural endings are matched at a word's end (`ravintoloita`, not `hoitaja`),
-- so that few alerts are compiled again for nothing; a short term of its own (`fi:it`) sets an
-- alert aside too, which compiles it again as it was.
UPDATE "alerts" SET "compiled" = NULL
WHERE "compiled" ->> 'v' IN ('1', '2') AND (
  "criteria" ->> 'keywords' ~* (
    '[#:]|\+\+|mie|ijö|[uyoö]ks|töi|(an|et)\M|'
    || '[oö](i(ta|tä|ssa|ssä|sta|stä|hin|lla|llä|lta|ltä|lle|na|nä|ksi|den|tten|n)|j[aä]|jen)\M'
  )
  OR jsonb_path_exists(
    "compiled",
    '$.** ? (@.type() == "string" && @ like_regex "^(fi|sv):.{0,2}$|^en:.{0,3}$")'
  )
);
