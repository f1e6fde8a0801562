"""Improvement evaluators: how much the best value could still improve (Optuna's
``optuna.terminator.improvement``)."""
