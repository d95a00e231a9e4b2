CREATE TABLE authors (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE books (id int PRIMARY KEY, author_id int REFERENCES authors, title text NOT NULL);
CREATE TABLE reviews (id int PRIMARY KEY, book_id int NOT NULL REFERENCES books, stars int NOT NULL);
CREATE VIEW book_authors AS SELECT b.title, a.name FROM books b LEFT JOIN authors a ON a.id = b.author_id;
CREATE VIEW author_books AS SELECT a.name, b.title FROM books b RIGHT JOIN authors a ON a.id = b.author_id;
CREATE VIEW everything AS
    SELECT a.*, b.title, r.stars FROM authors a FULL JOIN books b ON b.author_id = a.id
    INNER JOIN reviews r ON r.book_id = b.id;
CREATE VIEW cross_join AS SELECT a.name, r.stars FROM authors a, reviews r;
