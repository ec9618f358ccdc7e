-- Hand-made Isso database (its schema as Isso creates it), for Parley's
-- tests: the test builds comments.db from this script. Quirks covered:
-- float seconds, an edited comment, a waiting comment (mode 2), a deleted
-- comment (mode 4) with a reply, likes and dislikes, an anonymised IP, a
-- thread without a title, and a date that is not a number.
CREATE TABLE threads (id INTEGER PRIMARY KEY, uri VARCHAR(256) UNIQUE, title VARCHAR(256));
CREATE TABLE comments (tid REFERENCES threads(id), id INTEGER PRIMARY KEY, parent INTEGER,
	created FLOAT NOT NULL, modified FLOAT, mode INTEGER, remote_addr VARCHAR, text VARCHAR,
	author VARCHAR, email VARCHAR, website VARCHAR, likes INTEGER DEFAULT 0, dislikes INTEGER DEFAULT 0,
	voters BLOB NOT NULL, notification INTEGER NOT NULL DEFAULT 0);
CREATE TABLE preferences (key VARCHAR PRIMARY KEY, value VARCHAR);
INSERT INTO threads VALUES (1, '/blog/a/', 'Post A'), (2, '/blog/b/', NULL);
INSERT INTO comments (tid, id, parent, created, modified, mode, remote_addr, text, author, email, website, likes, dislikes, voters)
VALUES (1, 1, NULL, 1791000000.25, NULL, 1, '192.0.2.0', 'Hello *world*', 'Ann', 'ann@example.com', 'https://ann.example', 3, 1, x''),
       (1, 2, 1, 1791000100.5, 1791000200.0, 1, '192.0.2.0', 'A reply', 'Bob', NULL, NULL, 0, 0, x''),
       (1, 3, NULL, 1791000300, NULL, 2, '192.0.2.0', 'Waiting', NULL, NULL, NULL, 0, 0, x''),
       (2, 4, NULL, 1791000400, NULL, 4, NULL, '', NULL, NULL, NULL, 0, 0, x''),
       (2, 5, 4, 1791000500, NULL, 1, NULL, 'Under a deleted one', 'Cy', NULL, NULL, 0, 0, x''),
       (2, 6, NULL, 'yesterday', NULL, 1, NULL, 'bad date', 'Di', NULL, NULL, 0, 0, x'');
