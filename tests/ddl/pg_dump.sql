-- pg_dump --schema-only of a database built from twelve corpus files (tests/ddl), kept as pg_dump 15.18 wrote it.
--
-- PostgreSQL database dump
--

\restrict jVNJMQ9xnhwGSkn9NcJY3PZyiaOwazv8HoJ22qNLEObi4b0aIWckoz6RrfpLKqs

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: app; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA app;


ALTER SCHEMA app OWNER TO postgres;

--
-- Name: audit; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA audit;


ALTER SCHEMA audit OWNER TO postgres;

--
-- Name: citext; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;


--
-- Name: EXTENSION citext; Type: COMMENT; Schema: -; Owner: 
--

COMMENT ON EXTENSION citext IS 'data type for case-insensitive character strings';


--
-- Name: pgcrypto; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;


--
-- Name: EXTENSION pgcrypto; Type: COMMENT; Schema: -; Owner: 
--

COMMENT ON EXTENSION pgcrypto IS 'cryptographic functions';


--
-- Name: uuid-ossp; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA public;


--
-- Name: EXTENSION "uuid-ossp"; Type: COMMENT; Schema: -; Owner: 
--

COMMENT ON EXTENSION "uuid-ossp" IS 'generate universally unique identifiers (UUIDs)';


--
-- Name: state; Type: TYPE; Schema: app; Owner: postgres
--

CREATE TYPE app.state AS ENUM (
    'on',
    'off'
);


ALTER TYPE app.state OWNER TO postgres;

--
-- Name: Status; Type: TYPE; Schema: public; Owner: postgres
--

CREATE TYPE public."Status" AS ENUM (
    'Active',
    'in active',
    'x"y'
);


ALTER TYPE public."Status" OWNER TO postgres;

--
-- Name: color; Type: TYPE; Schema: public; Owner: postgres
--

CREATE TYPE public.color AS ENUM (
    'red',
    'green',
    'blue'
);


ALTER TYPE public.color OWNER TO postgres;

--
-- Name: email; Type: DOMAIN; Schema: public; Owner: postgres
--

CREATE DOMAIN public.email AS text
	CONSTRAINT email_check CHECK ((VALUE ~~ '%@%'::text));


ALTER DOMAIN public.email OWNER TO postgres;

--
-- Name: level; Type: TYPE; Schema: public; Owner: postgres
--

CREATE TYPE public.level AS ENUM (
    'low'
);


ALTER TYPE public.level OWNER TO postgres;

--
-- Name: mood; Type: TYPE; Schema: public; Owner: postgres
--

CREATE TYPE public.mood AS ENUM (
    'blue',
    'ok',
    'happy',
    'ecstatic',
    'angry'
);


ALTER TYPE public.mood OWNER TO postgres;

--
-- Name: positive_int; Type: DOMAIN; Schema: public; Owner: postgres
--

CREATE DOMAIN public.positive_int AS integer NOT NULL
	CONSTRAINT positive_int_check CHECK ((VALUE > 0));


ALTER DOMAIN public.positive_int OWNER TO postgres;

--
-- Name: short_code; Type: DOMAIN; Schema: public; Owner: postgres
--

CREATE DOMAIN public.short_code AS character varying(8) DEFAULT 'none'::character varying;


ALTER DOMAIN public.short_code OWNER TO postgres;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: devices; Type: TABLE; Schema: app; Owner: postgres
--

CREATE TABLE app.devices (
    id uuid NOT NULL,
    state app.state NOT NULL
);


ALTER TABLE app.devices OWNER TO postgres;

--
-- Name: readings; Type: TABLE; Schema: app; Owner: postgres
--

CREATE TABLE app.readings (
    device_id uuid NOT NULL,
    value double precision,
    state app.state
);


ALTER TABLE app.readings OWNER TO postgres;

--
-- Name: last_readings; Type: VIEW; Schema: app; Owner: postgres
--

CREATE VIEW app.last_readings AS
 SELECT r.device_id,
    r.value,
    d.state
   FROM (app.readings r
     JOIN app.devices d ON ((d.id = r.device_id)));


ALTER TABLE app.last_readings OWNER TO postgres;

--
-- Name: events; Type: TABLE; Schema: audit; Owner: postgres
--

CREATE TABLE audit.events (
    id bigint NOT NULL,
    device_id uuid,
    at timestamp with time zone NOT NULL
);


ALTER TABLE audit.events OWNER TO postgres;

--
-- Name: events_id_seq; Type: SEQUENCE; Schema: audit; Owner: postgres
--

CREATE SEQUENCE audit.events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE audit.events_id_seq OWNER TO postgres;

--
-- Name: events_id_seq; Type: SEQUENCE OWNED BY; Schema: audit; Owner: postgres
--

ALTER SEQUENCE audit.events_id_seq OWNED BY audit.events.id;


--
-- Name: User; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public."User" (
    "ID" integer NOT NULL,
    "First Name" text,
    "order" integer,
    "default" boolean,
    "select" text,
    register integer,
    "int" text
);


ALTER TABLE public."User" OWNER TO postgres;

--
-- Name: User View; Type: VIEW; Schema: public; Owner: postgres
--

CREATE VIEW public."User View" AS
 SELECT "User"."ID",
    "User"."First Name"
   FROM public."User";


ALTER TABLE public."User View" OWNER TO postgres;

--
-- Name: accounts; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.accounts (
    id bigint NOT NULL,
    external_no integer NOT NULL,
    name text NOT NULL
);


ALTER TABLE public.accounts OWNER TO postgres;

--
-- Name: accounts_external_no_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

ALTER TABLE public.accounts ALTER COLUMN external_no ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME public.accounts_external_no_seq
    START WITH 1000
    INCREMENT BY 10
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: accounts_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

ALTER TABLE public.accounts ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.accounts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: authors; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.authors (
    id integer NOT NULL,
    name text NOT NULL
);


ALTER TABLE public.authors OWNER TO postgres;

--
-- Name: books; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.books (
    id integer NOT NULL,
    author_id integer,
    title text NOT NULL
);


ALTER TABLE public.books OWNER TO postgres;

--
-- Name: author_books; Type: VIEW; Schema: public; Owner: postgres
--

CREATE VIEW public.author_books AS
 SELECT a.name,
    b.title
   FROM (public.books b
     RIGHT JOIN public.authors a ON ((a.id = b.author_id)));


ALTER TABLE public.author_books OWNER TO postgres;

--
-- Name: book_authors; Type: VIEW; Schema: public; Owner: postgres
--

CREATE VIEW public.book_authors AS
 SELECT b.title,
    a.name
   FROM (public.books b
     LEFT JOIN public.authors a ON ((a.id = b.author_id)));


ALTER TABLE public.book_authors OWNER TO postgres;

--
-- Name: reviews; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.reviews (
    id integer NOT NULL,
    book_id integer NOT NULL,
    stars integer NOT NULL
);


ALTER TABLE public.reviews OWNER TO postgres;

--
-- Name: cross_join; Type: VIEW; Schema: public; Owner: postgres
--

CREATE VIEW public.cross_join AS
 SELECT a.name,
    r.stars
   FROM public.authors a,
    public.reviews r;


ALTER TABLE public.cross_join OWNER TO postgres;

--
-- Name: employees; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.employees (
    id integer NOT NULL,
    manager_id integer,
    mentor_id integer,
    name text NOT NULL
);


ALTER TABLE public.employees OWNER TO postgres;

--
-- Name: sales; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.sales (
    id integer NOT NULL,
    region text NOT NULL,
    amount numeric(10,2) NOT NULL,
    sold_at date NOT NULL
);


ALTER TABLE public.sales OWNER TO postgres;

--
-- Name: empty_sales; Type: MATERIALIZED VIEW; Schema: public; Owner: postgres
--

CREATE MATERIALIZED VIEW public.empty_sales AS
 SELECT sales.id,
    sales.amount
   FROM public.sales
  WITH NO DATA;


ALTER TABLE public.empty_sales OWNER TO postgres;

--
-- Name: events; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.events (
    id bigint NOT NULL,
    kind text NOT NULL,
    payload jsonb
)
PARTITION BY LIST (kind);


ALTER TABLE public.events OWNER TO postgres;

--
-- Name: events_click; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.events_click (
    id bigint NOT NULL,
    kind text NOT NULL,
    payload jsonb
);


ALTER TABLE public.events_click OWNER TO postgres;

--
-- Name: events_other; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.events_other (
    id bigint NOT NULL,
    kind text NOT NULL,
    payload jsonb
);


ALTER TABLE public.events_other OWNER TO postgres;

--
-- Name: every_type; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.every_type (
    id bigint NOT NULL,
    i2 smallint NOT NULL,
    i4 integer NOT NULL,
    i8 bigint NOT NULL,
    f4 real,
    f8 double precision,
    b boolean,
    n numeric,
    n10 numeric(10,2),
    n5 numeric(5,0),
    t text,
    v character varying(40),
    vv character varying,
    c character(3),
    ch character(1),
    u uuid,
    d date,
    ts timestamp without time zone,
    ts3 timestamp(3) without time zone,
    tz timestamp with time zone,
    tz0 timestamp(0) with time zone,
    tm time without time zone,
    iv interval,
    j json,
    jb jsonb,
    by bytea,
    ip inet,
    col public.color,
    a_i4 integer[],
    a_t text[],
    a_v character varying(10)[],
    a_u uuid[],
    a_col public.color[],
    a_ts timestamp with time zone[],
    a_b boolean[],
    a_n numeric[],
    a_f8 double precision[],
    a_by bytea[]
);


ALTER TABLE public.every_type OWNER TO postgres;

--
-- Name: everything; Type: VIEW; Schema: public; Owner: postgres
--

CREATE VIEW public.everything AS
 SELECT a.id,
    a.name,
    b.title,
    r.stars
   FROM ((public.authors a
     FULL JOIN public.books b ON ((b.author_id = a.id)))
     JOIN public.reviews r ON ((r.book_id = b.id)));


ALTER TABLE public.everything OWNER TO postgres;

--
-- Name: feelings; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.feelings (
    id integer NOT NULL,
    m public.mood DEFAULT 'ok'::public.mood NOT NULL,
    l public.level
);


ALTER TABLE public.feelings OWNER TO postgres;

--
-- Name: ledger; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.ledger (
    id integer NOT NULL,
    account_id bigint NOT NULL,
    amount numeric(12,2) NOT NULL
);


ALTER TABLE public.ledger OWNER TO postgres;

--
-- Name: ledger_id_seq; Type: SEQUENCE; Schema: public; Owner: postgres
--

ALTER TABLE public.ledger ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.ledger_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: measurements; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.measurements (
    sensor_id integer NOT NULL,
    at timestamp with time zone NOT NULL,
    value double precision
)
PARTITION BY RANGE (at);


ALTER TABLE public.measurements OWNER TO postgres;

--
-- Name: measurements_2025; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.measurements_2025 (
    sensor_id integer NOT NULL,
    at timestamp with time zone NOT NULL,
    value double precision
);


ALTER TABLE public.measurements_2025 OWNER TO postgres;

--
-- Name: measurements_2026; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.measurements_2026 (
    sensor_id integer NOT NULL,
    at timestamp with time zone NOT NULL,
    value double precision
);


ALTER TABLE public.measurements_2026 OWNER TO postgres;

--
-- Name: members; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.members (
    id uuid DEFAULT public.uuid_generate_v4() NOT NULL,
    token uuid DEFAULT gen_random_uuid() NOT NULL,
    email public.citext NOT NULL,
    secret bytea DEFAULT public.gen_random_bytes(16)
);


ALTER TABLE public.members OWNER TO postgres;

--
-- Name: order; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public."order" (
    id integer NOT NULL,
    "user" integer,
    "Group" text,
    "Status" public."Status"
);


ALTER TABLE public."order" OWNER TO postgres;

--
-- Name: rectangles; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.rectangles (
    id integer NOT NULL,
    w numeric NOT NULL,
    h numeric NOT NULL,
    area numeric GENERATED ALWAYS AS ((w * h)) STORED,
    label text GENERATED ALWAYS AS (('rect '::text || (id)::text)) STORED
);


ALTER TABLE public.rectangles OWNER TO postgres;

--
-- Name: reporting; Type: VIEW; Schema: public; Owner: postgres
--

CREATE VIEW public.reporting AS
 SELECT e.name,
    m.name AS manager
   FROM (public.employees e
     LEFT JOIN public.employees m ON ((m.id = e.manager_id)));


ALTER TABLE public.reporting OWNER TO postgres;

--
-- Name: sales_by_region; Type: MATERIALIZED VIEW; Schema: public; Owner: postgres
--

CREATE MATERIALIZED VIEW public.sales_by_region AS
 SELECT sales.region,
    count(*) AS n,
    sum(sales.amount) AS total,
    max(sales.sold_at) AS last_sale
   FROM public.sales
  GROUP BY sales.region
  WITH NO DATA;


ALTER TABLE public.sales_by_region OWNER TO postgres;

--
-- Name: sales_copy; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.sales_copy (
    id integer,
    region text
);


ALTER TABLE public.sales_copy OWNER TO postgres;

--
-- Name: subscribers; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.subscribers (
    id public.positive_int NOT NULL,
    address public.email NOT NULL,
    backup public.email,
    code public.short_code,
    tries public.positive_int
);


ALTER TABLE public.subscribers OWNER TO postgres;

--
-- Name: events_click; Type: TABLE ATTACH; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.events ATTACH PARTITION public.events_click FOR VALUES IN ('click');


--
-- Name: events_other; Type: TABLE ATTACH; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.events ATTACH PARTITION public.events_other DEFAULT;


--
-- Name: measurements_2025; Type: TABLE ATTACH; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.measurements ATTACH PARTITION public.measurements_2025 FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');


--
-- Name: measurements_2026; Type: TABLE ATTACH; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.measurements ATTACH PARTITION public.measurements_2026 FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2027-01-01 00:00:00+00');


--
-- Name: events id; Type: DEFAULT; Schema: audit; Owner: postgres
--

ALTER TABLE ONLY audit.events ALTER COLUMN id SET DEFAULT nextval('audit.events_id_seq'::regclass);


--
-- Name: devices devices_pkey; Type: CONSTRAINT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.devices
    ADD CONSTRAINT devices_pkey PRIMARY KEY (id);


--
-- Name: events events_pkey; Type: CONSTRAINT; Schema: audit; Owner: postgres
--

ALTER TABLE ONLY audit.events
    ADD CONSTRAINT events_pkey PRIMARY KEY (id);


--
-- Name: User User_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public."User"
    ADD CONSTRAINT "User_pkey" PRIMARY KEY ("ID");


--
-- Name: accounts accounts_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.accounts
    ADD CONSTRAINT accounts_pkey PRIMARY KEY (id);


--
-- Name: authors authors_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.authors
    ADD CONSTRAINT authors_pkey PRIMARY KEY (id);


--
-- Name: books books_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.books
    ADD CONSTRAINT books_pkey PRIMARY KEY (id);


--
-- Name: employees employees_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.employees
    ADD CONSTRAINT employees_pkey PRIMARY KEY (id);


--
-- Name: every_type every_type_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.every_type
    ADD CONSTRAINT every_type_pkey PRIMARY KEY (id);


--
-- Name: feelings feelings_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.feelings
    ADD CONSTRAINT feelings_pkey PRIMARY KEY (id);


--
-- Name: ledger ledger_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.ledger
    ADD CONSTRAINT ledger_pkey PRIMARY KEY (id);


--
-- Name: measurements measurements_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.measurements
    ADD CONSTRAINT measurements_pkey PRIMARY KEY (sensor_id, at);


--
-- Name: measurements_2025 measurements_2025_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.measurements_2025
    ADD CONSTRAINT measurements_2025_pkey PRIMARY KEY (sensor_id, at);


--
-- Name: measurements_2026 measurements_2026_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.measurements_2026
    ADD CONSTRAINT measurements_2026_pkey PRIMARY KEY (sensor_id, at);


--
-- Name: members members_email_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.members
    ADD CONSTRAINT members_email_key UNIQUE (email);


--
-- Name: members members_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.members
    ADD CONSTRAINT members_pkey PRIMARY KEY (id);


--
-- Name: order order_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public."order"
    ADD CONSTRAINT order_pkey PRIMARY KEY (id);


--
-- Name: rectangles rectangles_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.rectangles
    ADD CONSTRAINT rectangles_pkey PRIMARY KEY (id);


--
-- Name: reviews reviews_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.reviews
    ADD CONSTRAINT reviews_pkey PRIMARY KEY (id);


--
-- Name: sales sales_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.sales
    ADD CONSTRAINT sales_pkey PRIMARY KEY (id);


--
-- Name: subscribers subscribers_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.subscribers
    ADD CONSTRAINT subscribers_pkey PRIMARY KEY (id);


--
-- Name: events_device_id_idx; Type: INDEX; Schema: audit; Owner: postgres
--

CREATE INDEX events_device_id_idx ON audit.events USING btree (device_id);


--
-- Name: measurements_value_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX measurements_value_idx ON ONLY public.measurements USING btree (value);


--
-- Name: measurements_2025_value_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX measurements_2025_value_idx ON public.measurements_2025 USING btree (value);


--
-- Name: measurements_2026_value_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX measurements_2026_value_idx ON public.measurements_2026 USING btree (value);


--
-- Name: order_user_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE INDEX order_user_idx ON public."order" USING btree ("user");


--
-- Name: sales_by_region_region_idx; Type: INDEX; Schema: public; Owner: postgres
--

CREATE UNIQUE INDEX sales_by_region_region_idx ON public.sales_by_region USING btree (region);


--
-- Name: measurements_2025_pkey; Type: INDEX ATTACH; Schema: public; Owner: postgres
--

ALTER INDEX public.measurements_pkey ATTACH PARTITION public.measurements_2025_pkey;


--
-- Name: measurements_2025_value_idx; Type: INDEX ATTACH; Schema: public; Owner: postgres
--

ALTER INDEX public.measurements_value_idx ATTACH PARTITION public.measurements_2025_value_idx;


--
-- Name: measurements_2026_pkey; Type: INDEX ATTACH; Schema: public; Owner: postgres
--

ALTER INDEX public.measurements_pkey ATTACH PARTITION public.measurements_2026_pkey;


--
-- Name: measurements_2026_value_idx; Type: INDEX ATTACH; Schema: public; Owner: postgres
--

ALTER INDEX public.measurements_value_idx ATTACH PARTITION public.measurements_2026_value_idx;


--
-- Name: readings readings_device_id_fkey; Type: FK CONSTRAINT; Schema: app; Owner: postgres
--

ALTER TABLE ONLY app.readings
    ADD CONSTRAINT readings_device_id_fkey FOREIGN KEY (device_id) REFERENCES app.devices(id);


--
-- Name: events events_device_id_fkey; Type: FK CONSTRAINT; Schema: audit; Owner: postgres
--

ALTER TABLE ONLY audit.events
    ADD CONSTRAINT events_device_id_fkey FOREIGN KEY (device_id) REFERENCES app.devices(id);


--
-- Name: books books_author_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.books
    ADD CONSTRAINT books_author_id_fkey FOREIGN KEY (author_id) REFERENCES public.authors(id);


--
-- Name: employees employees_manager_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.employees
    ADD CONSTRAINT employees_manager_id_fkey FOREIGN KEY (manager_id) REFERENCES public.employees(id);


--
-- Name: employees employees_mentor_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.employees
    ADD CONSTRAINT employees_mentor_id_fkey FOREIGN KEY (mentor_id) REFERENCES public.employees(id);


--
-- Name: ledger ledger_account_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.ledger
    ADD CONSTRAINT ledger_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.accounts(id);


--
-- Name: order order_user_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public."order"
    ADD CONSTRAINT order_user_fkey FOREIGN KEY ("user") REFERENCES public."User"("ID");


--
-- Name: reviews reviews_book_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.reviews
    ADD CONSTRAINT reviews_book_id_fkey FOREIGN KEY (book_id) REFERENCES public.books(id);


--
-- PostgreSQL database dump complete
--

\unrestrict jVNJMQ9xnhwGSkn9NcJY3PZyiaOwazv8HoJ22qNLEObi4b0aIWckoz6RrfpLKqs

