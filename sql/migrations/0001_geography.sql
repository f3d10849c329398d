-- Geography: region → province/prefecture → commune → optional district.
-- Communes are keyed by their HCP code (text: leading zeros matter). Every table that will hold cycle
-- data carries commune_id, so one commune's rows can later be co-located when sharding by commune.

CREATE TABLE regions (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code text NOT NULL UNIQUE CHECK (code ~ '^[0-9]{2}$'),
    name_fr text NOT NULL CHECK (btrim(name_fr) <> ''),
    name_ar text NOT NULL CHECK (btrim(name_ar) <> ''),
    population integer NOT NULL CHECK (population >= 0),
    households integer CHECK (households >= 0)
);

CREATE TABLE provinces (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Préfectures d'arrondissements (Casablanca) carry a longer code such as 06.141.01.70.
    code text NOT NULL UNIQUE CHECK (code ~ '^[0-9]{2}\.[0-9]{3}(\.[0-9]{2}\.[0-9]{2})?$'),
    region_id smallint NOT NULL REFERENCES regions (id),
    kind text NOT NULL CHECK (kind IN ('province', 'prefecture', 'prefecture_of_arrondissements')),
    name_fr text NOT NULL CHECK (btrim(name_fr) <> ''),
    name_ar text NOT NULL CHECK (btrim(name_ar) <> ''),
    population integer NOT NULL CHECK (population >= 0),
    households integer CHECK (households >= 0)
);
CREATE INDEX provinces_region_idx ON provinces (region_id);

CREATE TABLE communes (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code text NOT NULL UNIQUE CHECK (code ~ '^[0-9]{2}\.[0-9]{3}\.[0-9]{2}\.[0-9]{1,2}$'),
    province_id smallint NOT NULL REFERENCES provinces (id),
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    kind text NOT NULL CHECK (kind IN ('urban', 'rural')),
    name_fr text NOT NULL CHECK (btrim(name_fr) <> ''),
    name_ar text NOT NULL CHECK (btrim(name_ar) <> ''),
    population integer NOT NULL CHECK (population >= 0),
    households integer CHECK (households >= 0),
    population_2014 integer CHECK (population_2014 >= 0)
);
CREATE INDEX communes_province_idx ON communes (province_id);

-- Arrondissements (from HCP) or quarters a commune defines for district budget envelopes.
CREATE TABLE districts (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    commune_id integer NOT NULL REFERENCES communes (id),
    code text UNIQUE,
    kind text NOT NULL CHECK (kind IN ('arrondissement', 'quarter')),
    name_fr text NOT NULL CHECK (btrim(name_fr) <> ''),
    name_ar text NOT NULL CHECK (btrim(name_ar) <> ''),
    population integer CHECK (population >= 0),
    households integer CHECK (households >= 0),
    UNIQUE (commune_id, name_fr),
    -- Lets child tables reference (commune_id, id) so a district always belongs to the same commune.
    UNIQUE (commune_id, id)
);
