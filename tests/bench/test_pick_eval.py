"""The pick-accuracy runner's set validation and scoring (bench/picks): a wrong score would
misreport the picker, so it is tested like product code. The end-to-end path (server, API) is
what `bench/picks/run.py` itself exercises."""

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench" / "picks"))

from evalset import EvalLine, EvalSetError, load_set
from score import (
    CORRECT,
    FLAGGED,
    KINDS,
    SILENT_WRONG,
    RunError,
    markdown_table,
    match_items,
    score_item,
    tally,
)

MILK_GALLON, MILK_HALF = "0001111041700", "0001111040057"
JIF = "0008093540003"


def item(status: str, product_id: str = "", alternatives: tuple[str, ...] = ()) -> dict:
    return {
        "status": status,
        "product_id": product_id,
        "description": "x",
        "alternatives": [{"product_id": pid, "description": pid} for pid in alternatives],
    }


def line(accept: tuple[str, ...], kind: str = "size") -> EvalLine:
    return EvalLine(text="milk", kind=kind, accept=accept)


@pytest.mark.parametrize(
    ("accept", "result", "outcome", "top3"),
    [
        ((MILK_GALLON,), item("resolved", MILK_GALLON), CORRECT, False),
        ((MILK_GALLON,), item("resolved", MILK_HALF), SILENT_WRONG, False),
        ((MILK_GALLON,), item("needs_choice", MILK_HALF, (JIF, MILK_GALLON)), FLAGGED, True),
        (
            (MILK_GALLON,),
            item("needs_choice", MILK_HALF, (JIF, "0000000004011", MILK_GALLON)),
            FLAGGED,
            False,
        ),
        ((MILK_GALLON,), item("not_found", "", (MILK_GALLON,)), FLAGGED, True),
        ((MILK_GALLON,), item("resolved", ""), FLAGGED, False),  # resolved without a product
        ((), item("needs_choice", MILK_HALF), CORRECT, False),
        ((), item("not_found"), CORRECT, False),
        ((), item("resolved", MILK_HALF), SILENT_WRONG, False),
    ],
)
def test_outcomes(accept, result, outcome, top3):
    scored = score_item("H", line(accept), result)

    assert (scored.outcome, scored.right_in_top3) == (outcome, top3)


@pytest.mark.parametrize("status", ["pending", "error", None])
def test_a_line_that_was_never_resolved_stops_the_run(status):
    with pytest.raises(RunError, match="ended"):
        score_item("H", line((MILK_GALLON,)), item(status))


def test_tally_orders_known_kinds_first_and_adds_an_overall_row():
    scored = [
        score_item("H", line((MILK_GALLON,), "zzz-new"), item("resolved", MILK_GALLON)),
        score_item("H", line((MILK_GALLON,), "size"), item("needs_choice", MILK_HALF, (MILK_GALLON,))),
        score_item("H", line((MILK_GALLON,), "brand"), item("resolved", MILK_HALF)),
        score_item("H", line((MILK_GALLON,), "brand"), item("resolved", MILK_GALLON)),
    ]

    table = tally(scored)

    assert list(table) == ["brand", "size", "zzz-new", "overall"]
    assert table["brand"] == {
        "lines": 2,
        "correct": 1,
        "flagged": 0,
        "flagged_top3": 0,
        "silent_wrong": 1,
        "pct_correct": 50.0,
    }
    assert table["overall"]["lines"] == 4 and table["overall"]["flagged_top3"] == 1
    assert "| **overall** | 4 | 2 | 1 | 1 | 1 | 50.0 |" in markdown_table(table)


def write(directory, name: str, data) -> None:
    (directory / name).write_text(data if isinstance(data, str) else json.dumps(data))


def household(*lines, **extra) -> dict:
    return {"household": "The Tests", "lines": list(lines), **extra}


def test_a_valid_set_loads_with_the_default_store_and_filters_by_name(tmp_path):
    write(
        tmp_path, "a.json", household({"text": "2 lb ground beef", "kind": "size", "accept": [MILK_GALLON]})
    )
    write(
        tmp_path,
        "b.json",
        {**household({"text": "jif", "kind": "brand", "accept": []}), "household": "Other"},
    )

    everyone = load_set(tmp_path, default_store="01400943")
    others = load_set(tmp_path, default_store="01400943", name_filter="oth")

    assert [h.name for h in everyone] == ["The Tests", "Other"]
    assert everyone[0].store == "01400943" and everyone[0].lines[0].accept == (MILK_GALLON,)
    assert [h.name for h in others] == ["Other"]
    assert others[0].lines[0].must_flag


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{not json", "not readable JSON"),
        (household(), "'lines' must be a non-empty list"),
        (
            household({"text": "milk", "kind": "size", "accept": ["0009999999999"]}),
            "line 1 .*not in the sandbox",
        ),
        (household({"text": "milk", "kind": "size", "accept": ["123"]}), "line 1 .*not 13 digits"),
        (household({"text": "milk", "kind": "size"}), "line 1 .*'accept' must be a list"),
        (household({"text": "milk", "accept": []}), "line 1 .*'kind'"),
        (household({"text": "eggs, milk", "kind": "size", "accept": []}), "reads this as 2 items"),
        (household({"text": "Dairy:", "kind": "size", "accept": []}), "reads this as 0 items"),
        (household({"text": "milk", "kind": "size", "accept": []}, store="99999999"), "not a sandbox store"),
    ],
)
def test_invalid_files_are_errors_naming_the_file_and_line(tmp_path, data, message):
    write(tmp_path, "bad.json", data)

    with pytest.raises(EvalSetError, match=message) as caught:
        load_set(tmp_path, default_store="01400943")
    assert "bad.json" in str(caught.value)


def test_an_empty_directory_is_an_error(tmp_path):
    with pytest.raises(EvalSetError, match="no \\*.json household files"):
        load_set(tmp_path, default_store="01400943")


def test_items_that_do_not_match_the_lines_one_to_one_stop_the_run(tmp_path):
    write(tmp_path, "a.json", household({"text": "milk", "kind": "size", "accept": []}))
    (loaded,) = load_set(tmp_path, default_store="01400943")

    with pytest.raises(RunError, match="1 lines became 2 items"):
        match_items(loaded, [item("resolved"), item("resolved")])


@pytest.mark.parametrize("name", ["households", "holdout", "blind"])
def test_the_shipped_sets_are_valid_and_large_enough(name):
    """Every accepted product exists and is on the shelf at the set's store, each line parses as
    one item, and every kind the issue names has enough lines to report on."""
    households = load_set(
        Path(__file__).resolve().parents[2] / "bench" / "picks" / name, default_store="01400943"
    )
    kinds = [line.kind for household in households for line in household.lines]
    if name == "households":
        assert len(households) >= 10 and len(kinds) >= 200
        assert all(kinds.count(kind) >= 15 for kind in KINDS)
    assert set(kinds) <= set(KINDS)
