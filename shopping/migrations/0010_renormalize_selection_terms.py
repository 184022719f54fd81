"""Remembered picks' stored keys under the new `normalize_term` (marks of non-Latin letters are
kept, NFKC and case folding): "ガム" was stored as "カム" and "йогурт" as "иогурт", so such a
pick was no longer found for its own term and would answer another one's.

Each pick's key is recomputed from its term. A pick whose new key another pick of the same
household and store already holds (two spellings that now mean one term, e.g. "straße" and
"strasse") keeps its old key: the uniqueness rule allows only one, and the other is the one
found. The function is copied here so later changes to it do not change this migration.
"""

import re
import unicodedata

from django.db import migrations


def _is_latin(char: str) -> bool:
    return char.isascii() or unicodedata.name(char, "").startswith("LATIN ")


def normalize_term(term: str) -> str:
    if term.isascii():
        return " ".join(re.sub(r"[^\w\s]", " ", term.lower()).split())
    kept: list[str] = []
    for char in unicodedata.normalize("NFKC", term).casefold():
        if unicodedata.category(char).startswith("M"):
            if kept and not _is_latin(kept[-1]):
                kept.append(char)
        elif char.isalnum() or char == "_":
            base = unicodedata.normalize("NFD", char)[0]
            kept.append(base if _is_latin(base) else char)
        else:
            kept.append(" ")
    return " ".join("".join(kept).split())


def renormalize(apps, schema_editor):
    Selection = apps.get_model("shopping", "Selection")
    picks = Selection.objects.exclude(term__regex=r"^[\x00-\x7f]*$")  # ASCII terms keep their key
    for pick in picks.only("pk", "household_id", "term", "normalized_term", "location_id").iterator():
        key = normalize_term(pick.term)
        if key == pick.normalized_term:
            continue
        taken = Selection.objects.filter(
            household_id=pick.household_id, normalized_term=key, location_id=pick.location_id
        ).exists()
        if not taken:
            Selection.objects.filter(pk=pick.pk).update(normalized_term=key)


class Migration(migrations.Migration):
    dependencies = [("shopping", "0009_households_required")]

    operations = [migrations.RunPython(renormalize, migrations.RunPython.noop)]
