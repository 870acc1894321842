"""The merged dataset: one row per respondent from paper and online answers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.dataset import META_COLUMNS, build_dataset
from papersurvey.simulate.online import SimulatedResponse
from survey.project import Project
from survey.pseudonym import new_pseudonyms
from survey.store import utc_now
from tests.analysis.conftest import Round, add_online, add_paper, add_respondents


def _add_pages(
    project: Project, pages: dict[str, list[int]], when: str = "2027-03-03T09:00:00Z"
) -> None:
    store = project.store
    with store.transaction():
        store.insert(
            "scan_files", {"sha256": "f" * 64, "path": "scan.pdf", "pages": 9, "added_at": when}
        )
        for i, (p, numbers) in enumerate(pages.items()):
            for j, no in enumerate(numbers):
                store.insert(
                    "pages",
                    {
                        "image_sha256": f"{i:032d}{j:032d}",
                        "file_sha256": "f" * 64,
                        "page_index": 10 * i + j,
                        "pseudonym": p,
                        "page_no": no,
                        "status": "ok",
                        "processed_at": when,
                    },
                )


def test_paper_and_online_merge_into_one_row_each(round_project: tuple[Project, Round]) -> None:
    project, r = round_project
    ds = build_dataset(project.store, project.load_questionnaire())
    data = ds.data.set_index("pseudonym")
    assert list(ds.data.columns[: len(META_COLUMNS)]) == list(META_COLUMNS)
    assert set(data.index) == set(r.paper) | set(r.online)
    assert (data.loc[list(r.paper), "mode"] == "paper").all()
    assert (data.loc[list(r.online), "mode"] == "online").all()
    # the only problems: paper respondents who left a required question blank
    assert (ds.problems["check"] == "required").all() and ds.duplicates.empty
    required = {q.name for q in ds.questionnaire.answerable() if q.required}
    for p, question in zip(ds.problems["pseudonym"], ds.problems["question"], strict=True):
        assert p in r.paper and question in required and question not in r.paper[p]
    for p, answers in [*r.paper.items(), *r.online.items()]:
        row = data.loc[p]
        assert {q: row[q] for q in answers} == answers
        assert row.drop(list(META_COLUMNS[1:]) + list(answers)).isna().all()
    assert len(ds.long) == sum(len(a) for a in [*r.paper.values(), *r.online.values()])
    assert ds.population["responded"].sum() == len(data)
    assert set(ds.data["subgroup"]) <= {"Leidschendam", "Voorburg", "Stompwijk"}


def test_duplicates_review_and_bad_values(project: Project, tmp_path: Path) -> None:
    q = project.load_questionnaire()
    a, b, c, d, e = sorted(new_pseudonyms(5))
    add_respondents(project.store, [a, b, c, d])
    add_respondents(project.store, [e], channel="none")
    # a: complete paper (2 of 2 pages) scanned before a complete online response -> paper wins
    add_paper(project.store, a, {"q01_grade_overall": "8"})
    # b: paper with a page missing, complete online -> online wins
    add_paper(project.store, b, {"q01_grade_overall": "4"})
    _add_pages(project, {a: [1, 2], b: [1]})
    add_online(
        project,
        tmp_path,
        [
            SimulatedResponse(a, {"q01_grade_overall": "5"}, "2027-03-10 10:00:00", 10),
            SimulatedResponse(b, {"q01_grade_overall": "9"}, "2027-03-10 10:00:00", 10),
        ],
    )
    # c: the machine read 3 and 'x'; an operator decided 6 and "no answer" for the other
    add_paper(project.store, c, {"q01_grade_overall": "3", "q02_grade_first_line": "2"})
    add_paper(
        project.store, c, {"q01_grade_overall": "6", "q02_grade_first_line": None}, source="review"
    )
    # d: an invalid code and an answer the routing skips (intake long ago -> no intake statements)
    add_paper(
        project.store,
        d,
        {"q01_grade_overall": "12", "q18_intake_when": "3", "q19_intake_rights": "4"},
    )
    with project.store.transaction():
        project.store.insert(
            "review_items",
            {
                "pseudonym": d,
                "question": "q01_grade_overall",
                "reason": "uncertain_mark",
                "created_at": utc_now(),
            },
        )

    ds = build_dataset(project.store, q)
    data = ds.data.set_index("pseudonym")
    assert data.loc[a, ["mode", "q01_grade_overall"]].tolist() == ["paper", "8"]
    assert data.loc[b, ["mode", "status", "q01_grade_overall"]].tolist() == [
        "online",
        "complete",
        "9",
    ]
    dup = ds.duplicates.set_index("pseudonym")
    assert dup.loc[a, "mode"] == "online" and dup.loc[a, "reason"] == "earlier response wins"
    assert dup.loc[b, "mode"] == "paper" and dup.loc[b, "reason"].startswith("complete")
    assert data.loc[c, "q01_grade_overall"] == "6" and pd.isna(data.loc[c, "q02_grade_first_line"])
    assert pd.isna(data.loc[d, "q01_grade_overall"]) and pd.isna(data.loc[d, "q19_intake_rights"])
    assert data.loc[d, "q18_intake_when"] == "3" and data.loc[d, "open_review"] == 1
    checks = {  # required questions left blank on paper are listed too; not the point here
        (p, q, c)
        for p, q, c in zip(
            ds.problems["pseudonym"], ds.problems["question"], ds.problems["check"], strict=True
        )
        if c != "required"
    }
    assert checks == {(d, "q01_grade_overall", "value_valid"), (d, "q19_intake_rights", "routing")}
    assert e not in set(ds.population["pseudonym"])  # not invited and no answer
