"""Gaussian-process Bayesian optimisation on numpy and scipy: the model, acquisitions, their optimiser and
:class:`GPSampler`. The terminator's regret bounds use :mod:`.gp`, :mod:`.acqf`, :mod:`.optim` and
:mod:`.search_space` through their public names."""

from pyhpo.samplers._gp.sampler import GPSampler

__all__ = ["GPSampler"]
