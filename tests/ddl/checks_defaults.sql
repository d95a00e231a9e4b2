CREATE TABLE products (
    id int PRIMARY KEY,
    price numeric CHECK (price > 0),
    discounted numeric CHECK (discounted > 0),
    CHECK (price > discounted),
    CONSTRAINT sane CHECK (price < 1000000),
    made date DEFAULT CURRENT_DATE,
    stamp timestamptz DEFAULT CURRENT_TIMESTAMP NOT NULL,
    flag boolean DEFAULT false NOT NULL
);
