"""layout.pagination: blocks placed top to bottom, kept-together chains, page breaks."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from layout.ops import Block
from layout.pagination import needed_height, paginate
from layout.styles import Style

STYLE = Style()
PAGE = STYLE.content_height


def block(name: str, height: float, *, keep: bool = False, gap: float = 10.0, brk: bool = False):
    return Block((), height, space_after=gap, keep_with_next=keep, page_break_before=brk, name=name)


def pages(blocks: list[Block]) -> dict[str, int]:
    return {p.block.name: p.page for p in paginate(blocks, STYLE)}


def test_a_chain_needs_every_kept_block():
    heading, question, follow_up = (
        block("h", 20, keep=True),
        block("q", 100, keep=True),
        block("t", 60),
    )
    chain = [heading, question, follow_up, block("x", 50)]

    assert needed_height(chain, 0, STYLE) == 20 + 10 + 100 + 10 + 60
    assert needed_height(chain, 1, STYLE) == 100 + 10 + 60
    assert needed_height(chain, 2, STYLE) == 60


def test_a_page_break_ends_the_chain():
    chain = [block("q", 100, keep=True), block("t", 60, brk=True)]
    assert needed_height(chain, 0, STYLE) == 100


def test_a_link_too_tall_for_any_page_is_given_up():
    chain = [block("h", 20, keep=True), block("q", PAGE - 100, keep=True), block("t", 200)]
    # Heading and question together fit a page; the follow-up cannot join them.
    assert needed_height(chain, 0, STYLE) == 20 + 10 + PAGE - 100
    assert needed_height(chain, 1, STYLE) == PAGE - 100
    # When not even the first link fits, the block needs only its own room.
    assert needed_height([block("h", 20, keep=True), block("big", PAGE)], 0, STYLE) == 20


def test_the_whole_chain_moves_to_the_next_page():
    filler = block("f", PAGE - 200)
    chain = [block("h", 20, keep=True), block("q", 100, keep=True), block("t", 80)]
    # Heading and question would fit under the filler; with the follow-up they do not.
    assert pages([filler, *chain]) == {"f": 1, "h": 2, "q": 2, "t": 2}
    # Without the link, the question stays and only the follow-up moves.
    loose = [block("h", 20, keep=True), block("q", 100), block("t", 80)]
    assert pages([filler, *loose]) == {"f": 1, "h": 1, "q": 1, "t": 2}


def test_a_question_too_tall_to_join_its_heading_and_follow_up_keeps_its_heading():
    chain = [block("h", 20, keep=True), block("q", PAGE - 100, keep=True), block("t", 200)]
    assert pages([block("f", 300), *chain]) == {"f": 1, "h": 2, "q": 2, "t": 3}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(5, PAGE / 3 - 20),
            st.booleans(),
            st.sampled_from([False] * 9 + [True]),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_blocks_fit_in_order_and_kept_blocks_share_a_page(specs):
    # Chains of at most three kept blocks always fit one page here.
    blocks, run = [], 0
    for k, (height, keep, brk) in enumerate(specs):
        run = run + 1 if keep else 0
        blocks.append(block(f"b{k}", height, keep=keep and run < 3, brk=brk))
        if run >= 3:
            run = 0
    placements = paginate(blocks, STYLE)

    assert [p.block.name for p in placements] == [b.name for b in blocks]
    assert [p.page for p in placements] == sorted(p.page for p in placements)
    for p in placements:
        assert p.top <= STYLE.content_top + 1e-6
        assert p.top - p.block.height >= STYLE.content_bottom - 0.01, p.block.name
    for b, p, after, q in zip(blocks, placements, blocks[1:], placements[1:], strict=False):
        if b.keep_with_next and not after.page_break_before:
            assert q.page == p.page, (b.name, after.name)
        if after.page_break_before:
            assert (q.page, q.top) == (p.page + 1, STYLE.content_top)


def test_a_follow_up_is_printed_on_the_page_of_the_question_it_explains(default_layout):
    from survey.followups import follow_ups

    pairs = follow_ups(default_layout.questionnaire)
    assert pairs  # the shipped questionnaire has follow-ups
    pages = {s.name: s.page for s in default_layout.form_map.questions}
    for follow_up, question in pairs.items():
        assert pages[follow_up] == pages[question], (follow_up, question)
