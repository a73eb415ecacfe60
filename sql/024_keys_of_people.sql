-- A staff key belongs to a person and acts with their role (issue 27): the key of a disabled
-- person stops working with them. A key of nobody acts as the owner: the keys made before people
-- existed are given to the first owner, when there is one.
ALTER TABLE api_keys ADD COLUMN user_id bigint REFERENCES users (id);
UPDATE api_keys SET user_id = (SELECT id FROM users WHERE role = 'owner' ORDER BY id LIMIT 1)
    WHERE user_id IS NULL;
