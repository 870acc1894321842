"""The second pass's computing part: measured pages classified with the batch calibration.

:func:`ingest.finalise.classify_pending` fetches measured pages from the
store a few dozen at a time and hands them to the executor that read them
(or classifies them in this process when there is none): each
:class:`ClassifyTask` holds the pickled first passes, the pages' quality
figures (which form map they were measured with) and the batch calibration,
and comes back as one small :class:`Classified` per page. Only the parent
writes the outcome to the store, so a run classified in parallel leaves the
same store as a serial one.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ingest.codec import result_to_json
from omr.calibration import Calibration
from omr.form import PreparedForm
from omr.mapchoice import doubt_questions
from omr.page import finish_page
from omr.params import OmrParams
from survey.formmap import FormMap
from survey.pageresult import PageResult
from survey.readingmaps import stored_map_id

if TYPE_CHECKING:
    from ingest.worker import WorkContext


@dataclass(frozen=True)
class ClassifyTask:
    """Measured pages of one batch: ``(image key, pickled first pass, quality JSON)`` each."""

    pages: tuple[tuple[str, bytes, str], ...]
    calibration: Calibration | None


@dataclass(frozen=True)
class Classified:
    """One page's final reading; ``stale`` when its first pass was stored by another version."""

    sha: str
    stale: bool = False
    result: PageResult | None = None
    result_json: str = ""


def page_form_map(
    form_maps: Mapping[str, FormMap | PreparedForm], quality: Mapping[str, object]
) -> FormMap | PreparedForm:
    """The map a page was measured with (see :func:`stored_map_id`)."""
    return form_maps[stored_map_id(form_maps, quality)]


def classify_measured(
    form_maps: Mapping[str, FormMap | PreparedForm], params: OmrParams, task: ClassifyTask
) -> list[Classified]:
    """Finish every page of ``task`` with its calibration (pure: no store, no files)."""
    out = []
    for sha, blob, quality_json in task.pages:
        try:
            measurement = pickle.loads(blob)
        except Exception:  # measured by another papersurvey version: read the page again
            out.append(Classified(sha, stale=True))
            continue
        quality = json.loads(quality_json)
        form_map = page_form_map(form_maps, quality)
        result = finish_page(measurement, form_map, calibration=task.calibration, params=params)
        if quality.get("map_note"):  # not clear which of the respondent's maps: all to review
            result = doubt_questions(result)
        out.append(Classified(sha, result=result, result_json=result_to_json(result)))
    return out


def classify_task(ctx: WorkContext, task: ClassifyTask) -> list[Classified]:
    """The executor's task function for :func:`classify_measured`."""
    return classify_measured(ctx.form_maps, ctx.params, task)
