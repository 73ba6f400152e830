"""What the reveal shows about the typed answer: the score and each key point covered or missed."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from quizapp.cards import CardType
from quizapp.grading import POINT_MARKS, Grade, summary

MISSED = POINT_MARKS["missed"]
#: The colour that goes with each point verdict's mark (the mark itself says it without colour).
MARK_STYLES = {
    "opposite": "bold $error",
    "covered": "$success",
    "partial": "$warning",
    "missed": "$error",
}
MATCH_WIDTH = 60  # a matched phrase longer than this is clipped: the point is what matters


def _differs(matched: str, text: str) -> bool:
    return " ".join(matched.lower().split()) != " ".join(text.lower().split())


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def verdict_content(card_type: CardType, grade: Grade, note: str = "") -> Content:
    """The verdict as styled text. Pure, so it is easy to test and reuse."""
    lines: list[Content] = []
    if grade.value is None:
        text = note or "Self-graded: compare with the model answer below."
        lines.append(Content.styled(text, "$text-muted"))
        return Content("\n").join(lines)
    if card_type is CardType.OPEN:
        return _open_verdict(grade)
    elif card_type is CardType.CHOICE:
        right = grade.value == 1
        lines.append(
            Content.styled(
                "Correct" if right else "Not quite", "bold $success" if right else "bold $error"
            )
        )
        return Content("\n").join(lines)
    else:
        right = grade.value == 1
        line = Content.styled("Correct" if right else "Not quite", "bold")
        if len(grade.points) > 1:
            covered = sum(p.covered for p in grade.points)
            line = Content.assemble(
                line, Content.styled(f"  {covered} of {len(grade.points)} gaps", "dim")
            )
        lines.append(line)
    for point in grade.points:
        verdict = "covered" if point.covered else "missed"  # gaps and options: no half credit
        mark = Content.styled(POINT_MARKS[verdict], MARK_STYLES[verdict])
        line = Content.assemble(mark, " ", point.text)
        if point.covered and point.matched and _differs(point.matched, point.text):
            quoted = f'  ← "{_clip(point.matched, MATCH_WIDTH)}"'
            line = Content.assemble(line, Content.styled(quoted, "$text-muted"))
        lines.append(line)
    return Content("\n").join(lines)


def _open_verdict(grade: Grade) -> Content:
    lines = [Content.styled(summary(grade), "bold")]
    for number, point in enumerate(grade.points, start=1):
        mark = Content.styled(point.mark, MARK_STYLES[point.verdict])
        line = Content.assemble(Content.styled(f"{number} ", "dim"), mark, " ", point.text)
        if point.contradicted and point.matched:
            quoted = f'  ← you said the opposite: "{_clip(point.matched, MATCH_WIDTH)}"'
            line = Content.assemble(line, Content.styled(quoted, "$error"))
        elif (
            (point.covered or point.partial)
            and point.matched
            and _differs(point.matched, point.text)
        ):
            quoted = f'  ← "{_clip(point.matched, MATCH_WIDTH)}"'
            line = Content.assemble(line, Content.styled(quoted, "$text-muted"))
        lines.append(line)
    for hit in grade.misconceptions:
        said = _clip(hit.quote, MATCH_WIDTH)
        line = Content.assemble(
            Content.styled(f"{MISSED} ", "bold $error"),
            f'You said "{said}": a common misconception.',
        )
        lines.append(line)
        if hit.correction:
            lines.append(Content.styled(f"  {hit.correction}", "$text-muted"))
    return Content("\n").join(lines)


class VerdictView(Static):
    """The verdict panel; the review screen sets it with :meth:`show` after each reveal."""

    def show(self, card_type: CardType, grade: Grade, note: str = "") -> None:
        self.update(verdict_content(card_type, grade, note))
