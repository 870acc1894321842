"""Reading a round's stored pages again for the review UI: the re-reader and the clip cutter.

The review app decides; some decisions need a page image again. Assigning an
unidentified page to a respondent may mean reading it with that respondent's
form map (:func:`ingest.reread.align_page`), and the review items a decision
opens need their clips cut from the scan file
(:func:`ingest.clipcutter.cut_missing_clips`). A :class:`Rereader` does both
for one round, with one worker context, in the review server's own process.
It is the review app's :class:`review.decisions.PageMaps`, and its
:meth:`Rereader.cut_new_clips` is the app's ``on_items_opened``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ingest.clipcutter import cut_missing_clips
from ingest.pipeline import omr_params, round_maps
from ingest.reread import Alignment, align_page
from ingest.worker import WorkContext
from survey.executors import SerialExecutor
from survey.formmap import FormMap
from survey.project import Project
from survey.readingmaps import respondent_map_ids
from survey.store import Store


@dataclass(frozen=True)
class Rereader:
    """The printed form maps of a round and what it takes to read its pages again.

    Attributes:
        context: the worker context pages are read and cut with (``ocr`` off:
            an operator is looking at the page).
        maps: the form maps by map id, the round's default language first.
        printed: pseudonym -> the ids of the maps their questionnaires were
            printed with, for respondents sent anything but the latest map of
            their language (:attr:`survey.readingmaps.ReadingMaps.respondent_maps`).
    """

    context: WorkContext
    maps: dict[str, FormMap]
    printed: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def for_project(cls, project: Project) -> Rereader:
        """The re-reader of the open ``project``, with the maps its questionnaires were printed
        with (:func:`ingest.pipeline.round_maps`).

        Raises:
            ProjectError: the ``[omr]`` settings of the round are wrong.
        """
        reading = round_maps(project)
        context = WorkContext.for_project(project, reading.maps, omr_params(project), ocr=False)
        return cls(context, reading.maps, reading.respondent_maps)

    @property
    def default_map(self) -> FormMap:
        """The form map of the round's default language."""
        return next(iter(self.maps.values()))

    @property
    def root(self) -> Path:
        return Path(self.context.root)

    def map_ids(self, store: Store, pseudonym: str) -> tuple[str, ...]:
        """The map ids ``pseudonym``'s pages are read with, preferred first."""
        ids = respondent_map_ids(store, self.maps, self.printed)
        return ids.get(pseudonym) or (next(iter(self.maps)),)

    def form_map(self, store: Store, pseudonym: str) -> FormMap:
        """The form map of ``pseudonym``'s questionnaire (the latest, if they were sent several)."""
        return self.maps[self.map_ids(store, pseudonym)[0]]

    def align(self, store: Store, page_sha256: str, pseudonym: str, page_no: int) -> FormMap:
        """Make the page's stored readings those of ``pseudonym``'s sheet; returns its form map
        (see :func:`ingest.reread.align_page`). Runs inside the decision's transaction."""
        done: Alignment = align_page(
            store, self.context, page_sha256, self.map_ids(store, pseudonym), page_no
        )
        return self.maps[done.map_id]

    def cut_new_clips(self, store: Store) -> None:
        """Cut the clips of newly opened review items from their scan files, as a scan does."""
        with SerialExecutor() as executor:
            cut_missing_clips(store, self.root, executor, self.context)
