"""Pagination: place blocks on pages top to bottom, never splitting one.

A block that does not fit in what is left of the page starts the next page.
A section heading (``keep_with_next``) is never left alone at the bottom of
a page: it moves along with the block after it. ``paper::page_break`` forces
a new page. A block taller than the whole content frame is an error (the
builder already cuts grids between rows), never a silent overflow.
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
        need = block.height
        if block.keep_with_next and i + 1 < len(queue) and not queue[i + 1].page_break_before:
            following = queue[i + 1]
            need += block.space_after + min(following.height, following.first_piece_height)
            need = min(need, style.content_height)
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


def page_count(placements: Sequence[Placement]) -> int:
    return max((p.page for p in placements), default=1)


def page_ops(placements: Sequence[Placement], page: int) -> list[Op]:
    """Every operation of ``page``, in page coordinates (PDF points)."""
    ops: list[Op] = []
    for p in placements:
        if p.page == page:
            ops += move(p.block.ops, p.x, p.top)
    return ops
