-- The tables of `annals export --format csv`, typed. In this folder:
--   duckdb kb.duckdb < schema.sql
-- `date` columns hold the date as written (EDTF, any precision);
-- `earliest`/`latest` its bounds in UTC, inclusive, NULL when open.
CREATE TABLE actors ("id" VARCHAR, "name" VARCHAR, "kind" VARCHAR, "aliases" VARCHAR, "part_of" VARCHAR, "note" VARCHAR, "short_name" VARCHAR);
COPY actors FROM 'actors.csv' (HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
CREATE TABLE roles ("actor" VARCHAR, "title" VARCHAR, "of" VARCHAR, "from" VARCHAR, "until" VARCHAR, "from_earliest" TIMESTAMPTZ, "until_latest" TIMESTAMPTZ);
COPY roles FROM 'roles.csv' (HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
CREATE TABLE events ("id" VARCHAR, "name" VARCHAR, "kind" VARCHAR, "date" VARCHAR, "earliest" TIMESTAMPTZ, "latest" TIMESTAMPTZ, "place" VARCHAR, "part_of" VARCHAR, "topics" VARCHAR, "note" VARCHAR, "time_zone" VARCHAR);
COPY events FROM 'events.csv' (HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
CREATE TABLE participants ("event" VARCHAR, "actor" VARCHAR, "role" VARCHAR);
COPY participants FROM 'participants.csv' (HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
CREATE TABLE statements ("id" VARCHAR, "by" VARCHAR, "date" VARCHAR, "earliest" TIMESTAMPTZ, "latest" TIMESTAMPTZ, "at" VARCHAR, "kind" VARCHAR, "summary" VARCHAR, "topics" VARCHAR, "note" VARCHAR, "on_behalf_of" VARCHAR, "status" VARCHAR, "status_date" VARCHAR, "title" VARCHAR);
COPY statements FROM 'statements.csv' (HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
CREATE TABLE speakers ("statement" VARCHAR, "actor" VARCHAR, "joined" VARCHAR, "withdrew" VARCHAR);
COPY speakers FROM 'speakers.csv' (HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
CREATE TABLE verdicts ("statement" VARCHAR, "position" INTEGER, "by" VARCHAR, "date" VARCHAR, "rating" VARCHAR, "url" VARCHAR, "note" VARCHAR);
COPY verdicts FROM 'verdicts.csv' (HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
CREATE TABLE quotes ("statement" VARCHAR, "position" INTEGER, "text" VARCHAR, "lang" VARCHAR, "translated" BOOLEAN, "source_position" INTEGER, "original" VARCHAR, "original_lang" VARCHAR);
COPY quotes FROM 'quotes.csv' (HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
CREATE TABLE about ("statement" VARCHAR, "about" VARCHAR, "about_type" VARCHAR);
COPY about FROM 'about.csv' (HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
CREATE TABLE responses ("from" VARCHAR, "to" VARCHAR, "stance" VARCHAR, "to_type" VARCHAR);
COPY responses FROM 'responses.csv' (HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
CREATE TABLE sources ("item" VARCHAR, "item_type" VARCHAR, "position" INTEGER, "outlet" VARCHAR, "url" VARCHAR, "title" VARCHAR, "date" VARCHAR, "archived" VARCHAR, "accessed" VARCHAR);
COPY sources FROM 'sources.csv' (HEADER true, DELIMITER ',', QUOTE '"', ESCAPE '"');
