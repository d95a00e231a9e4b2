CREATE TABLE orders (id int PRIMARY KEY, customer text NOT NULL, qty int NOT NULL, price numeric(8,2) NOT NULL,
    weight real, big bigint, placed timestamptz NOT NULL, ok boolean);
CREATE VIEW customer_totals AS
    SELECT customer, count(*) AS orders, count(weight) AS weighed, sum(qty) AS qty, sum(big) AS big_sum,
           sum(price) AS spent, sum(weight) AS weight, avg(qty) AS avg_qty, avg(weight) AS avg_weight,
           min(placed) AS first, max(price) AS max_price, bool_and(ok) AS all_ok, string_agg(customer, ',') AS names,
           array_agg(qty) AS qtys
    FROM orders GROUP BY customer;
