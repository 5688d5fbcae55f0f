"""The compiled part of dedup: optional C extensions (the token scan of dedup.vocabulary, the
event keys' loop over capitalised runs of dedup.events, the site-chrome line keys of
dedup.boilerplate; the MinHash signatures of dedup.fingerprint; the cosines of candidate pairs
of dedup.similarity). dedup/_compiled.py lists them.

Where they cannot be built (no C compiler), installation goes on and dedup uses the same
functions in Python, slower but identical.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("dedup._scan", ["dedup/_scan.c"], depends=["dedup/_buffers.h"], optional=True),
        Extension(
            "dedup._minhash", ["dedup/_minhash.c"], depends=["dedup/_buffers.h"], optional=True
        ),
        Extension("dedup._pairs", ["dedup/_pairs.c"], depends=["dedup/_buffers.h"], optional=True),
    ]
)
