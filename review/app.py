"""The review web app: a WSGI application over the round's store.

Routes (every page but the login page needs a logged-in operator; every POST
needs the session's CSRF token):

=========================  =====================================================
``GET /``                  overview: open and decided items per question, pages
``GET /items/next``        the first open question item
``GET/POST /items/<id>``   one question item: clip, reading, question; decide it
``GET /items/<id>/image``  the item's clip (or its page's preview)
``GET /pages``             the page items (quarantine, pages returned twice)
``GET/POST /pages/<id>``   one page item: page image, reason; assign or mark it
``GET /pages/<id>/image``  the page's reduced image
``POST /pages/<id>/undo``  undo the page's decision (asks to confirm when needed)
``GET /texts/...``         the texts queue (:mod:`review.textviews`)
``GET/POST /login``        log in; ``POST /logout`` logs out
``GET /lang?to=en``        switch the UI language (a cookie)
``GET /static/<name>``     the stylesheet and the script
=========================  =====================================================

The app is a Flask application served by waitress (:mod:`review.server`).
The store is opened per request (SQLite in WAL mode: cheap, and safe while a
scan run writes), so the app keeps no connection between requests and runs
in a threaded server. Sessions, login failures and leases on items
(:mod:`review.leases`) are in the store too, so two server processes on one
round share them: an operator never gets an item a colleague has open.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from flask import Flask, Request, Response, abort, g, request
from werkzeug.exceptions import HTTPException

from review import decisions, queue, texts, transcripts, undo, web
from review.auth import LoginThrottle, Session, Sessions, authenticate
from review.drafts import DraftOcr, DraftService, default_ocr
from review.items import RETURNED_TWICE, Item, compare_copies, decode_value, load_item
from review.leases import LEASE_SECONDS, PAGES, QUESTIONS, TEXTS, Leases
from review.textviews import TextViews
from survey.errors import ReviewError
from survey.followups import follow_ups
from survey.formmap import FormMap
from survey.model import Question, Questionnaire, QuestionType
from survey.project import ProjectPaths, store_location
from survey.store import Store

log = logging.getLogger("papersurvey.review")

HERE = Path(__file__).parent
STATIC = {"review.css": "text/css; charset=utf-8", "review.js": "text/javascript; charset=utf-8"}
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
SESSION_COOKIE = "psr_session"
LANG_COOKIE = "psr_lang"
KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0")
Route = Callable[..., None]
"""``route(method, rule, handler, *, public=False, name="")``: :meth:`ReviewApp.route`."""
_STATE_SQL = {
    QUESTIONS: "SELECT state FROM review_items WHERE id = ?",
    PAGES: "SELECT state FROM review_items WHERE id = ?",
    TEXTS: "SELECT state FROM transcriptions WHERE id = ?",
}
"""The state (``open``, ...) of an item of each queue."""
MESSAGES = ("saved", "page_decided", "all_done", "all_taken", "page_undone", "texts_done")


def joined_label(grid: str, statement: str) -> str:
    """A grid's question and one statement as one line: "…gesprek? De tijd …", "Stelling: …"."""
    if not grid:
        return statement
    return (
        f"{grid} {statement}"
        if grid.rstrip().endswith(("?", "!", ".", ":"))
        else f"{grid}: {statement}"
    )


@dataclass(frozen=True)
class ReviewConfig:
    """What the app needs to know about the round.

    Attributes:
        root: the project folder (``clips/`` is in it, and ``store.sqlite`` unless
            ``survey.toml`` names another store).
        questionnaire: the round's questionnaire (texts and choices).
        form_map: the form map of the printed questionnaire (page count,
            question numbers, questions per page).
        language: the default UI language (``nl`` or ``en``).
        on_items_opened: called with the store after a decision opened new
            question items (assigning a page, using another copy), to cut their
            clips; ``None`` to show the page image instead.
        draft_ocr: the OCR engine for drafts of open answers (default:
            tesseract when installed); ``None`` for no drafts.
        page_maps: the form maps per respondent, for a round printed with
            several (:class:`review.decisions.PageMaps`); ``None``: every
            page is laid out as ``form_map``.
        lease_seconds: how long an opened item stays with its operator
            (:mod:`review.leases`).
        store_opener: opens a new connection to the round's store; ``None``:
            ``root/store.sqlite``. Several apps (or processes) opening the
            same store share sessions, login failures and leases.
    """

    root: Path
    questionnaire: Questionnaire
    form_map: FormMap
    language: str = "nl"
    on_items_opened: Callable[[Store], None] | None = None
    draft_ocr: DraftOcr | None = field(default_factory=default_ocr)
    page_maps: decisions.PageMaps | None = None
    lease_seconds: int = LEASE_SECONDS
    store: Path | str | None = None
    """The store's file or URL; ``None``: the project folder's (:func:`survey.project.store_location`)."""
    store_opener: Callable[[], Store] | None = None
    """Opens the store instead (the load tests' choice of store); ``None``: :attr:`store`."""

    def open_store(self) -> Store:
        """A new connection to the round's store."""
        if self.store_opener is not None:
            return self.store_opener()
        return Store.open(self.store or store_location(ProjectPaths(self.root)))


class RequestContext:
    """One request as the handlers see it: the request, the operator's session, the UI
    language, and the round's store, opened on first use and closed after the response.

    The session is looked up on first use; a visitor without one gets an
    anonymous session only when a page needs its CSRF token (the login form),
    so images and the stylesheet never write to the store.
    """

    def __init__(self, req: Request, lang: str, app: ReviewApp) -> None:
        self.req = req
        self.lang = lang
        self.app = app
        self.new_cookie = ""
        self._store: Store | None = None
        self._session: Session | None = None
        self._looked_up = False

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = self.app.config.open_store()
        return self._store

    def existing_session(self) -> Session | None:
        """The request's live session, or ``None`` (nothing is created)."""
        if not self._looked_up:
            self._session = self.app.sessions.get(self.store, self.req.cookies.get(SESSION_COOKIE))
            self._looked_up = True
        return self._session

    @property
    def session(self) -> Session:
        """The request's session; an anonymous one is made (and its cookie set) if need be."""
        s = self.existing_session()
        if s is None:
            s = self._session = self.app.sessions.create(self.store)
            self.new_cookie = s.token
        return s

    @property
    def operator(self) -> str:
        s = self.existing_session()
        return s.operator if s is not None else ""

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def _codes(value: Any) -> set[str]:
    """The choice codes of a value (a code, a tuple of codes, or ``None``)."""
    if isinstance(value, tuple):
        return set(value)
    return {value} if value else set()


def _safe_next(target: str) -> str:
    """A local path to go back to; anything else becomes ``/``."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


class ReviewApp:
    """The WSGI application (a Flask app inside). Create one per server process.

    It keeps no state between requests but its configuration: sessions, login
    failures and leases are in the round's store, so several apps (in one
    process or several) can serve one round.
    """

    def __init__(
        self,
        config: ReviewConfig,
        *,
        sessions: Sessions | None = None,
        throttle: LoginThrottle | None = None,
        leases: Leases | None = None,
    ) -> None:
        self.config = config
        self.sessions = sessions or Sessions()
        self.throttle = throttle or LoginThrottle()
        self.leases = leases or Leases(config.lease_seconds)
        self.order = queue.question_order(config.questionnaire)
        self.numbers = {q.name: q.number for q in config.form_map.questions}
        self._groups = {g.name: g for g in config.questionnaire.groups()}
        self._follows = follow_ups(
            config.questionnaire
        )  # "Wilt u uitleggen waarom?" -> its question
        self.drafts = DraftService(config.root, config.draft_ocr, config.open_store)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        # Flask's own static route and templates are off: /static serves two named files.
        self.flask = Flask(__name__, static_folder=None, template_folder=None)
        self.flask.config["MAX_CONTENT_LENGTH"] = web.MAX_BODY
        self.flask.url_map.converters["item"] = web.ItemIdConverter
        self._public: set[str] = set()
        r = self.route
        r("GET", "/", self.overview)
        r("GET", "/items/next", self.next_item)
        r("GET", "/items/<item:item_id>", self.show_item)
        r("POST", "/items/<item:item_id>", self.decide_item)
        r("GET", "/items/<item:item_id>/image", self.item_image)
        r("GET", "/pages", self.pages)
        r("GET", "/pages/<item:item_id>", self.show_page)
        r("POST", "/pages/<item:item_id>", self.decide_page)
        r("GET", "/pages/<item:item_id>/image", self.item_image, name="page_image")
        r("POST", "/pages/<item:item_id>/undo", self.undo_page)
        TextViews(self).register(r)
        r("GET", "/login", self.login_form, public=True)
        r("POST", "/login", self.login, public=True)
        r("POST", "/logout", self.logout)
        r("GET", "/lang", self.switch_language, public=True)
        r("GET", "/static/<name>", self.static, public=True)
        self.flask.before_request(self._before)
        self.flask.after_request(self._after)
        self.flask.teardown_request(self._teardown)
        self.flask.register_error_handler(HTTPException, web.error_page)
        self.flask.register_error_handler(Exception, self._unexpected)

    def route(
        self,
        method: str,
        rule: str,
        handler: Callable[..., Response],
        *,
        public: bool = False,
        name: str = "",
    ) -> None:
        """Serve ``method rule`` with ``handler(ctx, **path arguments)``.

        Every route but a ``public`` one needs a logged-in operator.
        """
        endpoint = name or handler.__name__

        def view(**kwargs: Any) -> Response:
            return handler(g.review, **kwargs)

        self.flask.add_url_rule(rule, endpoint, view, methods=[method])
        if public:
            self._public.add(endpoint)

    def close(self) -> None:
        """Stop the background reading of drafts (after the current one)."""
        self.drafts.close()

    # ------------------------------------------------------------------ WSGI

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        return self.flask(environ, start_response)

    def _before(self) -> Response | None:
        """Log-in and CSRF checks, before any handler runs."""
        lang = texts.language(request.cookies.get(LANG_COOKIE) or self.config.language)
        ctx = g.review = RequestContext(request._get_current_object(), lang, self)  # type: ignore[attr-defined]
        if request.method == "POST" and request.mimetype not in ("", web.FORM):
            abort(415)
        token = request.form.get("csrf", "")  # reads the body: 413 when it is too large
        if request.endpoint is None:  # not found, or the wrong method: Flask answers
            return None
        if request.endpoint not in self._public and not ctx.operator:
            return web.redirect("/login?" + urlencode({"next": request.path}))
        if request.method == "POST":
            s = ctx.existing_session()
            if s is None or not s.csrf_ok(token):
                return self.render(ctx, "message.html", {"message": "csrf_failed"}, 403)
        return None

    def _after(self, response: Response) -> Response:
        ctx: RequestContext | None = g.get("review")
        if ctx is not None and ctx.new_cookie and not web.sets_cookie(response, SESSION_COOKIE):
            web.set_cookie(response, SESSION_COOKIE, ctx.new_cookie)
        return web.add_security_headers(response)

    def _teardown(self, exc: BaseException | None) -> None:
        ctx: RequestContext | None = g.pop("review", None)
        if ctx is not None:
            ctx.close()

    def _unexpected(self, exc: Exception) -> Response:
        log.exception("review: unexpected error", exc_info=exc)
        return web.plain("Internal error; see the server's log.", 500)

    # ------------------------------------------------------------------ helpers

    def render(
        self, ctx: RequestContext, template: str, values: dict[str, Any], status: int = 200
    ) -> Response:
        t = texts.translator(ctx.lang)
        page = self.env.get_template(template).render(
            t=t,
            lang=ctx.lang,
            operator=ctx.operator,
            csrf=ctx.session.csrf,
            path=ctx.req.path,
            reason_text=lambda r: texts.reason_text(ctx.lang, r),
            decision_text=lambda v: texts.decision_text(ctx.lang, v),
            state_text=lambda s: texts.box_state_text(ctx.lang, s),
            **values,
        )
        return web.html(page, status)

    def question(self, name: str) -> Question | None:
        try:
            return self.config.questionnaire.question(name)
        except KeyError:
            return None

    def question_context(self, name: str, lang: str) -> dict[str, Any]:
        """Texts of a question: number, label, the grid it belongs to, hint (else the grid's).

        ``heading`` is the label as one line ("grid question? statement"); ``follows``
        is the question an open follow-up explains ("Wilt u uitleggen waarom?" alone
        says nothing), with its number.
        """
        q = self.question(name)
        group = self._groups.get(q.group) if q else None
        grid = group if group is not None and group.is_grid else None
        hint = q.hint.get(lang) if q else ""
        label = q.label.get(lang) if q else name
        grid_label = grid.label.get(lang) if grid is not None else ""
        parent = self.question(self._follows[name]) if name in self._follows else None
        return {
            "name": name,
            "number": self.numbers.get(name, 0),
            "label": label,
            "heading": joined_label(grid_label, label),
            # A statement of a grid has no hint of its own: the grid's instruction applies.
            "hint": hint or (grid.hint.get(lang) if grid is not None else ""),
            "grid": grid_label,
            "follows": parent.label.get(lang) if parent is not None else "",
            "follows_number": self.numbers.get(parent.name, 0) if parent is not None else 0,
            "multiple": bool(q and q.type is QuestionType.SELECT_MULTIPLE),
        }

    def _item(self, ctx: RequestContext, item_id: int, *, page: bool) -> Item:
        item = load_item(ctx.store, item_id, self.config.root)
        if item is None or item.is_page_item != page:
            abort(404, texts.translator(ctx.lang)("not_found"))
        return item

    # ------------------------------------------------------------------ leases

    def hold(self, ctx: RequestContext, queue_name: str, item_id: int) -> str:
        """Lease the item to the operator: ``""`` when it is theirs, else who has it (a notice)."""
        if self.leases.take(ctx.store, queue_name, item_id, ctx.operator):
            return ""
        who = self.leases.holder(ctx.store, queue_name, item_id)
        return texts.translator(ctx.lang)("leased", who=who or "?")

    def claim_next(
        self, ctx: RequestContext, queue_name: str, entries: list[queue.Entry], after: int | None
    ) -> int | None:
        """Lease the next open item after ``after`` that no colleague holds; ``None`` if none."""

        def still_open(item_id: int) -> bool:
            return bool(ctx.store.scalar(_STATE_SQL[queue_name], (item_id,)) == "open")

        candidates = queue.open_after(entries, after)
        found = self.leases.claim(ctx.store, queue_name, candidates, ctx.operator, still_open)
        if found is None:
            self.leases.release(ctx.store, ctx.operator, queue_name)
        return found

    # ------------------------------------------------------------------ login

    def login_form(self, ctx: RequestContext, error: str = "", status: int = 200) -> Response:
        nxt = _safe_next(ctx.req.args.get("next", "") or ctx.req.form.get("next", "") or "/")
        return self.render(ctx, "login.html", {"error": error, "next": nxt}, status)

    def login(self, ctx: RequestContext) -> Response:
        name = ctx.req.form.get("name", "").strip()[:64]
        password = ctx.req.form.get("password", "")
        if self.throttle.blocked(ctx.store, name):
            return self.login_form(ctx, "login_blocked", 429)
        if not name or not authenticate(ctx.store, name, password):
            self.throttle.failed(ctx.store, name)
            with ctx.store.transaction():
                ctx.store.audit("review.login_failed", {"name": name}, actor="review")
            return self.login_form(ctx, "login_failed", 401)
        self.throttle.succeeded(ctx.store, name)
        self.sessions.drop(ctx.store, ctx.session.token)
        session = self.sessions.create(ctx.store, name)
        with ctx.store.transaction():
            ctx.store.audit("review.login", {}, actor=name)
        response = web.redirect(_safe_next(ctx.req.form.get("next", "") or "/"))
        web.set_cookie(response, SESSION_COOKIE, session.token)
        return response

    def logout(self, ctx: RequestContext) -> Response:
        with ctx.store.transaction():
            ctx.store.audit("review.logout", {}, actor=ctx.operator)
        self.leases.release(ctx.store, ctx.operator)
        self.sessions.drop(ctx.store, ctx.session.token)
        response = web.redirect("/login")
        web.set_cookie(response, SESSION_COOKIE, "", max_age=0)
        return response

    def switch_language(self, ctx: RequestContext) -> Response:
        response = web.redirect(_safe_next(ctx.req.args.get("next", "") or "/"))
        lang = texts.language(ctx.req.args.get("to", ""))
        web.set_cookie(response, LANG_COOKIE, lang, max_age=365 * 86400)
        return response

    def static(self, ctx: RequestContext, name: str) -> Response:
        if name not in STATIC:
            abort(404)
        return web.data((HERE / "static" / name).read_bytes(), STATIC[name], cache="no-cache")

    # ------------------------------------------------------------------ overview

    def overview(self, ctx: RequestContext) -> Response:
        transcripts.sync(ctx.store)
        entries = queue.question_queue(ctx.store, self.order)
        pages = queue.page_queue(ctx.store)
        text_entries = transcripts.text_queue(ctx.store, self.order)
        summary = [
            (s, self.question_context(s.question, ctx.lang)) for s in queue.summarise(entries)
        ]
        return self.render(
            ctx,
            "overview.html",
            {
                "summary": summary,
                "open": sum(e.is_open for e in entries),
                "total": len(entries),
                "pages_open": sum(e.is_open for e in pages),
                "pages_total": len(pages),
                "first_open": queue.first_open(entries),
                "texts_open": sum(e.is_open for e in text_entries),
                "texts_total": len(text_entries),
                "first_open_text": queue.first_open(text_entries),
                "message": self.message(ctx),
            },
        )

    def message(self, ctx: RequestContext) -> str:
        """The notice named in the ``msg`` argument, if it is one of :data:`MESSAGES`."""
        m = ctx.req.args.get("msg", "")
        return m if m in MESSAGES else ""

    def next_item(self, ctx: RequestContext) -> Response:
        entries = queue.question_queue(ctx.store, self.order)
        first = self.claim_next(ctx, QUESTIONS, entries, None)
        if first is None:
            return web.redirect(f"/?msg={queue.none_left(entries, 'all_done')}")
        return web.redirect(f"/items/{first}")

    # ------------------------------------------------------------------ question items

    def show_item(
        self, ctx: RequestContext, item_id: int, error: str = "", status: int = 200
    ) -> Response:
        item = self._item(ctx, item_id, page=False)
        error = error or self.hold(ctx, QUESTIONS, item_id)
        entries = queue.question_queue(ctx.store, self.order)
        pos = queue.position(entries, item_id)
        q = self.question(item.question)
        info = self.question_context(item.question, ctx.lang)
        boxes = {b.choice: b for b in item.reading.boxes} if item.reading else {}
        current = (
            decode_value(item.decided_value, multiple=info["multiple"])
            if item.state == "decided"
            else (item.reading.value if item.reading else None)
        )
        chosen = _codes(current)
        machine = _codes(item.reading.value) if item.reading else set()
        choices = []
        if q is not None and q.choices is not None:
            for i, c in enumerate(q.choices.choices):
                choices.append(
                    {
                        "code": c.name,
                        "label": c.label.get(ctx.lang),
                        "key": KEYS[i] if i < len(KEYS) else "",
                        "box": boxes.get(c.name),
                        "chosen": c.name in chosen,
                        "machine": c.name in machine,
                    }
                )
        labels = {str(c["code"]): str(c["label"]) for c in choices}
        return self.render(
            ctx,
            "item.html",
            {
                "item": item,
                "q": info,
                "choices": choices,
                "pos": pos,
                "machine_value": self._value_text(ctx, item.reading.value, labels)
                if item.reading
                else None,
                "decided_value": self._value_text(
                    ctx, decode_value(item.decided_value, multiple=info["multiple"]), labels
                ),
                "error": error,
                "message": self.message(ctx),
            },
            status,
        )

    def _value_text(self, ctx: RequestContext, value: Any, labels: dict[str, str]) -> str:
        if not _codes(value):
            return texts.translator(ctx.lang)("value_none")
        codes = value if isinstance(value, tuple) else (value,)
        return ", ".join(f"{c} {labels.get(c, '')}".strip() for c in codes)

    def decide_item(self, ctx: RequestContext, item_id: int) -> Response:
        item = self._item(ctx, item_id, page=False)
        held = self.hold(ctx, QUESTIONS, item_id)
        if held:
            return self.show_item(ctx, item_id, error=held, status=409)
        action = ctx.req.form.get("action", "") or "set"
        seen = ctx.req.form.get("seen", "") if "seen" in ctx.req.form else None
        try:
            if action == "confirm":
                decisions.confirm(ctx.store, item_id, operator=ctx.operator, seen=seen)
            elif action == "none":
                decisions.no_answer(ctx.store, item_id, operator=ctx.operator, seen=seen)
            elif action == "set":
                q = self.question(item.question)
                if q is None:
                    raise ReviewError(f"{item.question} is not in the questionnaire.")
                values = [v for v in ctx.req.form.getlist("value") if v]
                value: str | tuple[str, ...] | None = (
                    tuple(values)
                    if q.type is QuestionType.SELECT_MULTIPLE
                    else (values[0] if len(values) == 1 else tuple(values) or None)
                )
                decisions.correct(
                    ctx.store, item_id, value, question=q, operator=ctx.operator, seen=seen
                )
            else:
                abort(400)
        except ReviewError as exc:
            return self.show_item(ctx, item_id, error=str(exc), status=409)
        entries = queue.question_queue(ctx.store, self.order)
        nxt = self.claim_next(ctx, QUESTIONS, entries, item_id)
        if nxt is None:
            return web.redirect(f"/?msg={queue.none_left(entries, 'all_done')}")
        return web.redirect(f"/items/{nxt}?msg=saved")

    def item_image(self, ctx: RequestContext, item_id: int) -> Response:
        item = load_item(ctx.store, item_id, self.config.root)
        if item is None:
            abort(404)
        rel = item.clip or item.preview
        if not rel:
            abort(404)
        return self.clip_response(rel)

    def clip_response(self, rel: str) -> Response:
        """The image at ``rel`` (relative to the project folder), only from ``clips/``."""
        clips = (self.config.root / "clips").resolve()
        path = (self.config.root / rel).resolve()
        if not path.is_relative_to(clips) or path.suffix.lower() not in IMAGE_TYPES:
            abort(404)
        return web.data(path.read_bytes(), IMAGE_TYPES[path.suffix.lower()])

    # ------------------------------------------------------------------ page items

    def pages(self, ctx: RequestContext) -> Response:
        rows = []
        for e in queue.page_queue(ctx.store):
            item = load_item(ctx.store, e.id, self.config.root)
            if item is not None:
                rows.append(item)
        return self.render(ctx, "pages.html", {"items": rows, "message": self.message(ctx)})

    def show_page(
        self,
        ctx: RequestContext,
        item_id: int,
        error: str = "",
        status: int = 200,
        form: Any = None,
    ) -> Response:
        item = self._item(ctx, item_id, page=True)
        error = error or self.hold(ctx, PAGES, item_id)
        pos = queue.position(queue.page_queue(ctx.store), item_id)
        copies = compare_copies(ctx.store, item) if item.reason == RETURNED_TWICE else None
        opened = ctx.req.args.get("opened", "")
        rows = []
        if copies is not None:
            rows = [(self.question_context(r.question, ctx.lang), r) for r in copies.rows]
        return self.render(
            ctx,
            "page.html",
            {
                "item": item,
                "pos": pos,
                "copies": copies,
                "copy_rows": rows,
                "page_count": len(self.config.form_map.pages),
                "form": form or {"pseudonym": "", "page_no": str(item.machine_page or "")},
                "error": error,
                "message": self.message(ctx),
                "opened": int(opened) if opened.isdigit() else 0,
            },
            status,
        )

    def decide_page(self, ctx: RequestContext, item_id: int) -> Response:
        self._item(ctx, item_id, page=True)
        form = {
            "pseudonym": ctx.req.form.get("pseudonym", ""),
            "page_no": ctx.req.form.get("page_no", ""),
        }
        held = self.hold(ctx, PAGES, item_id)
        if held:
            return self.show_page(ctx, item_id, error=held, status=409, form=form)
        action = ctx.req.form.get("action", "")
        try:
            if action == "assign":
                try:
                    page_no = int(form["page_no"])
                except ValueError:
                    raise ReviewError("choose the page number printed on the sheet.") from None
                d = decisions.assign_page(
                    ctx.store,
                    item_id,
                    form["pseudonym"],
                    page_no,
                    form_map=self.config.form_map,
                    operator=ctx.operator,
                    page_maps=self.config.page_maps,
                )
            elif action in decisions.PAGE_MARKS:
                d = decisions.mark_page(ctx.store, item_id, action, operator=ctx.operator)
            elif action == "keep_first":
                d = decisions.keep_first_copy(ctx.store, item_id, operator=ctx.operator)
            elif action == "use_this":
                d = decisions.use_this_copy(ctx.store, item_id, operator=ctx.operator)
            else:
                abort(400)
        except ReviewError as exc:
            return self.show_page(ctx, item_id, error=str(exc), status=409, form=form)
        if d.opened and self.config.on_items_opened is not None:
            try:
                self.config.on_items_opened(ctx.store)
            except Exception:  # the decision stands; the page image is shown instead
                log.exception("review: cutting clips for the new items failed")
        nxt = self.claim_next(ctx, PAGES, queue.page_queue(ctx.store), item_id)
        target = f"/pages/{nxt}" if nxt is not None else "/pages"
        return web.redirect(f"{target}?msg=page_decided&opened={d.opened}")

    def undo_page(self, ctx: RequestContext, item_id: int) -> Response:
        item = self._item(ctx, item_id, page=True)
        held = self.hold(ctx, PAGES, item_id)
        if held:
            return self.show_page(ctx, item_id, error=held, status=409)
        confirm = ctx.req.form.get("confirm", "")
        try:
            plan = undo.plan(ctx.store, item_id, ctx.operator)
            if plan.blocked:
                raise ReviewError(plan.blocked)
            if plan.needs_confirmation and confirm != plan.token:
                dependents = [
                    (d, self.question_context(d.question, ctx.lang)) for d in plan.dependents
                ]
                return self.render(
                    ctx,
                    "undo.html",
                    {
                        "item": item,
                        "token": plan.token,
                        "other": plan.entry is not None and plan.entry.decided_by != ctx.operator,
                        "dependents": dependents,
                        "changed": bool(confirm),
                    },
                    409 if confirm else 200,
                )
            undo.undo_page(ctx.store, item_id, operator=ctx.operator, confirm=confirm)
        except ReviewError as exc:
            return self.show_page(ctx, item_id, error=str(exc), status=409)
        return web.redirect(f"/pages/{item_id}?msg=page_undone")
