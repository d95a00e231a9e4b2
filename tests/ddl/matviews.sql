CREATE TABLE sales (id int PRIMARY KEY, region text NOT NULL, amount numeric(10,2) NOT NULL, sold_at date NOT NULL);
CREATE MATERIALIZED VIEW sales_by_region AS
    SELECT region, count(*) AS n, sum(amount) AS total, max(sold_at) AS last_sale FROM sales GROUP BY region;
CREATE UNIQUE INDEX ON sales_by_region (region);
CREATE MATERIALIZED VIEW empty_sales AS SELECT id, amount FROM sales WITH NO DATA;
CREATE TABLE sales_copy AS SELECT id, region FROM sales;
