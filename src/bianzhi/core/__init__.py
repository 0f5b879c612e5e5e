"""Domain core: pure Python (+numpy). No Django, no file or network I/O.

A test imports this package with no Django settings to prove it stays pure.
"""
