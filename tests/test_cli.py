"""The quizapp command, driven as a user would: arguments in, text and exit status out."""

from __future__ import annotations

import os
import re
import stat
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import click
import pytest
from click.testing import CliRunner

from quizapp import forecast, review
from quizapp.cli import main
from quizapp.clock import utc_now
from quizapp.grading import choice_order
from quizapp.paths import bundled_content
from quizapp.store import Store

from .conftest import SAMPLE, write_deck


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


def test_every_command_explains_itself():
    names = []
    for path, command in all_commands(main):
        result = run(*path, "--help")
        assert result.exit_code == 0, path
        assert "Usage:" in result.output
        assert command.help and len(command.help.split()) >= 4, f"{path} needs a real help text"
        names.append(" ".join(path))
    assert {
        "review",
        "due",
        "stats",
        "sync",
        "check",
        "rebuild",
        "new",
        "decks add",
        "prove",
    } <= set(names)


def test_check_of_the_bundled_content_is_clean():
    result = run("check", str(bundled_content()))
    assert result.exit_code == 0, result.output
    decks = [p for p in bundled_content().rglob("*.md") if p.name != "README.md"]
    assert len(decks) == 5
    assert f"ok: {len(decks)} files" in result.output
    assert "have no id yet" not in result.output


def test_check_reports_every_problem_with_file_and_line(tmp_path):
    write_deck(tmp_path, "a.md", "## Q\n<!-- type: essay -->\nA\n\n## \nB\n")
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0].endswith(
        "a.md:2: unknown type 'essay' (use one of: open, basic, cloze, choice, numeric, ordered"
        " (or leave it out))"
    )
    assert lines[1].endswith("a.md:5: card has an empty prompt (write the question after '## ')")
    assert lines[-1] == "2 problems in 1 file; a sync leaves that file out and syncs the rest."
    assert "Traceback" not in result.output


def test_check_fix_writes_ids(tmp_path):
    path = write_deck(tmp_path, "a.md", "## What is dropout?\nRandomly zeroing units.\n")
    assert "1 card has no id yet" in run("check", str(tmp_path)).output
    result = run("check", "--fix", str(tmp_path))
    assert result.exit_code == 0 and "wrote 1 id" in result.output
    assert "id: what-is-dropout-" in path.read_text("utf-8")


def test_sync_with_a_broken_deck_exits_1_and_syncs_the_other_files(tmp_path):
    db = tmp_path / "q.db"
    folder = tmp_path / "decks"
    write_deck(folder, "a.md", SAMPLE)
    assert run("--db", str(db), "sync", str(folder)).exit_code == 0
    write_deck(folder, "b.md", "---\nnew_per_day: lots\n---\n## Q\nA\n")
    write_deck(folder, "c.md", "## Fine\n<!-- id: fine -->\nA\n")
    result = CliRunner().invoke(main, ["--db", str(db), "sync", str(folder)])
    assert result.exit_code == 1
    assert "b.md:2: new_per_day 'lots' is out of range" in result.output
    assert "1 problem: 1 file left out" in result.output
    with Store.open(db) as store:
        assert store.conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0] == 5


def test_check_path_finds_an_id_clash_with_a_bundled_card(tmp_path):
    """check PATH agrees with sync: an id the bundled deck uses is a clash, not 'ok'."""
    bundled_id = "vanishing-gradients"
    assert f"id: {bundled_id}" in (bundled_content() / "interview.md").read_text("utf-8")
    write_deck(tmp_path, "mine.md", f"## My own L1 card\n<!-- id: {bundled_id} -->\nA\n")
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert f"mine.md:1: duplicate id '{bundled_id}' (also at " in result.output
    assert "interview.md:" in result.output


def test_due_still_works_when_one_registered_deck_is_broken(tmp_path):
    folder = tmp_path / "decks"
    write_deck(folder, "bad.md", "## Q\n<!-- type: essay -->\nA\n")
    write_deck(folder, "good.md", "## Mine\n<!-- id: mine -->\nA\n")
    assert run("decks", "add", str(folder)).exit_code == 1  # refused: it has a problem
    from quizapp import config, paths

    config.save(paths.config_path(), config.Config(deck_folders=[folder]))
    result = CliRunner().invoke(main, ["due"])
    assert result.exit_code == 0, result.output
    assert "bad.md:2: unknown type 'essay'" in result.output
    assert "1 file left out" in result.output
    assert "good" in result.output.split("bad.md")[-1]  # the good deck was synced and listed


def test_plain_review_goes_through_the_bundled_deck_end_to_end(tmp_path):
    db = tmp_path / "q.db"
    answers = []
    # Answer the first eight cards: an empty line ends a typed answer; Enter takes the suggestion.
    # More lines than eight cards need: a choice card asks again until it reads option numbers.
    for _ in range(12):
        answers.append("backpropagation multiplies derivatives and relu keeps gradient one\n\n3\n")
    result = CliRunner().invoke(
        main, ["--db", str(db), "review", "--plain", "--limit", "8"], input="".join(answers)
    )
    assert result.exit_code == 0, result.output
    assert "Model answer:" in result.output
    assert "8 answers saved." in result.output
    with Store.open(db) as store:
        rows = store.conn.execute("SELECT card_id, rating, answer, mode FROM reviews").fetchall()
        assert len(rows) == 8
        assert all(r["mode"] == "review" for r in rows)
        assert {r["rating"] for r in rows} <= {1, 2, 3}
        for r in rows:
            card = review.get_card(store, r["card_id"])
            assert card.prompt.split("\n")[0][:40] in result.output
            assert review.get_state(store, r["card_id"]).reps == 1


def test_plain_review_scores_open_answers_and_shows_missed_points(tmp_path):
    db = tmp_path / "q.db"
    folder = tmp_path / "decks"
    write_deck(
        folder,
        "a.md",
        "## How does L1 regularization create a sparse model?\n<!-- id: l1 -->\nModel.\n\n"
        "### Key points\n- L1 sets some weights to exactly zero\n"
        "- The geometry of the L1 ball has corners on the axes\n",
    )
    (tmp_path / "cfg.toml").write_text(f'decks = ["{folder}"]\n', "utf-8")
    env = {"QUIZAPP_CONFIG": str(tmp_path / "cfg.toml")}
    result = CliRunner(env=env).invoke(
        main,
        ["--db", str(db), "review", "--plain", "--deck", "a"],
        input="lasso drives some weights to exactly zero\n\n\n",
    )
    assert result.exit_code == 0, result.output
    assert "✓ L1 sets some weights to exactly zero" in result.output
    assert "✗ The geometry of the L1 ball has corners on the axes" in result.output
    with Store.open(db) as store:
        row = store.conn.execute("SELECT rating, score, answer FROM reviews").fetchone()
    assert row["answer"] == "lasso drives some weights to exactly zero"
    assert 0.2 < row["score"] < 0.8
    assert f"Score {row['score']:.0%}" in result.output


def test_plain_review_rewraps_the_model_answer_paragraphs_to_the_terminal(tmp_path):
    """Decks are wrapped at 100 columns; printed as written, an 80-column terminal broke each
    line again mid-way. Paragraphs are rewrapped; a list keeps its lines."""
    folder = tmp_path / "decks"
    long_line = "ReLU has derivative 1 for positive inputs, so it does not saturate there; " * 2
    write_deck(
        folder,
        "a.md",
        f"## Why ReLU?\n<!-- id: relu -->\n{long_line}\nand gives sparse activations.\n\n"
        "- dead units\n- leaky ReLU\n",
    )
    (tmp_path / "cfg.toml").write_text(f'decks = ["{folder}"]\n', "utf-8")
    env = {"QUIZAPP_CONFIG": str(tmp_path / "cfg.toml")}
    result = CliRunner(env=env).invoke(
        main,
        ["--db", str(tmp_path / "q.db"), "review", "--plain", "--deck", "a"],
        input="relu\n\n\n",
    )
    assert result.exit_code == 0, result.output
    shown = result.output.split("Model answer:")[1].split("Score")[0]
    assert max(len(line) for line in shown.splitlines()) <= 80
    assert "there; and gives sparse" in " ".join(shown.split())
    assert "\n- dead units\n- leaky ReLU\n" in shown


def test_plain_review_choice_cloze_skip_undo_and_quit(tmp_path):
    db = tmp_path / "q.db"
    folder = tmp_path / "decks"
    write_deck(folder, "sample.md", SAMPLE)
    cfg = tmp_path / "cfg.toml"
    cfg.write_text(f'decks = ["{folder}"]\n', "utf-8")
    runner = CliRunner(env={"QUIZAPP_CONFIG": str(cfg)})
    # Cards come in file order: basic, cloze, choice, open.
    script = "\n".join(
        [
            "",  # basic: Enter reveals
            "3",  # rate Good
            "0.25",  # cloze gap
            "",  # accept the suggested Good
            "1 3",  # choice: both right options
            "u",  # at the rating prompt: undo the last saved answer (the cloze card)
            ":q",  # the cloze card is shown again; quit there
        ]
    )
    result = runner.invoke(
        main, ["--db", str(db), "review", "--plain", "--deck", "sample"], input=script + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "Fill the gap" in result.output and "Your pick" in result.output
    assert "Score: 100%" in result.output  # the gap and the choice were both right
    assert "Undone" in result.output
    with Store.open(db) as store:
        undone = {r[0] for r in store.conn.execute("SELECT review_id FROM undos")}
        live = store.conn.execute(
            "SELECT card_id, rating FROM reviews WHERE id NOT IN (SELECT review_id FROM undos)"
        ).fetchall()
        assert len(undone) == 1
        assert [(r[0], r[1]) for r in live] == [("relu-name", 3)]
        assert review.get_state(store, "sigmoid-max::c1").is_new
    assert "1 answer saved." in result.output


def test_plain_review_ends_cleanly_on_end_of_input(tmp_path):
    result = CliRunner().invoke(
        main, ["--db", str(tmp_path / "q.db"), "review", "--plain"], input=""
    )
    assert result.exit_code == 0
    assert "0 answers saved." in result.output


def test_plain_review_scores_an_answer_ended_by_end_of_input(tmp_path):
    """`echo "my answer" | quizapp review --plain`: the answer has no blank line after it.
    It is scored and shown; with no rating to read, nothing is stored, and it says so."""
    db = tmp_path / "q.db"
    result = CliRunner().invoke(
        main, ["--db", str(db), "review", "--plain"], input="relu keeps the gradient at one"
    )
    assert result.exit_code == 0, result.output
    assert "Model answer:" in result.output and "Score" in result.output
    assert "The input ended before a rating: that answer was not saved." in result.output
    assert "0 answers saved." in result.output
    with Store.open(db) as store:
        assert store.conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 0


def test_due_lists_the_bundled_decks():
    result = run("due")
    assert result.exit_code == 0
    assert "interview" in result.output and "regularization" in result.output
    assert "cards to study today" in result.output


def test_stats_counts_what_was_answered(tmp_path):
    db = tmp_path / "q.db"
    run("--db", str(db), "sync")
    with Store.open(db) as store:
        card = review.next_card(store, utc_now())
        review.answer(store, card, 3, utc_now())
    result = run("--db", str(db), "stats")
    assert "reviews      1 today, 1 in all" in result.output
    assert "streak       1 day" in result.output
    # Long values wrap at 80 columns under the value, not under the label.
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    wrapped = lines[lines.index(next(x for x in lines if x.startswith("retention"))) + 1]
    assert wrapped.startswith(" " * 13) and wrapped[13] != " "


def test_stats_prints_the_workload_of_the_next_30_days(tmp_path):
    """A line with the total and today's share, then a day a line with its number and bar,
    within 80 columns; today holds the answered card's learning step and today's new cards."""
    db = tmp_path / "q.db"
    run("--db", str(db), "sync")
    now = utc_now()
    with Store.open(db) as store:
        review.answer(store, review.next_card(store, now), 3, now)
        expected = forecast.workload_forecast(store, now)
    lines = run("--db", str(db), "stats").output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("workload     about "))
    days = lines[start + 1 : start + 31]
    peak = expected.peak.total
    assert days[0].split()[:2] == ["today", forecast.number(expected.days[0].total, peak)]
    assert "█" in days[0] and "░" in days[0]  # reviews and new cards, told apart by glyph
    assert all(len(line) <= 80 for line in lines[start:])
    assert [line.split()[2] for line in days[1:]] == [
        forecast.number(day.total, peak) for day in expected.days[1:]
    ]


def test_rebuild_reports_and_keeps_schedules(tmp_path):
    db = tmp_path / "q.db"
    run("--db", str(db), "sync")
    with Store.open(db) as store:
        card = review.next_card(store, utc_now())
        review.answer(store, card, 4, utc_now())
        before = review.get_state(store, card)
    result = run("--db", str(db), "rebuild")
    assert "rebuilt the schedule of" in result.output
    with Store.open(db) as store:
        assert review.get_state(store, card) == before


def test_decks_add_list_remove_and_sync_includes_the_folder(tmp_path):
    folder = tmp_path / "mine"
    write_deck(folder, "mine.md", "## My own question\n<!-- id: mine -->\nMy answer.\n")
    assert "registered" in (added := run("decks", "add", str(folder)).output)
    assert "1 card in 1 file" in added
    assert str(folder.resolve()) in run("decks", "list").output
    assert "(bundled)" in run("decks", "list").output
    db = tmp_path / "q.db"
    run("--db", str(db), "sync")
    with Store.open(db) as store:
        assert review.get_card(store, "mine").deck == "mine"
    assert "removed" in run("decks", "remove", str(folder)).output
    result = CliRunner().invoke(main, ["decks", "remove", str(folder)])
    assert result.exit_code == 1 and "is not registered" in result.output


def test_decks_add_refuses_a_broken_folder(tmp_path):
    write_deck(tmp_path, "bad.md", "## Q\n- [ ] no right answer\n")
    result = CliRunner().invoke(main, ["decks", "add", str(tmp_path)])
    assert result.exit_code == 1 and "choice card has no correct option" in result.output
    assert str(tmp_path) not in run("decks", "list").output


def test_new_appends_a_template_opens_the_editor_and_checks(tmp_path, monkeypatch):
    deck = write_deck(tmp_path, "mine.md", "## Existing\n<!-- id: existing -->\nA\n")
    editor = tmp_path / "fake-editor"
    log = tmp_path / "editor-args"
    editor.write_text(
        f"#!{sys.executable}\nimport sys\nopen({str(log)!r}, 'w').write(' '.join(sys.argv[1:]))\n"
        "from pathlib import Path\np = Path(sys.argv[-1])\n"
        "p.write_text(p.read_text().replace('Your question here', 'What is dropout?'))\n"
    )
    editor.chmod(editor.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("EDITOR", str(editor))
    result = run("new", str(deck))
    assert result.exit_code == 0, result.output
    text = deck.read_text("utf-8")
    assert text.startswith("## Existing\n<!-- id: existing -->\nA\n\n## What is dropout?\n")
    assert log.read_text() == str(deck)  # an unknown editor gets the file only
    ids = [line for line in text.splitlines() if line.startswith("id: card-")]
    assert len(ids) == 1


def test_new_with_the_template_saved_untouched_adds_nothing(tmp_path, monkeypatch):
    original = "## Existing\n<!-- id: existing -->\nA\n"
    deck = write_deck(tmp_path, "mine.md", original)
    monkeypatch.setenv("EDITOR", "true")  # saves nothing: the template stays as written
    result = CliRunner().invoke(main, ["new", str(deck)])
    assert result.exit_code == 1
    assert "the template was not filled in, so nothing was added" in result.output
    assert deck.read_text("utf-8") == original


def test_new_without_an_editor_still_adds_the_template(tmp_path):
    deck = tmp_path / "fresh.md"
    result = run("new", str(deck))
    assert result.exit_code == 0
    assert "no editor configured" in result.output
    assert deck.read_text("utf-8").lstrip().startswith("## Your question here")


def test_unusable_config_is_a_clear_error(tmp_path):
    cfg = Path(os.environ["QUIZAPP_CONFIG"])
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text("decks = [unclosed", "utf-8")
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "q.db"), "sync"])
    assert result.exit_code == 1
    assert "not valid TOML" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("args", [["review", "--limit", "0"], ["--db"], ["nope"]])
def test_bad_arguments_are_usage_errors(args):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "Error:" in result.output
    assert "Traceback" not in result.output


def plain(tmp_path, script: list[str], deck_text: str = SAMPLE):
    folder = tmp_path / "decks"
    write_deck(folder, "sample.md", deck_text)
    cfg = tmp_path / "cfg.toml"
    cfg.write_text(f'decks = ["{folder}"]\n', "utf-8")
    runner = CliRunner(env={"QUIZAPP_CONFIG": str(cfg)})
    db = tmp_path / "q.db"
    args = ["--db", str(db), "review", "--plain", "--deck", "sample"]
    return runner.invoke(main, args, input="\n".join(script) + "\n"), db


CHOICE_ONLY = """## Which penalties can set weights to exactly zero?
<!-- id: zero-penalties -->
- [x] L1 (lasso)
- [ ] L2 (ridge)
- [x] Elastic net
- [ ] Dropout
"""


def shown_as(deck_numbers: list[int], card_id: str = "zero-penalties", showing: int = 0) -> str:
    """What to type to pick the deck's options ``deck_numbers`` as the shuffle shows them."""
    order = choice_order(SimpleNamespace(id=card_id, choices=[None] * 4), showing)
    return " ".join(str(order.index(n - 1) + 1) for n in deck_numbers)


def test_plain_choice_asks_again_for_words_with_digits_in_them(tmp_path):
    """'L1 and L2' is not a pick of options 1 and 2: it is asked again, then the picks are read."""
    result, db = plain(tmp_path, ["L1 and L2 both", shown_as([1, 3]), "", "q"], CHOICE_ONLY)
    assert result.exit_code == 0, result.output
    assert "Please type option numbers from 1 to 4" in result.output
    with Store.open(db) as store:
        row = store.conn.execute("SELECT answer, score FROM reviews").fetchone()
    assert row["answer"] == "1 3" and row["score"] == 1.0


def test_plain_choice_options_are_shuffled_and_the_answer_names_the_options(tmp_path):
    """The options come shuffled; what is stored is the deck's numbering of the picked options
    (L1 and elastic net are 1 and 3 in the deck), not where they were on screen."""
    typed = shown_as([1, 3])
    assert typed != "1 3"  # this card's first shuffle moves them, or the test proves nothing
    result, db = plain(tmp_path, [typed, "", "q"], CHOICE_ONLY)
    lines = result.output.splitlines()
    shown = [line for line in lines if line.startswith("  ") and line[2:3].isdigit()][:4]
    order = choice_order(SimpleNamespace(id="zero-penalties", choices=[None] * 4), 0)
    texts = ["L1 (lasso)", "L2 (ridge)", "Elastic net", "Dropout"]
    assert shown == [f"  {n}. {texts[i]}" for n, i in enumerate(order, start=1)]
    with Store.open(db) as store:
        row = store.conn.execute("SELECT answer, score FROM reviews").fetchone()
    assert row["answer"] == "1 3" and row["score"] == 1.0


def test_plain_choice_result_marks_only_wrong_decisions_and_says_why(tmp_path):
    result, _ = plain(tmp_path, [shown_as([1, 2]), "q"], CHOICE_ONLY)
    lines = result.output.splitlines()
    number = dict(zip([1, 2, 3, 4], shown_as([1, 2, 3, 4]).split(), strict=True))
    assert f"  ✓ {number[1]}. L1 (lasso)  (picked, correct)" in lines
    assert f"  ✗ {number[2]}. L2 (ridge)  (picked, wrong)" in lines
    assert f"  ✗ {number[3]}. Elastic net  (missed: this one is correct)" in lines
    assert f"    {number[4]}. Dropout" in lines  # not picked, rightly: no ✓, no ✗


def test_plain_confirmation_repeats_the_interval_the_option_showed(tmp_path, monkeypatch):
    """'saved: Hard, next in 6m' as the option said '(6m)', though time passed since (here 40 s
    a clock reading): an interval recomputed from the saved due time would read 5m."""
    import quizapp.cli.plain_review as plain_review

    start = utc_now()
    ticks = iter(range(10_000))
    monkeypatch.setattr(
        plain_review, "utc_now", lambda: start + timedelta(seconds=40 * next(ticks))
    )
    deck = "## What does SGD stand for?\n<!--\nid: sgd\ntype: basic\n-->\nStochastic.\n"
    result, _ = plain(tmp_path, ["", "2", "q"], deck)
    assert result.exit_code == 0, result.output
    shown = re.search(r"2 Hard \((\w+)\)", result.output).group(1)
    assert f"saved: Hard, next in {shown}\n" in result.output


def test_plain_prompts_show_their_commands_and_take_them_bare(tmp_path):
    """s at the answer prompt skips (it is not saved as the answer 's'); the prompt says so."""
    result, db = plain(tmp_path, ["s", "q", "1", ":q"])
    assert result.exit_code == 0, result.output
    assert "Think of the answer, then press Enter to see it (s skip, u undo, q quit):" in (
        result.output
    )
    # The basic card was skipped; at the cloze gap a bare q is an answer, ':q' quits.
    assert "Fill the gap (:s skip, :u undo, :q quit):" in result.output
    with Store.open(db) as store:
        rows = store.conn.execute("SELECT card_id, answer FROM reviews").fetchall()
    assert [tuple(r) for r in rows] == [("sigmoid-max::c1", "q")]


def test_plain_open_card_empty_line_just_shows_the_answer(tmp_path):
    deck = "## How does L1 create sparsity?\n<!-- id: l1 -->\nModel.\n\n### Key points\n- zero\n"
    result, db = plain(tmp_path, ["", "1"], deck)
    assert result.exit_code == 0, result.output
    assert "an empty line alone shows the answer" in result.output
    assert "Model answer:" in result.output
    with Store.open(db) as store:
        row = store.conn.execute("SELECT answer, rating FROM reviews").fetchone()
    assert row["answer"] == "" and row["rating"] == 1


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path: Path) -> None:
    """``quizapp grade ... | head -1``: when stdout's reader has gone, the command stops with the
    status of a SIGPIPE kill and no message; it used to say "Broken pipe: check the path" of
    the store, blaming a path that was fine."""
    import subprocess

    env = {**os.environ, "QUIZAPP_DB": str(tmp_path / "q.db"), "QUIZAPP_BASIC_SCORING": "1"}
    env["QUIZAPP_CONFIG"] = str(tmp_path / "c.toml")
    child = subprocess.Popen(
        [sys.executable, "-m", "quizapp", "grade", "activation-functions"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    child.stdout.close()  # type: ignore[union-attr]
    _, err = child.communicate(b"ReLU passes the gradient through for positive inputs.")
    assert child.returncode == 141
    assert b"Error" not in err and b"Traceback" not in err
