-- References by name (a deal's owner_name, a rep's team, a deal's account) match a stored record when the
-- names are equal under fold() (src/core/fold.ts: case, accents and runs of white space ignored), the one
-- rule the commands use too. fold() lives in TypeScript; this function only NARROWS the candidates so the
-- lookup can use an index on accounts (a million rows on the bench data set): the ASCII letters and digits
-- of the NFD form, ASCII-lower-cased. Names equal under fold() have equal probes; the caller then keeps
-- only the candidates whose fold() is equal. (A name without ASCII letters or digits probes to '': such
-- names are compared among all of them, which is correct, only less narrow.)
CREATE FUNCTION tally_name_probe(name text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN regexp_replace(
  translate(normalize(name, NFD), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'),
  '[^a-z0-9]+', '', 'g');
--> statement-breakpoint
CREATE INDEX accounts_name_probe_idx ON accounts (tally_name_probe(name));
