"""The web kernel: small helpers every app may import.

It holds registries and plumbing with no domain knowledge (navigation, demo
steps, the URL-walk test registry, downloads, staged uploads, the read-only
admin mixin, start-up hooks). It imports no app of the project and nothing
from the project package ``bianzhi.web``; the architecture test enforces it.
"""
