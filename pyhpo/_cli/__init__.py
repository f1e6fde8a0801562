"""The insides of the ``pyhpo`` command (:mod:`pyhpo.cli`): its commands and output formats. Private."""
