CREATE TABLE employees (
    id int PRIMARY KEY,
    manager_id int REFERENCES employees (id),
    mentor_id int,
    name text NOT NULL
);
ALTER TABLE employees ADD FOREIGN KEY (mentor_id) REFERENCES employees;
CREATE VIEW reporting AS SELECT e.name, m.name AS manager FROM employees e LEFT JOIN employees m ON m.id = e.manager_id;
