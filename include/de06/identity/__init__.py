"""Identity standardisation and the shared identity matcher (judicial cleansing, military sync).

Public interface: :mod:`de06.identity.matcher` (``IdentityInput``, ``MatchResult``,
``match_identities``); pure normalisers in ``text``, ``names``, ``dates``, ``ids``, ``fields``.
"""
