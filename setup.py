"""The compiled part of dedup: optional C extensions (the token scan of dedup.vocabulary, the
MinHash loop of dedup.fingerprint).

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
    ]
)
