"""ops answer evaluation (issue 13, item 7): question sets over two estates, a scorer and a runner.

- ``demo.yaml``: questions over the demo estate (``demo/``), applied exactly as ``./dev up`` does.
- ``second.yaml``: questions over a second estate that :mod:`tests.ops_eval.second_estate` builds itself
  (its own SQLite file, its own APIs registered through api_manager's gRPC API, other names and story).
- :mod:`tests.ops_eval.questions`: the question-set format, facts and their matching.
- :mod:`tests.ops_eval.runner`: starts real api_manager and ops servers, asks every question through
  ops's gRPC ``Ask`` and scores it; ``./dev bench ops_answers`` writes ``bench/results/ops_answers.json``.
"""

from tests.ops_eval.questions import Fact, Question, QuestionSet, load_set
from tests.ops_eval.runner import run_evaluation

__all__ = ["Fact", "Question", "QuestionSet", "load_set", "run_evaluation"]
