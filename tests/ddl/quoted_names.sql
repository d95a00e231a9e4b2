CREATE TABLE "User" ("ID" int PRIMARY KEY, "First Name" text, "order" int, "default" boolean, "select" text, register int, "int" text);
CREATE TABLE "order" (id int PRIMARY KEY, "user" int REFERENCES "User" ("ID"), "Group" text);
CREATE INDEX ON "order" ("user");
CREATE TYPE "Status" AS ENUM ('Active', 'in active', 'x"y');
ALTER TABLE "order" ADD COLUMN "Status" "Status";
CREATE VIEW "User View" AS SELECT "ID", "First Name" FROM "User";
