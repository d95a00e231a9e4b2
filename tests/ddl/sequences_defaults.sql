CREATE SEQUENCE order_no_seq START 1000;
CREATE TABLE invoices (no bigint PRIMARY KEY DEFAULT nextval('order_no_seq'), issued date NOT NULL DEFAULT CURRENT_DATE);
ALTER SEQUENCE order_no_seq OWNED BY invoices.no;
CREATE SEQUENCE IF NOT EXISTS other_seq;
ALTER SEQUENCE other_seq RESTART WITH 5;
