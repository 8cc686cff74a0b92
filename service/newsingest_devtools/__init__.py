"""Test and release tooling of newsingest, apart from the runtime package.

``sandbox``: isolated namespaces on a shared stack and the pipeline as an OS process (tests, benchmarks).
``compat`` / ``compat_diff``: the schema-compatibility checker of the public message schemas (releases).
``cli``: ``newsingest-dev`` (also ``python -m newsingest_devtools``).

This package imports ``newsingest``; ``newsingest`` never imports this package.
"""
