"""cohub: the co-production knowledge hub.

Everything here is plain Python and importable without MkDocs, except
:mod:`cohub.mkdocs_adapter`, the one module that talks to MkDocs.
"""

from __future__ import annotations

__version__ = "0.1.0"
