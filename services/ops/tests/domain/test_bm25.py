from opsuite_ops.domain.bm25 import BM25Index, tokenise


def test_tokenise_splits_snake_kebab_camel_and_stems() -> None:
    assert tokenise("cpu_by_host") == ["cpu", "host"]
    assert tokenise("recent-deployments errorRate") == ["deploy", "error", "rat"]
    assert tokenise("what changed") == tokenise("changes") == ["chang"]


def test_bm25_ranks_the_matching_document_first() -> None:
    docs = [tokenise("cpu utilisation of a host"), tokenise("error rate of a service"), tokenise("disk usage")]
    scores = BM25Index(docs).scores(tokenise("error spike on checkout"))
    assert scores.index(max(scores)) == 1
    assert scores[2] == 0.0


def test_rare_terms_weigh_more_than_common_ones() -> None:
    docs = [tokenise("host cpu"), tokenise("host memory"), tokenise("host disk")]
    index = BM25Index(docs)
    assert index.scores(["cpu"])[0] > index.scores(["host"])[0]
    assert BM25Index([]).scores(["x"]) == []
