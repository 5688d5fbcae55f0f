"""The compiled part of dedup: one optional C extension (the token scan of dedup.vocabulary).

Where it cannot be built (no C compiler), installation goes on and dedup uses the same
function in Python, slower but identical.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("dedup._scan", ["dedup/_scan.c"], optional=True)])
