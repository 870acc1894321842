"""From the questionnaire model to a sequence of blocks pagination can place.

One block per question, note and section heading; a grid is one block (or a
few, when it is taller than a page). Each select question picks its answer
arrangement from the ``paper::layout`` hint and its answers (see
:func:`arrangement`); an ``or_other`` option comes under them with its
writing line, and the ``<name>_other`` item gets no block of its own. A select question followed by its open follow-up
(:mod:`survey.followups`) is marked to stay on the same page as it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from layout import fonts, grid, texts, widgets
from layout.header import first_page_header
from layout.ops import Block, Op, RectOp, TextOp, move
from layout.options import LayoutOptions
from layout.skips import Skip
from layout.styles import Style
from layout.widgets import Answer
from survey.errors import LayoutError
from survey.followups import is_follow_up
from survey.formmap import Rect
from survey.model import OTHER, Group, Item, Question, Questionnaire, QuestionType
from survey.units import mm

HEADING_PAD = mm(1.6)


class BlockBuilder:
    """Builds the blocks of one questionnaire for one set of options."""

    def __init__(
        self,
        questionnaire: Questionnaire,
        options: LayoutOptions,
        numbers: Mapping[str, int],
        skips: Mapping[tuple[str, str], Skip],
    ) -> None:
        self.q = questionnaire
        self.options = options
        self.style = options.style
        self.lang = options.language
        self.numbers = numbers
        self.skips = skips
        self.width = self.style.content_width

    def build(self) -> list[Block]:
        blocks = [first_page_header(self.q, self.options)]
        blocks += self._items(self.q.items)
        return blocks

    # --- walking the model ------------------------------------------------------
    def _items(self, items: tuple[Item, ...]) -> list[Block]:
        out: list[Block] = []
        # or_other's text item is printed by its question (the writing line after "Anders")
        items = tuple(i for i in items if not (isinstance(i, Question) and i.other_of))
        for previous, item in zip((None, *items), items, strict=False):
            if isinstance(item, Group):
                if item.is_grid:
                    grid_blocks = self.grid(item)
                    if item.paper.page_break:
                        grid_blocks[0] = grid_blocks[0].with_page_break()
                    out += grid_blocks
                    continue
                inner = self._items(item.items)
                label, hint = item.label.get(self.lang), item.hint.get(self.lang)
                if label or hint:
                    inner.insert(0, self.heading(label, item.name, hint))
                if inner and item.paper.page_break:
                    inner[0] = inner[0].with_page_break()
                out += inner
            elif item.type is QuestionType.NOTE:
                out.append(self.note(item))
            else:
                if is_follow_up(previous, item):
                    # The select question before (its one block) stays on this one's page.
                    out[-1] = replace(out[-1], keep_with_next=True)
                out.append(self.question(item))
        return out

    # --- blocks -------------------------------------------------------------------
    def heading(self, label: str, name: str, hint: str = "") -> Block:
        """A section heading: the label on a tinted bar, the section's hint under it.

        Either may be empty; the block always stays with what follows.
        """
        s = self.style
        ops: list[Op] = []
        height = 0.0
        if label:
            ops, h = widgets.paragraph(
                label,
                fonts.BOLD,
                s.section_size,
                self.width - 2 * HEADING_PAD,
                s,
                x=HEADING_PAD,
                top=-HEADING_PAD,
                color=s.accent,
            )
            height = h + 2 * HEADING_PAD
            ops.insert(0, RectOp(Rect(0.0, -height, self.width, 0.0), fill=s.accent_light))
        if hint:
            gap = mm(1.5) if label else 0.0
            ops, height = widgets.paragraph_below(
                ops,
                height,
                gap,
                hint,
                fonts.ITALIC,
                s.hint_size,
                self.width - 2 * HEADING_PAD,
                s,
                x=HEADING_PAD,
                color=s.muted,
            )
        return Block(tuple(ops), height, space_after=mm(4), keep_with_next=True, name=name)

    def note(self, q: Question) -> Block:
        s = self.style
        ops, h = widgets.paragraph(
            q.label.get(self.lang), fonts.REGULAR, s.body_size, self.width, s
        )
        if q.hint:
            ops, h = widgets.paragraph_below(
                ops,
                h,
                mm(1),
                q.hint.get(self.lang),
                fonts.ITALIC,
                s.hint_size,
                self.width,
                s,
                color=s.muted,
            )
        return Block(
            tuple(ops),
            h,
            space_after=s.question_gap,
            page_break_before=q.paper.page_break,
            name=q.name,
        )

    def _stem(self, number: int | None, label: str, hint: str) -> tuple[list[Op], float]:
        """Question number, text and hint; returns ops and height."""
        s = self.style
        indent = s.number_indent
        ops, h = widgets.paragraph(label, fonts.BOLD, s.body_size, self.width - indent, s, x=indent)
        if number is not None:
            ops.insert(
                0,
                TextOp(
                    0.0, -widgets.ASCENT * s.body_size, f"{number}.", fonts.BOLD, s.body_size, s.ink
                ),
            )
        if hint:
            ops, h = widgets.paragraph_below(
                ops,
                h,
                mm(1),
                hint,
                fonts.ITALIC,
                s.hint_size,
                self.width - indent,
                s,
                x=indent,
                color=s.muted,
            )
        return ops, h

    def question(self, q: Question) -> Block:
        s = self.style
        hint = q.hint.get(self.lang)
        if q.type is QuestionType.SELECT_MULTIPLE:
            hint = f"{texts.text('multiple', self.lang)} {hint}".strip()
        ops, h = self._stem(self.numbers[q.name], q.label.get(self.lang), hint)
        body_top = -(h + mm(2.8))
        body_w = self.width - s.number_indent
        if q.is_select and q.choices is not None:
            body, bh = self.answers(q, body_w)
        elif q.type is QuestionType.INTEGER:
            body, bh = widgets.number_comb(q.name, max(q.paper.lines, 3), s)
        else:
            body, bh = widgets.writing_lines(q.name, q.paper.lines or s.default_lines, body_w, s)
        ops += move(body, s.number_indent, body_top)
        height = -body_top + bh
        if height > s.content_height:
            raise LayoutError(
                f"Question {q.name} (row {q.row}) is taller than a page: shorten it, or set "
                "paper::layout to 'columns' for a long list of answers."
            )
        return Block(
            tuple(ops),
            height,
            space_after=s.question_gap,
            page_break_before=q.paper.page_break,
            name=q.name,
        )

    def answers(self, q: Question, width: float) -> tuple[list[Op], float]:
        """The answer boxes of a select question in the arrangement :func:`arrangement` picks."""
        assert q.choices is not None
        answers = [
            Answer(c.name, c.label.get(self.lang), self._skip_text(q.name, c.name))
            for c in q.own_choices()
        ]
        ops, h = self._arranged(q, answers, width)
        if q.or_other:
            other = q.choices.choice(OTHER)
            answer = Answer(OTHER, other.label.get(self.lang), self._skip_text(q.name, OTHER))
            more, mh = widgets.other_row(answer, q.name, q.other_name, width, self.style)
            ops += move(more, 0.0, -(h + self.style.row_gap) if h else 0.0)
            h += (self.style.row_gap if h else 0.0) + mh
        return ops, h

    def _arranged(self, q: Question, answers: list[Answer], width: float) -> tuple[list[Op], float]:
        if not answers:
            return [], 0.0
        kind, count = arrangement(q.paper.layout, answers, width, self.style)
        if kind == "scale":
            plain = [Answer(a.choice, a.label) for a in answers]
            ops, h = widgets.scale(plain, q.name, width, self.style)
            notes = [self._answer_skip_text(q.name, a) for a in answers if a.skip]
            for line in notes:
                ops, h = widgets.paragraph_below(
                    ops,
                    h,
                    mm(2),
                    line,
                    fonts.BOLD,
                    self.style.label_size,
                    width,
                    self.style,
                    color=self.style.accent,
                )
            return ops, h
        if kind == "inline":
            return widgets.inline(answers, q.name, self.style)
        return widgets.columns(answers, q.name, width, self.style, count)

    def grid(self, group: Group) -> list[Block]:
        """A table-list group as one block, which pagination may cut between rows."""
        s = self.style
        statements = [
            q for q in group.items if isinstance(q, Question) and q.is_select and q.choices
        ]
        if not statements:
            raise LayoutError(
                f"Grid {group.name} (row {group.row}) has no select questions to show."
            )
        scale = statements[0].choices
        assert scale is not None
        rows = [
            grid.Statement(q.name, self.numbers[q.name], q.label.get(self.lang)) for q in statements
        ]
        # The group's own instruction, else the generic "one cross on each line".
        hint_text = group.hint.get(self.lang) or texts.text("grid_hint", self.lang)
        label = group.label.get(self.lang)
        stem_ops, stem_h = self._stem(None, label, hint_text)
        more_ops, more_h = self._stem(None, f"{label} {texts.text('continued', self.lang)}", "")
        notes: dict[int, tuple[list[Op], float]] = {}
        for i, q in enumerate(statements):
            lines = [
                self._row_skip_text(q, c.label.get(self.lang), self.skips[(q.name, c.name)])
                for c in scale.choices
                if (q.name, c.name) in self.skips
            ]
            if lines:
                note_ops, note_h = widgets.paragraph(
                    "\n".join(lines),
                    fonts.BOLD,
                    s.label_size,
                    self.width,
                    s,
                    top=-mm(2),
                    color=s.accent,
                )
                notes[i] = (note_ops, note_h + mm(2))
        layout = grid.GridLayout(
            group.name,
            rows,
            scale.names(),
            [c.label.get(self.lang) for c in scale.choices],
            self.width,
            s,
            (stem_ops, stem_h + mm(3)),
            (more_ops, more_h + mm(3)),
            notes,
            s.question_gap,
        )
        return [layout.block()]

    # --- routing texts ------------------------------------------------------------
    def _skip_text(self, question: str, choice: str) -> str:
        skip = self.skips.get((question, choice))
        if skip is None:
            return ""
        if skip.number:
            return texts.text("goto", self.lang, number=skip.number)
        return texts.text("goto_end", self.lang)

    def _answer_skip_text(self, question: str, answer: Answer) -> str:
        skip = self.skips[(question, answer.choice)]
        quoted = f"\u2018{answer.label}\u2019"
        if skip.number:
            return texts.text("goto_answer", self.lang, answer=quoted, number=skip.number)
        return texts.text("goto_answer_end", self.lang, answer=quoted)

    def _row_skip_text(self, q: Question, label: str, skip: Skip) -> str:
        quoted = f"\u2018{label}\u2019"
        row = self.numbers[q.name]
        if skip.number:
            return texts.text("goto_row", self.lang, row=row, answer=quoted, number=skip.number)
        return texts.text("goto_row_end", self.lang, row=row, answer=quoted)


def arrangement(hint: str, answers: list[Answer], width: float, style: Style) -> tuple[str, int]:
    """Pick how to arrange the answers: ``(kind, columns)``.

    ``paper::layout`` wins when it can be honoured: ``vertical``, ``columns``,
    ``horizontal`` (a numeric scale, else one line, else labelled scale cells
    for up to 7 answers). Without a hint: numbers 1-11 as a scale, up to
    three short answers on one line, eight or more short answers in columns,
    otherwise one per row.
    """
    n = len(answers)
    numeric = all(a.label.strip().isdigit() for a in answers)
    fits_inline = widgets.inline_width(answers, style) <= width

    def column_count() -> int:
        for k in (3, 2):
            col_w = (width - (k - 1) * widgets.COLUMN_GAP) / k - style.box_size - style.box_text_gap
            if all(
                len(
                    fonts.wrap(
                        f"{a.label} {a.skip}".strip(), fonts.REGULAR, style.label_size, col_w
                    )
                )
                <= (1 if k == 3 else 2)
                for a in answers
            ):
                return k
        return 2

    if hint == "vertical":
        return "vertical", 1
    if hint == "columns":
        return "columns", column_count() if n > 3 else 1
    if hint == "horizontal":
        if numeric and n <= 11:
            return "scale", 0
        if fits_inline:
            return "inline", 0
        if n <= 7 and not any(a.skip for a in answers):
            return "scale", 0
        return "vertical", 1
    if numeric and n <= 11:
        return "scale", 0
    if n <= 3 and fits_inline and all(len(a.label) <= 20 for a in answers):
        return "inline", 0
    if n >= 8:
        k = column_count()
        return "columns", k
    return "vertical", 1
