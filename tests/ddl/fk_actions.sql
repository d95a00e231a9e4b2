CREATE TABLE owners (id int PRIMARY KEY, email text UNIQUE NOT NULL);
CREATE TABLE pets (
    id int PRIMARY KEY,
    owner_id int REFERENCES owners ON DELETE SET NULL ON UPDATE CASCADE,
    owner_email text REFERENCES owners (email) DEFERRABLE INITIALLY DEFERRED,
    vet_id int,
    CONSTRAINT pets_vet_fk FOREIGN KEY (vet_id) REFERENCES owners (id) MATCH FULL ON DELETE RESTRICT NOT VALID
);
