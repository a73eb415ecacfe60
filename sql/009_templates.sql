-- Message templates (docs/decisions.md, Templates): staff-written bodies whose {firstName},
-- {lastName}, {businessName} and {agent} common/template renders for each recipient. Names are
-- unique whatever their case: staff pick a template by its name.
CREATE TABLE sms_templates (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX sms_templates_name ON sms_templates (lower(name));

GRANT SELECT, INSERT, UPDATE, DELETE ON sms_templates TO textus_app;
