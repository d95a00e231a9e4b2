CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS citext;
CREATE TABLE members (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
    token uuid NOT NULL DEFAULT gen_random_uuid(),
    email citext NOT NULL UNIQUE,
    secret bytea DEFAULT gen_random_bytes(16)
);
