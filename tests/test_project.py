"""Project-level facts: migrations are current, every setting is documented."""

import ast
import re
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_migrations_are_up_to_date():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_every_env_setting_is_documented_in_env_example():
    settings_source = (ROOT / "shopper" / "settings.py").read_text()
    used = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', settings_source))
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert used, "no env() names found: the parsing here is broken"
    assert used - documented == set()


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_accounts_does_not_import_shopping():
    """accounts sits below shopping (shopping uses accounts' services), never the other way round."""
    sources = [p for p in (ROOT / "accounts").rglob("*.py") if "migrations" not in p.parts]
    assert sources, "no accounts modules found: the path here is broken"
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            name for name in _imported_modules(path) if name.split(".")[0] == "shopping"
        )
        for path in sources
    }
    assert {path: names for path, names in offenders.items() if names} == {}
