"""The shape of the project: a core without the UI, a light start-up, docs that stay true."""

from __future__ import annotations

import pkgutil
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import quizapp

ROOT = Path(__file__).resolve().parent.parent
UI_PACKAGES = ("quizapp.tui", "quizapp.cli")


def core_modules() -> list[str]:
    found = []
    for info in pkgutil.walk_packages(quizapp.__path__, "quizapp."):
        if info.name.startswith(UI_PACKAGES) or info.name == "quizapp.__main__":
            continue
        found.append(info.name)
    return sorted(found)


def imported_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    return {name.split(".")[0] for name in out.split()}


@pytest.mark.parametrize("module", core_modules())
def test_core_module_imports_without_textual_or_rich(module):
    loaded = imported_after(f"import {module}")
    assert "textual" not in loaded and "rich" not in loaded


@pytest.mark.parametrize(
    "statement",
    [
        "import quizapp.cli",
        "import quizapp.review, quizapp.sync, quizapp.grading, quizapp.scoring",
        "import quizapp.proofs; quizapp.proofs.names()",
        "from quizapp.store import Store; Store.memory()",
    ],
)
def test_start_up_paths_do_not_load_numpy_or_matplotlib(statement):
    loaded = imported_after(statement)
    assert "numpy" not in loaded and "matplotlib" not in loaded


def test_the_command_line_starts_without_the_parser_yaml_or_the_review_path():
    """``quizapp --help`` and every command's start-up import only click and the CLI's own
    modules: each command imports its core when it runs (the parser and PyYAML, the backup,
    doctor and review modules cost 0.2 s of a 0.38 s ``--help`` when they were eager)."""
    code = "import sys, quizapp.cli\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split()
    eager = {"yaml", "quizapp.parser", "quizapp.backup", "quizapp.doctor", "quizapp.review"}
    eager |= {"quizapp.interop.apply", "quizapp.proofs", "secrets"}
    assert not eager & set(out), sorted(eager & set(out))


def test_import_linter_contract_covers_every_core_module_and_holds():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    contract = config["tool"]["importlinter"]["contracts"][0]
    listed = set(contract["source_modules"])
    top_level = {m for m in core_modules() if m.count(".") == 1}
    assert top_level <= listed, f"add to the contract: {sorted(top_level - listed)}"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command; lint_imports_command()",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_readme_quick_start_is_two_lines_and_ci_runs_the_test_line():
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```\n(.*?)```", section, re.DOTALL).group(1)
    lines = [line for line in block.splitlines() if line.strip()]
    assert len(lines) == 2
    run_line, test_line = lines
    assert run_line.endswith("&& quizapp") and "pip install ." in run_line
    assert test_line.endswith("&& pytest") and '".[test]"' in test_line
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert test_line in ci.splitlines()


def test_every_cli_command_is_in_the_readme():
    from quizapp.cli import main

    readme = (ROOT / "README.md").read_text("utf-8")
    for name in main.commands:
        assert f"quizapp {name}" in readme, f"document 'quizapp {name}' in README.md"


def test_the_card_format_doc_shows_every_card_type_and_they_parse():
    from quizapp.cards import CardType
    from quizapp.parser import parse_text

    doc = (ROOT / "content" / "README.md").read_text("utf-8")
    blocks = re.findall(r"```markdown\n(.*?)```", doc, re.DOTALL)
    seen = set()
    for block in blocks:
        parsed = parse_text(block, "doc.md", "doc")
        if parsed.problems:
            continue  # the doc also shows broken examples on purpose
        seen |= {card.type for card in parsed.cards}
    assert seen == set(CardType)


def test_bundled_content_ships_inside_the_wheel():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    include = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert include == {"content": "quizapp/content"}
