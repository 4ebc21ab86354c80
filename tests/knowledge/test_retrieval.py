"""Hybrid retrieval: RRF fusion, the keyword index, and dense + BM25 on the real index."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowledge.base import KnowledgeBase
from knowledge.lexical import KeywordIndex, fold, tokenize
from knowledge.retrieval import RRF_C, rrf


def test_rrf_sums_reciprocal_ranks() -> None:
    fused = dict(rrf([["a", "b", "c"], ["c", "a"]]))
    assert fused["a"] == pytest.approx(1 / (RRF_C + 1) + 1 / (RRF_C + 2))
    assert fused["c"] == pytest.approx(1 / (RRF_C + 3) + 1 / (RRF_C + 1))
    assert fused["b"] == pytest.approx(1 / (RRF_C + 2))
    assert [item for item, _ in rrf([["a", "b", "c"], ["c", "a"]])] == ["a", "c", "b"]


def test_rrf_counts_an_id_once_per_list_at_its_best_rank() -> None:
    fused = dict(rrf([["a", "a", "b"]]))
    assert fused == {"a": pytest.approx(1 / (RRF_C + 1)), "b": pytest.approx(1 / (RRF_C + 3))}


def test_rrf_ties_keep_first_seen_order_and_weights_apply() -> None:
    assert [i for i, _ in rrf([["x"], ["y"]])] == ["x", "y"]
    assert [i for i, _ in rrf([["x"], ["y"]], weights=[1.0, 2.0])] == ["y", "x"]
    assert rrf([[], []]) == []


@given(st.lists(st.lists(st.sampled_from("abcdefgh"), max_size=8), min_size=1, max_size=3))
def test_rrf_returns_each_id_once_sorted_by_score(rankings: list[list[str]]) -> None:
    fused = rrf(rankings)
    ids = [i for i, _ in fused]
    assert sorted(ids) == sorted({i for r in rankings for i in r})
    scores = [s for _, s in fused]
    assert scores == sorted(scores, reverse=True)


def test_tokens_fold_accents_lowercase_and_drop_stopwords() -> None:
    assert fold("Participación ÉTICA") == "participacion etica"
    assert tokenize("What is the Théory of Change?") == ["theory", "change"]
    assert tokenize("¿Qué es un sistema de producción?") == ["sistema", "produccion"]
    assert tokenize("the of and") == []


def test_keyword_index_ranks_coverage_and_idf() -> None:
    index = KeywordIndex(["leverage point in a system", "stakeholder map of a system", ""])
    hits = index.search("leverage point", 5)
    assert [h.index for h in hits] == [0]
    assert index.search("the", 5) == []
    assert index.coverage("leverage bananas") == 0.5
    assert index.coverage("") == 0.0
    assert index.idf("leverage") > index.idf("system") >= 0.0
    assert index.idf("unknown") == 0.0
    assert KeywordIndex([]).search("anything", 3) == []


def test_keyword_match_is_the_weight_share_found_in_one_chunk() -> None:
    index = KeywordIndex(["leverage point", "stakeholder map", "aa", "bb", "cc", "dd"])
    assert index.match("leverage point", [0]) == 1.0
    assert index.match("leverage point", [1]) == 0.0
    assert index.match("leverage map", [0, 1]) == pytest.approx(0.5)
    # an unknown word weighs like the rarest known one, so it halves the share here
    assert index.match("leverage bitcoin", [0]) == pytest.approx(0.5)
    assert index.match("", [0]) == 0.0
    assert index.match("leverage", []) == 0.0


def test_hybrid_finds_the_concept_and_reports_evidence(kb: KnowledgeBase) -> None:
    result = kb.retrieve("What is a production system?")
    assert result.mode == "hybrid"
    assert result.slugs[0] == "production-system"
    assert result.best_cosine is not None
    assert result.best_cosine > 0.5
    assert result.coverage == 1.0
    top = result.hits[0]
    assert top.cosine is not None
    assert top.bm25 is not None
    assert len({h.chunk.id for h in result.hits}) == len(result.hits)  # dedup by chunk id


def test_documents_are_aggregated_in_best_chunk_order(kb: KnowledgeBase) -> None:
    result = kb.retrieve("production system")
    slugs = result.slugs
    assert len(slugs) == len(set(slugs))
    first_rank: dict[str, int] = {}
    for rank, hit in enumerate(result.hits):
        first_rank.setdefault(hit.chunk.slug, rank)
    assert slugs == sorted(first_rank, key=first_rank.__getitem__)
    doc = result.documents[0]
    assert all(h.chunk.slug == doc.slug for h in doc.hits)


def test_dense_finds_paraphrases_bm25_finds_acronyms(kb: KnowledgeBase) -> None:
    paraphrase = kb.retrieve("Who should be at the table?")
    best_dense = max(paraphrase.hits, key=lambda h: h.cosine or -1.0)
    assert best_dense.chunk.slug == "stakeholder-mapping"  # shares no word with the question
    assert best_dense.bm25 is None
    assert "stakeholder-mapping" in paraphrase.slugs[:2]
    acronym = kb.retrieve("SCS")
    assert acronym.slugs[0] == "societal-change-system"
    assert any(h.bm25 is not None for h in acronym.hits)


def test_keyword_only_base_retrieves_without_vectors(kb: KnowledgeBase) -> None:
    keyword = KnowledgeBase(kb.config, kb.chunks)
    result = keyword.retrieve("theory of change assumptions")
    assert result.mode == "keyword"
    assert result.best_cosine is None
    assert result.slugs[0] == "theory-of-change"
    assert all(h.cosine is None for h in result.hits)
