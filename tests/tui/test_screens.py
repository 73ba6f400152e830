"""Home, prove it, browse, editing, sync problems, help and the command palette, through Pilot."""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path

from textual.widgets import DataTable, Input, Markdown, Static

from quizapp import review
from quizapp.store import Store
from quizapp.sync import sync
from quizapp.tui.browse_screen import BrowseScreen
from quizapp.tui.help_screen import HelpScreen
from quizapp.tui.home_screen import HomeScreen
from quizapp.tui.prove_screen import ProofChart, ProveScreen
from quizapp.tui.review_screen import ReviewScreen
from quizapp.tui.widgets.answer_inputs import AnswerBox
from quizapp.tui.widgets.key_bar import KeyBar
from quizapp.tui.widgets.row_table import RowTable

from .conftest import NOW, settle
from .test_review_flow import prompt_text, start_review


def table_rows(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_home_lists_decks_with_todays_counts(app_factory):
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        rows = table_rows(app.screen.query_one("#decks", DataTable))
        # deck, new, learning, due, today, cards
        assert rows == [
            ["All decks", "5", "0", "0", "5", "5"],
            ["drills", "4", "0", "0", "4", "4"],
            ["other", "1", "0", "0", "1", "1"],
        ]
        today = str(app.screen.query_one("#today", Static).render())
        assert today.startswith("5 to study")
        assert "Decks synced: 5 added" in str(app.screen.query_one("#sync-status").render())


async def test_a_deck_name_with_brackets_is_shown_as_written(app_factory, deck_dir):
    """DataTable reads a plain str as Rich markup: '[/]' raised MarkupError, '[b]' vanished."""
    (deck_dir / "notes.md").write_text(
        '---\ndeck: "notes [/] draft [b]x"\n---\n## Q\n<!-- id: n1 -->\nA\n', encoding="utf-8"
    )
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        decks = [row[0] for row in table_rows(app.screen.query_one("#decks", DataTable))]
    assert "notes [/] draft [b]x" in decks


async def test_enter_on_a_deck_reviews_only_that_deck(app_factory):
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # All decks -> drills -> other
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.deck == "other"
        assert "What does SGD stand for?" in prompt_text(app)


async def test_home_counts_follow_the_review(app_factory):
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_review(pilot)
        await pilot.press(*"relu", "ctrl+s", "4")
        await pilot.pause()
        await pilot.press("escape", "escape")  # leave the gap input, then the review
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        rows = table_rows(app.screen.query_one("#decks", DataTable))
        assert rows[1] == ["drills", "3", "0", "0", "3", "4"]
        assert "1 done today" in str(app.screen.query_one("#today", Static).render())


async def test_a_broken_file_is_listed_and_left_out_while_the_rest_syncs(
    app_factory, db_path, deck_dir
):
    with Store.open(db_path) as store:
        sync(store, [deck_dir], NOW)
    broken = deck_dir / "broken.md"
    broken.write_text("## A card\n<!--\nid: bad id!\n-->\nAnswer.\n", encoding="utf-8")
    (deck_dir / "extra.md").write_text(
        "## A new card from another file\n<!-- id: extra -->\nA.\n", "utf-8"
    )
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        problems = str(app.screen.query_one("#problems", Static).render())
        assert f"{broken}:2: id 'bad id!' is not valid" in problems
        status = str(app.screen.query_one("#sync-status").render())
        assert "1 file left out for the problems below" in status and "1 added" in status
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert "Why does ReLU help" in prompt_text(app)


async def test_a_problem_in_a_file_named_with_brackets_is_listed_as_written(app_factory, deck_dir):
    """Problem lines hold file names and deck text, so the list is not markup: read as markup,
    "[b]" would vanish and "[/]" raise MarkupError (mutation: the widget's markup=False removed)."""
    broken = deck_dir / "notes [b] [draft].md"
    broken.write_text("## A card\n<!--\nid: x [/] y\n-->\nAnswer.\n", encoding="utf-8")
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        problems = str(app.screen.query_one("#problems", Static).render())
        assert f"{broken}:2: id 'x [/] y' is not valid" in problems


async def test_prove_it_runs_in_a_worker_and_shows_claim_verdict_and_chart(app_factory, db_path):
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_review(pilot)
        await pilot.press("escape", "p")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ProveScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        claim = str(screen.query_one("#claim", Static).render())
        assert claim.startswith("✓ In a 24-layer MLP")
        chart = screen.query_one(ProofChart)
        assert chart.display
        assert "• sigmoid, Xavier" in str(screen.query_one("#legend", Static).render())
        heading = str(screen.query_one("#panel-heading", Static).render())
        assert heading.startswith("Panel 1 of 3: Backward signal per layer")
        await pilot.press("right")
        await pilot.pause()
        assert screen.panel == 1
        assert "Panel 2 of 3" in str(screen.query_one("#panel-heading", Static).render())
        assert "ReLU, He" in str(screen.query_one("#legend", Static).render())
        await pilot.press("left", "left")
        await pilot.pause()
        assert screen.panel == 2  # wraps around
        details = str(screen.query_one("#details", Static).render())
        assert "Key figures" in details

        await pilot.press("s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        figure = db_path.parent / "figures" / "vanishing-gradients-seed0.png"
        assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert str(figure) in str(screen.query_one("#saved", Static).render())

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert "Why does ReLU help" in prompt_text(app)


async def test_browse_searches_sorts_and_suspends(app_factory, db_path):
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BrowseScreen)
        table = screen.query_one("#cards", RowTable)
        assert table.count == 5

        await pilot.press("slash", *"relu")
        await pilot.pause(0.3)
        assert sorted(row.id for row in screen.shown) == ["relu-basic", "relu-open"]
        assert table.count == 2

        search = screen.query_one("#search", Input)
        search.value = "type:choice"
        await pilot.press("enter")  # applies the search now and goes back to the table
        await pilot.pause()
        assert [row.id for row in screen.shown] == ["zero-choice"]
        assert "Which penalties" in screen.query_one("#preview", Markdown).source

        await pilot.press("x")
        await pilot.pause()
        assert screen.shown[0].suspended
        assert table.row_at(0)[-1] == "susp."
        descriptions = [d for _, _, d, _ in screen.query_one(KeyBar).items()]
        assert "Unsuspend" in descriptions and "Suspend" not in descriptions
        with Store.open(db_path) as store:
            assert (
                store.conn.execute(
                    "SELECT suspended FROM cards WHERE id = 'zero-choice'"
                ).fetchone()[0]
                == 1
            )
            assert review.next_card(store, NOW, exclude={"relu-open", "bounds-cloze::c1"}) == (
                "relu-basic"
            )

        search.value = ""
        await pilot.press("enter")
        await pilot.pause()
        for _ in range(6):  # deck -> due -> stability -> difficulty -> lapses -> score -> type
            await pilot.press("o")
        await pilot.pause()
        assert screen.sort_column == "type"
        assert [row.type for row in screen.shown] == ["basic", "basic", "choice", "cloze", "open"]


async def test_browse_proves_the_highlighted_card_when_it_has_an_experiment(app_factory):
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await pilot.pause()
        screen = app.screen
        search = screen.query_one("#search", Input)

        def keys() -> list[str]:
            return [d for _, _, d, _ in screen.query_one(KeyBar).items()]

        search.value = "relu stand"  # relu-basic: no experiment
        await pilot.press("slash", "enter")
        await pilot.pause()
        assert [row.id for row in screen.shown] == ["relu-basic"]
        assert "Prove it" not in keys()
        await pilot.press("p")
        await pilot.pause()
        assert app.screen is screen

        search.value = "vanishing gradients"  # relu-open: prove: vanishing-gradients
        await pilot.press("slash", "enter")
        await pilot.pause()
        assert [row.id for row in screen.shown] == ["relu-open"]
        assert "Prove it" in keys()
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ProveScreen)
        assert app.screen.proof_name == "vanishing-gradients"
        await app.workers.wait_for_complete()


async def test_browse_shows_a_cards_history(app_factory, db_path, deck_dir):
    with Store.open(db_path) as store:
        sync(store, [deck_dir], NOW - timedelta(days=3))
        review.answer(store, "relu-basic", 3, NOW - timedelta(days=3), score=None)
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#search", Input).value = "stand for"
        await pilot.press("slash", "enter")
        await pilot.pause()
        history = str(screen.query_one("#history", Static).render())
        assert "2026-02-27 12:00 UTC  Good" in history


async def test_edit_runs_the_editor_resyncs_and_keeps_the_history(
    app_factory, db_path, deck_dir, tmp_path, monkeypatch
):
    with Store.open(db_path) as store:
        sync(store, [deck_dir], NOW - timedelta(days=1))
        review.answer(store, "relu-open", 1, NOW - timedelta(days=1))  # due again now
    editor = tmp_path / "stand-in-editor"
    editor.write_text(
        "#!/bin/sh\n"
        "sed -i 's/Why does ReLU help against vanishing gradients?/"
        'Why does ReLU help deep networks train?/\' "$1"\n',
        encoding="utf-8",
    )
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("EDITOR", str(editor))
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_review(pilot)
        assert "Why does ReLU help against vanishing gradients?" in prompt_text(app)
        await pilot.press(*"half typed", "escape", "e")
        await settle(pilot)
        assert app.screen is screen
        assert "Why does ReLU help deep networks train?" in prompt_text(app)
        assert "1 earlier review kept" in str(screen.query_one("#status", Static).render())
        assert screen.query_one(AnswerBox).text == "half typed"  # the answer survives the edit
        # Edited again after the reveal: the card comes back revealed, the answer still there.
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("e")
        await settle(pilot)
        assert screen.phase == "answer" and screen.typed == "half typed"
        assert screen.query_one("#model-answer").display
    assert "deep networks train" in (deck_dir / "drills.md").read_text("utf-8")
    with Store.open(db_path) as store:
        assert (
            review.get_card(store, "relu-open").prompt == "Why does ReLU help deep networks train?"
        )
        assert len(review.history(store, "relu-open")) == 1


async def test_edit_without_an_editor_says_how_to_set_one(app_factory):
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await start_review(pilot)
        await pilot.press("escape", "e")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("set $EDITOR" in m for m in messages)
        assert "Why does ReLU help" in prompt_text(app)


async def test_help_lists_the_bindings_of_every_screen(app_factory):
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        lines = [
            " ".join(line.split())
            for line in str(app.screen.query_one("#help-text", Static).render()).splitlines()
        ]
        for expected in (
            "^s Reveal",
            "u Undo",
            "1-4 Again, Hard, Good, Easy",
            "s Save figure",
            "x Suspend",
            "^q Quit",
        ):
            assert expected in lines
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_command_palette_opens_the_browser(app_factory):
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"browse cards")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen)


async def test_t_opens_the_stats_screen(app_factory):
    from quizapp.tui import stats_screen

    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, stats_screen.StatsScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_a_store_that_cannot_be_opened_is_reported_not_raised(app_factory, db_path):
    """A store that is not a database: a dialog says so (home lists it too); closing it exits 1."""
    from quizapp.tui.error_dialog import ErrorDialog

    db_path.write_bytes(b"this is not a database" * 100)
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert not app.store_ready
        message = str(app.screen.query_one("#error-message", Static).render())
        assert str(db_path) in message and "damaged" in message
        home = app.screen_stack[0]
        status = str(home.query_one("#sync-status", Static).render())
        assert status.startswith("✗ ") and str(db_path) in status
        assert "could not be opened" in str(home.query_one("#today", Static).render())
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_code == 1


async def test_a_fresh_store_says_it_is_reading_the_decks_not_no_cards(app_factory, monkeypatch):
    """While the first sync runs the table is empty, but 'No cards yet' would be false."""
    import threading

    import quizapp.sync as sync_module

    release = threading.Event()
    real_sync = sync_module.sync

    def slow_sync(*args, **kwargs):
        assert release.wait(10)
        return real_sync(*args, **kwargs)

    monkeypatch.setattr(sync_module, "sync", slow_sync)
    drawn = []
    real_refresh = HomeScreen.refresh_counts

    def counted_refresh(self):
        drawn.append(app.syncing)
        real_refresh(self)

    monkeypatch.setattr(HomeScreen, "refresh_counts", counted_refresh)
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(100):
            await pilot.pause()
            if app.store_ready:
                break
        await pilot.pause()
        today = str(app.screen.query_one("#today", Static).render())
        assert "Reading your decks" in today and "No cards yet" not in today
        # The deck table is drawn once, after the sync: an empty one drawn first competed
        # with the sync thread for the interpreter.
        assert drawn == []
        # The pulsing bar (it redraws every frame) waits until the sync has taken a while.
        bar = app.screen.query_one("#sync-progress")
        assert not bar.display
        await pilot.pause(0.8)
        assert bar.display
        release.set()
        await settle(pilot)
        assert "to study" in str(app.screen.query_one("#today", Static).render())
        assert drawn and not drawn[0]
        assert not bar.display


async def test_start_up_backup_and_sync_folder_wait_until_home_has_drawn_the_decks(
    app_factory, monkeypatch
):
    """The day's backup and the sync-folder exchange run after the first sync, once Home has
    drawn the deck table: started as soon as the sync ended, they slowed that frame."""
    import quizapp.merge.folder as folder

    seen: list[tuple[bool, int]] = []

    def recording_exchange(store, now):
        rows = app.call_from_thread(lambda: app.screen_stack[0].query_one(DataTable).row_count)
        seen.append((app._decks_shown.is_set(), rows))
        return []

    monkeypatch.setattr(folder, "exchange_configured", recording_exchange)
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
    assert len(seen) == 1, "the start-up checks ran once"
    shown, rows = seen[0]
    assert shown and rows > 0


async def test_browse_says_when_a_filter_is_unknown_and_pages_with_end(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#cards", RowTable)
        await pilot.press("end")
        assert table.cursor == 4 and screen.current_row().id == "sgd-basic"
        await pilot.press("home")
        assert table.cursor == 0
        screen.query_one("#search", Input).value = "is:foo"
        await pilot.press("slash", "enter")
        await pilot.pause()
        status = str(screen.query_one("#status", Static).render())
        assert "0 of 5 cards" in status and "unknown 'is:foo'" in status


async def test_editing_a_bundled_card_offers_a_copy_and_edits_that(
    app_factory, deck_dir, tmp_path, monkeypatch
):
    from quizapp import paths
    from quizapp.tui.confirm_screen import ConfirmScreen

    bundled = tmp_path / "site-packages/quizapp/content"
    bundled.mkdir(parents=True)
    original = (deck_dir / "drills.md").read_text("utf-8")
    (bundled / "drills.md").write_text(original, "utf-8")
    monkeypatch.setattr(paths, "bundled_content", lambda: bundled)
    editor = tmp_path / "stand-in-editor"
    editor.write_text(
        "#!/bin/sh\nsed -i 's/Why does ReLU help/Why, then, does ReLU help/' \"$1\"\n"
    )
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("EDITOR", str(editor))
    app = app_factory(roots=None)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_review(pilot)
        await pilot.press(*"my answer", "escape", "e")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
        assert "Why, then, does ReLU help" in prompt_text(app)
        source = Path(screen.session.current.source)
    assert (bundled / "drills.md").read_text("utf-8") == original  # the package is untouched
    assert source.name == "drills.md" and bundled not in source.parents
    assert "Why, then, does ReLU help" in source.read_text("utf-8")


async def test_home_catches_up_with_answers_given_in_another_terminal(app_factory, db_path):
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        home = app.screen
        home.check_outside_changes()  # the first look only takes note
        with Store.open(db_path) as other:  # another terminal answers a card
            review.answer(other, "relu-open", 3, NOW)
        home.check_outside_changes()
        await pilot.pause()
        assert "1 done today" in str(home.query_one("#today", Static).render())


async def test_the_theme_picked_is_kept_for_the_next_start(app_factory, isolated_user_files):
    """Picking a theme in the palette writes it to config.toml; the next start opens in it."""
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme != "nord"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"theme")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        await pilot.press(*"nord")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "nord"
    assert 'theme = "nord"' in (isolated_user_files / "config.toml").read_text("utf-8")
    again = app_factory()
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert again.theme == "nord"


async def test_screenshot_without_a_downloads_folder_saves_by_the_store_and_says_where(
    app_factory, db_path, tmp_path, monkeypatch
):
    """Textual saves to ~/Downloads and fails with no reason when it is missing: quizapp saves
    next to the store instead and the notification names the file."""
    from quizapp import paths

    monkeypatch.setattr(paths, "user_downloads_dir", lambda: str(tmp_path / "no-such-folder"))
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"screenshot")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.5)
        saved = list((db_path.parent / "screenshots").glob("*.svg"))
        assert len(saved) == 1 and "<svg" in saved[0].read_text("utf-8")
        notes = [n.message for n in app._notifications]
        assert any(str(saved[0]) in note for note in notes), notes


async def test_home_picks_up_a_folder_added_from_another_terminal(
    app_factory, deck_dir, isolated_user_files
):
    """'quizapp decks add' in another terminal (here: its config write) shows on Home without
    ctrl+r, even when it is the command that creates the config file."""
    from quizapp import config

    app = app_factory(roots=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        home = app.screen
        home.check_outside_changes()  # the first look only takes note (no config file yet)
        assert not (isolated_user_files / "config.toml").exists()
        config.save(isolated_user_files / "config.toml", config.Config(deck_folders=[deck_dir]))
        home.check_outside_changes()
        await settle(pilot)
        decks = [row[0] for row in table_rows(home.query_one("#decks", DataTable))]
        assert any("drills" in deck for deck in decks), decks


async def test_a_long_table_at_80_columns_has_no_sideways_scrollbar():
    """With more rows than fit, the vertical scrollbar takes two columns; the rows were still
    as wide as the whole table, so a horizontal scrollbar (a stray '▏') appeared under it."""
    from textual.app import App

    from quizapp.tui.widgets.row_table import FLEX, Column

    class One(App[None]):
        def compose(self):
            yield RowTable([Column("deck", "Deck", 8), Column("card", "Card", FLEX)], id="t")

    app = One()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(RowTable)
        table.set_rows(70, lambda i: (f"deck{i}", f"card {i}"))
        await pilot.pause()
        assert table.show_vertical_scrollbar
        assert not table.show_horizontal_scrollbar
