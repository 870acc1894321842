"""The texts queue in the web app: show a clip with its draft, save what the operator typed.

Routes (registered by :class:`review.app.ReviewApp`):

=========================  =====================================================
``GET /texts/next``        the first open transcription item
``GET/POST /texts/<id>``   one item: clip, question, draft; save, illegible, empty
``GET /texts/<id>/image``  the item's clip
=========================  =====================================================

Showing an open item without a draft reads it first (one OCR run, the only
wait an operator ever has), then asks the draft service to read the next open
item's draft in the background. A text that looks like a phone number or an
e-mail address is not saved at the first Enter: the page comes back with a
warning, and a second Enter on the same text saves it as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Response, abort

from review import texts, transcripts, web
from review.leases import TEXTS
from review.queue import none_left, position
from review.transcripts import TextItem, load_text, text_queue
from survey.errors import ReviewError
from survey.privacy_flags import Flag, flags

if TYPE_CHECKING:
    from review.app import RequestContext, ReviewApp, Route

ACTIONS = ("save", "illegible", "empty")


def flag_words(lang: str, found: tuple[Flag, ...]) -> str:
    """``(PHONE, EMAIL)`` -> "een telefoonnummer en een e-mailadres"."""
    t = texts.translator(lang)
    return f" {t('and')} ".join(t(f"flag_{f}") for f in found)


class TextViews:
    """The handlers of the texts queue, sharing the app's templates and draft service."""

    def __init__(self, app: ReviewApp) -> None:
        self.app = app

    def register(self, r: Route) -> None:
        r("GET", "/texts/next", self.next_text)
        r("GET", "/texts/<item:item_id>", self.show_text)
        r("POST", "/texts/<item:item_id>", self.decide_text)
        r("GET", "/texts/<item:item_id>/image", self.text_image)

    def _item(self, ctx: RequestContext, item_id: int) -> TextItem:
        item = load_text(ctx.store, item_id, self.app.config.root)
        if item is None:
            abort(404, texts.translator(ctx.lang)("not_found"))
        return item

    def next_text(self, ctx: RequestContext) -> Response:
        transcripts.sync(ctx.store)
        entries = text_queue(ctx.store, self.app.order)
        first = self.app.claim_next(ctx, TEXTS, entries, None)
        if first is None:
            return web.redirect(f"/?msg={none_left(entries, 'texts_done')}")
        return web.redirect(f"/texts/{first}")

    def show_text(
        self,
        ctx: RequestContext,
        item_id: int,
        error: str = "",
        status: int = 200,
        typed: str | None = None,
        warned: str = "",
    ) -> Response:
        transcripts.sync(ctx.store)
        item = self._item(ctx, item_id)
        error = error or self.app.hold(ctx, TEXTS, item_id)
        if item.is_open and item.counts and item.draft is None:
            self.app.drafts.ensure(ctx.store, item_id)
            item = self._item(ctx, item_id)
        entries = text_queue(ctx.store, self.app.order)
        pos = position(entries, item_id)
        if pos.next_open is not None:
            upcoming = load_text(ctx.store, pos.next_open)
            if upcoming is not None and upcoming.draft is None:
                self.app.drafts.prefetch(pos.next_open)
        if typed is not None:
            text = typed
        elif item.is_open:
            text = item.draft or ""
        else:
            text = item.value if item.decision == "text" and item.value else ""
        info = self.app.question_context(item.question, ctx.lang)
        return self.app.render(
            ctx,
            "text.html",
            {
                "item": item,
                "q": info,
                "pos": pos,
                "text": text,
                "warned": warned,
                "draft_flags": flag_words(ctx.lang, item.draft_flags),
                "value_flags": flag_words(ctx.lang, item.value_flags)
                if item.decision == "text"
                else "",
                "text_flags": flag_words(ctx.lang, flags(warned)) if warned else "",
                "error": error,
                "message": self.app.message(ctx),
            },
            status,
        )

    def decide_text(self, ctx: RequestContext, item_id: int) -> Response:
        self._item(ctx, item_id)
        held = self.app.hold(ctx, TEXTS, item_id)
        if held:
            return self.show_text(
                ctx, item_id, error=held, status=409, typed=ctx.req.form.get("text", "")
            )
        action = ctx.req.form.get("action", "") or "save"
        if action not in ACTIONS:
            abort(400)
        seen = ctx.req.form.get("seen", "") if "seen" in ctx.req.form else None
        typed = ctx.req.form.get("text", "")
        try:
            if action == "save":
                value = transcripts.normalise(typed)
                if value and flags(value) and value != ctx.req.form.get("warned", ""):
                    return self.show_text(ctx, item_id, typed=typed, warned=value)
                transcripts.transcribe(ctx.store, item_id, typed, operator=ctx.operator, seen=seen)
            elif action == "illegible":
                transcripts.illegible(ctx.store, item_id, operator=ctx.operator, seen=seen)
            else:
                transcripts.empty(ctx.store, item_id, operator=ctx.operator, seen=seen)
        except ReviewError as exc:
            return self.show_text(ctx, item_id, error=str(exc), status=409, typed=typed)
        entries = text_queue(ctx.store, self.app.order)
        nxt = self.app.claim_next(ctx, TEXTS, entries, item_id)
        if nxt is None:
            return web.redirect(f"/?msg={none_left(entries, 'texts_done')}")
        return web.redirect(f"/texts/{nxt}?msg=saved")

    def text_image(self, ctx: RequestContext, item_id: int) -> Response:
        item = self._item(ctx, item_id)
        if not item.clip:
            abort(404)
        return self.app.clip_response(item.clip)
