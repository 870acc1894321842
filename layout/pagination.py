"""Pagination: place blocks on pages top to bottom, never splitting one.

A block that does not fit in what is left of the page starts the next page.
A ``keep_with_next`` block (a section heading; a select question with its
open follow-up, see :mod:`survey.followups`) is never left at the bottom of a
page without the block after it: it moves along to the next page. Such links
chain (heading, question, follow-up), and the whole chain must fit; a link
that could not fit even on an empty page is given up rather than leaving a
block alone on a page. ``paper::page_break`` forces a new page and breaks a
link. A block taller than the whole content frame is an error (the builder
already cuts grids between rows), never a silent overflow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from layout.ops import Block, Op, move
from layout.styles import Style
from survey.errors import LayoutError

EPSILON = 0.01


@dataclass(frozen=True)
class Placement:
    """Where a block went: page (1-based) and the top-left corner of the block, PDF points."""

    page: int
    x: float
    top: float
    block: Block


def paginate(blocks: Sequence[Block], style: Style) -> list[Placement]:
    """Place every block; returns one placement per placed piece, in order.

    A splittable block (a long grid) that does not fit in the rest of the page
    is cut between rows when at least a minimal piece fits; otherwise it moves
    to the next page, where it is cut again if it is taller than a page.
    """
    queue = list(blocks)
    placements: list[Placement] = []
    page = 1
    cursor = style.content_top
    empty = True
    i = 0
    while i < len(queue):
        block = queue[i]
        room = cursor - style.content_bottom + EPSILON
        need = needed_height(queue, i, style)
        if block.page_break_before and not empty:
            page, cursor, empty = page + 1, style.content_top, True
            continue
        if need <= room:
            placements.append(Placement(page, style.content_left, cursor, block))
            cursor -= block.height + block.space_after
            empty = False
            i += 1
            continue
        if (
            block.split is not None
            and not block.keep_with_next
            and block.first_piece_height <= room
        ):
            pieces = block.split(room)
            if pieces is not None:
                first, rest = pieces
                placements.append(Placement(page, style.content_left, cursor, first))
                queue[i] = rest
                page, cursor, empty = page + 1, style.content_top, True
                continue
        if empty:
            raise LayoutError(
                f"{block.name or 'A block'} is {block.height:.0f} pt tall, more than a page "
                f"({style.content_height:.0f} pt): shorten it or split it."
            )
        page, cursor, empty = page + 1, style.content_top, True
    return placements


def needed_height(blocks: Sequence[Block], i: int, style: Style) -> float:
    """The room block ``i`` needs where it starts: itself and what it is kept with.

    Follows ``keep_with_next`` links: every kept block counts in full, the last
    one only with its first piece (a grid may be cut after that). A link that
    would make the chain taller than an empty page is dropped with the rest of
    the chain: keeping it could only push the block onto a page of its own.
    """
    need = total = blocks[i].height
    j = i
    while blocks[j].keep_with_next and j + 1 < len(blocks) and not blocks[j + 1].page_break_before:
        following = blocks[j + 1]
        gap = blocks[j].space_after
        with_following = total + gap + min(following.height, following.first_piece_height)
        if with_following > style.content_height:
            break
        need = with_following
        total += gap + following.height
        j += 1
    return need


def page_count(placements: Sequence[Placement]) -> int:
    return max((p.page for p in placements), default=1)


def page_ops(placements: Sequence[Placement], page: int) -> list[Op]:
    """Every operation of ``page``, in page coordinates (PDF points)."""
    ops: list[Op] = []
    for p in placements:
        if p.page == page:
            ops += move(p.block.ops, p.x, p.top)
    return ops
